"""Admin endpoints for dead letters (list, inspect, replay) and parked outbox rows (list, replay)."""

import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select, update

from shared.auth import Principal, Role, require_roles
from shared.consumer import Outcome, Received
from shared.errors import Conflict, NotFound
from shared.pagination import Paged
from shared.runtime import Runtime
from shared.timeutil import utcnow

router = APIRouter(prefix="/admin", tags=["operations"])
AdminOnly = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
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


def _b64(raw: bytes | None) -> str | None:
    return base64.b64encode(raw).decode() if raw is not None else None


async def _load(runtime: Runtime, dead_letter_id: int) -> DeadLetterRead:
    table = runtime.definition.tables.dead_letters
    async with runtime.uow() as uow:
        row = (await uow.session.execute(select(table).where(table.c.id == dead_letter_id))).first()
    if row is None:
        raise NotFound(f"dead letter {dead_letter_id} not found")
    return DeadLetterRead(**{**row._asdict(), "key_base64": _b64(row.key), "value_base64": _b64(row.value)})


@router.get("/dead-letters", response_model=list[DeadLetterRead], summary="List dead letters")
async def list_dead_letters(
    request: Request,
    _caller: AdminOnly,
    page: Paged,
    status: Annotated[str | None, Query(pattern="^(open|replayed)$")] = "open",
) -> list[DeadLetterRead]:
    """Dead letters, newest first, by status."""
    runtime = _runtime(request)
    table = runtime.definition.tables.dead_letters
    query = select(table.c.id).order_by(table.c.id.desc())
    if status:
        query = query.where(table.c.status == status)
    async with runtime.uow() as uow:
        ids = await page.rows(uow.session, query)
    return [await _load(runtime, i) for i in ids]


@router.get("/dead-letters/{dead_letter_id}", response_model=DeadLetterRead, summary="Inspect a dead letter")
async def get_dead_letter(
    request: Request, dead_letter_id: DeadLetterId, _caller: AdminOnly
) -> DeadLetterRead:
    """One dead letter with its original bytes (base64)."""
    return await _load(_runtime(request), dead_letter_id)


@router.post(
    "/dead-letters/{dead_letter_id}/replay", response_model=ReplayResult, summary="Replay a dead letter"
)
async def replay_dead_letter(
    request: Request, dead_letter_id: DeadLetterId, _caller: AdminOnly
) -> ReplayResult:
    """Run the original message through its consumer again; it stays open if it fails again."""
    runtime = _runtime(request)
    letter = await _load(runtime, dead_letter_id)
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
    _caller: AdminOnly,
    page: Paged,
    status: Annotated[str, Query(pattern="^(parked|pending)$")] = "parked",
) -> list[OutboxRowRead]:
    """Rows the relay parked because they can never be published, or rows still pending; oldest first."""
    runtime = _runtime(request)
    outbox = runtime.definition.tables.outbox
    columns = [c for c in outbox.c if c.name not in ("value", "headers")]
    query = select(*columns, func.length(outbox.c.value).label("size")).order_by(outbox.c.id)
    if status == "parked":
        query = query.where(outbox.c.parked_at.is_not(None))
    else:
        query = query.where(outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None))
    async with runtime.uow() as uow:
        rows = await page.records(uow.session, query)
    return [
        OutboxRowRead(**row._asdict(), status=_outbox_status(row.published_at, row.parked_at)) for row in rows
    ]


@router.post(
    "/outbox/{row_id}/replay", response_model=OutboxReplayResult, summary="Replay a parked outbox row"
)
async def replay_outbox_row(request: Request, row_id: DeadLetterId, _caller: AdminOnly) -> OutboxReplayResult:
    """Make a parked row pending again (after raising a limit or fixing the topic); it keeps its place."""
    runtime = _runtime(request)
    outbox = runtime.definition.tables.outbox
    async with runtime.uow() as uow:
        found = (await uow.session.execute(select(outbox.c.parked_at).where(outbox.c.id == row_id))).first()
        if found is None:
            raise NotFound(f"outbox row {row_id} not found")
        if found.parked_at is None:
            raise Conflict(f"outbox row {row_id} is not parked")
        await uow.session.execute(update(outbox).where(outbox.c.id == row_id).values(parked_at=None))
        await uow.commit()
    if runtime.relay is not None:
        runtime.relay.wake()
    return OutboxReplayResult(id=row_id, status="pending")
