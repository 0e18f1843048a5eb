"""Admin endpoints for dead letters: list, inspect, replay."""

import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import select, update

from shared.auth import Principal, Role, require_roles
from shared.consumer import Outcome, Received
from shared.errors import Conflict, NotFound
from shared.pagination import Paged
from shared.runtime import Runtime
from shared.timeutil import utcnow

router = APIRouter(prefix="/admin/dead-letters", tags=["operations"])
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


@router.get("", response_model=list[DeadLetterRead], summary="List dead letters")
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


@router.get("/{dead_letter_id}", response_model=DeadLetterRead, summary="Inspect a dead letter")
async def get_dead_letter(
    request: Request, dead_letter_id: DeadLetterId, _caller: AdminOnly
) -> DeadLetterRead:
    """One dead letter with its original bytes (base64)."""
    return await _load(_runtime(request), dead_letter_id)


@router.post("/{dead_letter_id}/replay", response_model=ReplayResult, summary="Replay a dead letter")
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
