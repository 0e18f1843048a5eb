"""Admin endpoints for dead letters (list, inspect, replay) and parked outbox rows (list, replay).

A cooperative's `admin` sees and replays only rows whose event names their cooperative; the `platform`
operator sees every row, including those no cooperative can be read from (a malformed record).
"""

import base64
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import Select, Table, func, select, update

from shared.auth import Principal, Role, require_roles
from shared.consumer import Outcome, Received
from shared.errors import Conflict, NotFound
from shared.pagination import Page, Paged
from shared.runtime import Runtime
from shared.timeutil import utcnow

router = APIRouter(prefix="/admin", tags=["operations"])
AdminOnly = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLATFORM))]
# Ids are 64-bit: a larger number is a 422, not an overflow in the database driver.
DeadLetterId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class DeadLetterRead(BaseModel):
    """A dead-lettered message: where it came from, why it failed, and its original bytes."""

    id: int
    consumer: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    event_type: str | None
    reason: str
    attempts: int
    status: str
    created_at: datetime
    replayed_at: datetime | None
    key_base64: str | None
    value_base64: str | None
    headers: dict[str, str]


class ReplayResult(BaseModel):
    """What a replay did."""

    id: int
    outcome: str
    status: str


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def event_org(value: bytes | None) -> str | None:
    """The cooperative an event's envelope names, or None if the bytes are no envelope."""
    try:
        document = json.loads(value or b"")
    except ValueError:
        return None
    org = document.get("org_id") if isinstance(document, dict) else None
    return org if isinstance(org, str) else None


def sees_every_cooperative(caller: Principal) -> bool:
    """True for the platform operator; an admin sees their own cooperative's rows only."""
    return caller.has_any((Role.PLATFORM,))


async def _scoped(
    runtime: Runtime, page: Page, caller: Principal, query: Select[Any], table: Table
) -> list[Any]:
    """One page of row ids: all of them for the platform, the caller's cooperative's for an admin."""
    async with runtime.uow() as uow:
        if sees_every_cooperative(caller):
            return await page.rows(uow.session, query)
        rows = (await uow.session.execute(query.add_columns(table.c.value))).all()
    return page.window([row[0] for row in rows if event_org(row.value) == caller.org_id])


def _b64(raw: bytes | None) -> str | None:
    return base64.b64encode(raw).decode() if raw is not None else None


async def _load(runtime: Runtime, dead_letter_id: int, caller: Principal) -> DeadLetterRead:
    table = runtime.definition.tables.dead_letters
    async with runtime.uow() as uow:
        row = (await uow.session.execute(select(table).where(table.c.id == dead_letter_id))).first()
    if row is None or not (sees_every_cooperative(caller) or event_org(row.value) == caller.org_id):
        raise NotFound(f"dead letter {dead_letter_id} not found")  # another cooperative's: not revealed
    return DeadLetterRead(**{**row._asdict(), "key_base64": _b64(row.key), "value_base64": _b64(row.value)})


@router.get("/dead-letters", response_model=list[DeadLetterRead], summary="List dead letters")
async def list_dead_letters(
    request: Request,
    caller: AdminOnly,
    page: Paged,
    status: Annotated[str | None, Query(pattern="^(open|replayed)$")] = "open",
) -> list[DeadLetterRead]:
    """Dead letters, newest first, by status: the caller's cooperative's (all of them for the platform)."""
    runtime = _runtime(request)
    table = runtime.definition.tables.dead_letters
    query = select(table.c.id).order_by(table.c.id.desc())
    if status:
        query = query.where(table.c.status == status)
    ids = await _scoped(runtime, page, caller, query, table)
    return [await _load(runtime, i, caller) for i in ids]


@router.get("/dead-letters/{dead_letter_id}", response_model=DeadLetterRead, summary="Inspect a dead letter")
async def get_dead_letter(
    request: Request, dead_letter_id: DeadLetterId, caller: AdminOnly
) -> DeadLetterRead:
    """One dead letter with its original bytes (base64)."""
    return await _load(_runtime(request), dead_letter_id, caller)


