"""The tamper-evident journal: every event audit sees is appended to a hash chain."""

import hashlib
from collections.abc import Sequence

from sqlalchemy import select, update

from services.audit.domain import journal as chain
from services.audit.models import JournalHeadRow, JournalRow
from services.audit.schemas import JournalCheck
from shared.consumer import Received, RetryLater
from shared.envelope import Envelope
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


class ChainMoved(RetryLater):
    """Another append won the race for the chain's head; this transaction retries."""


async def append(uow: UnitOfWork, events: Sequence[tuple[Envelope, Received]]) -> None:
    """Append events to the chain, in order, in the transaction of their effects.

    The head row is locked (PostgreSQL) and read afresh, so concurrent appenders queue rather than
    retry; it is the last lock a consumer's transaction takes, after its handlers' own. The guarded
    update still catches a head that moved where no lock exists (SQLite's writers queue anyway).
    """
    if not events:
        return
    head = await uow.session.get(JournalHeadRow, 1, with_for_update=True, populate_existing=True)
    first_hash, seq = (head.last_hash, head.last_seq) if head else (chain.GENESIS, 0)
    previous = first_hash
    now = utcnow()
    for envelope, record in events:
        seq += 1
        entry = chain.Entry(
            seq=seq,
            event_id=str(envelope.event_id),
            event_type=envelope.event_type,
            topic=record.topic,
            org_id=envelope.org_id,
            occurred_at=envelope.occurred_at.isoformat(),
            body_sha256=hashlib.sha256(record.value or b"").hexdigest(),
        )
        digest = chain.chain_hash(previous, entry)
        uow.session.add(
            JournalRow(
                seq=seq,
                event_id=entry.event_id,
                event_type=entry.event_type,
                topic=entry.topic,
                org_id=entry.org_id,
                occurred_at=entry.occurred_at,
                body_sha256=entry.body_sha256,
                prev_hash=previous,
                hash=digest,
                recorded_at=now,
            )
        )
        previous = digest
    if head is None:
        uow.session.add(JournalHeadRow(id=1, last_seq=seq, last_hash=previous))
        return
    moved = await uow.session.execute(
        update(JournalHeadRow)
        .where(JournalHeadRow.id == 1, JournalHeadRow.last_hash == first_hash)
        .values(last_seq=seq, last_hash=previous)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 1) != 1:
        raise ChainMoved("the journal head moved; retrying")


async def verify(uow: UnitOfWork) -> JournalCheck:
    """Walk the whole chain; report the first row whose hash or link does not hold.

    The head is read before the rows: appends commit rows and head together, so every row up to
    the head is already there, and rows a concurrent append adds beyond it must chain on from it.
    """
    async with uow:
        head_row = await uow.session.get(JournalHeadRow, 1)
        head = (head_row.last_seq, head_row.last_hash) if head_row else None
        rows = await uow.session.scalars(select(JournalRow).order_by(JournalRow.seq))
        entries = [
            (
                chain.Entry(r.seq, r.event_id, r.event_type, r.topic, r.org_id, r.occurred_at, r.body_sha256),
                r.prev_hash,
                r.hash,
            )
            for r in rows
        ]
    broken = chain.first_broken(entries)
    if broken is None and head is not None:
        seq, digest = head
        stored = {entry.seq: hashed for entry, _, hashed in entries}
        if stored.get(seq) != digest:  # the head's row was changed, or rows were cut off the end
            broken = seq if seq in stored else (entries[-1][0].seq + 1 if entries else 1)
    return JournalCheck(ok=broken is None, rows_checked=len(entries), first_broken_seq=broken)