@router.post(
    "/dead-letters/{dead_letter_id}/replay", response_model=ReplayResult, summary="Replay a dead letter"
)
async def replay_dead_letter(
    request: Request, dead_letter_id: DeadLetterId, caller: AdminOnly
) -> ReplayResult:
    """Run the original message through its consumer again; it stays open if it fails again."""
    runtime = _runtime(request)
    letter = await _load(runtime, dead_letter_id, caller)
    if letter.status != "open":
        raise Conflict(f"dead letter {dead_letter_id} was already replayed")
    consumer = next((c for c in runtime.consumers.values() if c.consumer_id == letter.consumer), None)
    if consumer is None:
        raise Conflict(f"no consumer {letter.consumer} in this service")
    record = Received(
        topic=letter.topic,
        partition=letter.partition,
        offset=letter.offset,
        key=base64.b64decode(letter.key_base64) if letter.key_base64 else None,
        value=base64.b64decode(letter.value_base64) if letter.value_base64 else None,
        headers=tuple((k, v.encode()) for k, v in letter.headers.items()),
    )
    outcome = await consumer.process(record, dead_letter_id=dead_letter_id)
    status = "open"
    if outcome is not Outcome.DEAD_LETTERED:
        table = runtime.definition.tables.dead_letters
        async with runtime.uow() as uow:
            await uow.session.execute(
                update(table)
                .where(table.c.id == dead_letter_id)
                .values(status="replayed", replayed_at=utcnow())
            )
            await uow.commit()
        status = "replayed"
    return ReplayResult(id=dead_letter_id, outcome=outcome.value, status=status)


class OutboxRowRead(BaseModel):
    """An outbox row: where it goes, whether it was published or parked, and why."""

    id: int
    event_id: str
    event_type: str
    topic: str
    key: str
    size: int
    status: str
    attempts: int
    last_error: str | None
    parked_reason: str | None
    created_at: datetime
    published_at: datetime | None
    parked_at: datetime | None


class OutboxReplayResult(BaseModel):
    """What a replay of a parked row did: it is pending again, for the relay's next round."""

    id: int
    status: str


def _outbox_status(published_at: datetime | None, parked_at: datetime | None) -> str:
    if parked_at is not None:
        return "parked"
    return "published" if published_at is not None else "pending"


@router.get("/outbox", response_model=list[OutboxRowRead], summary="List outbox rows (parked by default)")
async def list_outbox(
    request: Request,
    caller: AdminOnly,
    page: Paged,
    status: Annotated[str, Query(pattern="^(parked|pending)$")] = "parked",
) -> list[OutboxRowRead]:
    """Rows the relay parked because they can never be published, or rows still pending; oldest first."""
    runtime = _runtime(request)
    outbox = runtime.definition.tables.outbox
    columns = [c for c in outbox.c if c.name not in ("value", "headers")]
    query = select(outbox.c.id).order_by(outbox.c.id)
    if status == "parked":
        query = query.where(outbox.c.parked_at.is_not(None))
    else:
        query = query.where(outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None))
    ids = await _scoped(runtime, page, caller, query, outbox)
    details = select(*columns, func.length(outbox.c.value).label("size")).where(outbox.c.id.in_(ids))
    async with runtime.uow() as uow:
        rows = (await uow.session.execute(details.order_by(outbox.c.id))).all()
    return [
        OutboxRowRead(**row._asdict(), status=_outbox_status(row.published_at, row.parked_at)) for row in rows
    ]


@router.post(
    "/outbox/{row_id}/replay", response_model=OutboxReplayResult, summary="Replay a parked outbox row"
)
async def replay_outbox_row(request: Request, row_id: DeadLetterId, caller: AdminOnly) -> OutboxReplayResult:
    """Make a parked row pending again (after raising a limit or fixing the topic); it keeps its place."""
    runtime = _runtime(request)
    outbox = runtime.definition.tables.outbox
    async with runtime.uow() as uow:
        query = select(outbox.c.parked_at, outbox.c.value).where(outbox.c.id == row_id)
        found = (await uow.session.execute(query)).first()
        if found is None or not (sees_every_cooperative(caller) or event_org(found.value) == caller.org_id):
            raise NotFound(f"outbox row {row_id} not found")
        if found.parked_at is None:
            raise Conflict(f"outbox row {row_id} is not parked")
        await uow.session.execute(update(outbox).where(outbox.c.id == row_id).values(parked_at=None))
        await uow.commit()
    if runtime.relay is not None:
        runtime.relay.wake()
    return OutboxReplayResult(id=row_id, status="pending")
