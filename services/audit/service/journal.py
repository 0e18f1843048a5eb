"""The tamper-evident journal: every event audit sees is appended to a hash chain (`domain/journal.py`)."""

from collections.abc import Sequence

from sqlalchemy import update

from services.audit.domain import journal as chain
from services.audit.models import JournalHeadRow, JournalRow
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
    facts = [
        chain.Entry(
            0,
            str(envelope.event_id),
            envelope.event_type,
            record.topic,
            envelope.org_id,
            envelope.occurred_at.isoformat(),
            chain.body_hash(record.value),
        )
        for envelope, record in events
    ]
    links = chain.extend((head.last_seq, head.last_hash) if head else None, facts)
    now = utcnow()
    for link in links:
        e = link.entry
        uow.session.add(
            JournalRow(
                seq=e.seq,
                event_id=e.event_id,
                event_type=e.event_type,
                topic=e.topic,
                org_id=e.org_id,
                occurred_at=e.occurred_at,
                body_sha256=e.body_sha256,
                prev_hash=link.previous,
                hash=link.hash,
                recorded_at=now,
            )
        )
    seq, last = links[-1].entry.seq, links[-1].hash
    if head is None:
        uow.session.add(JournalHeadRow(id=1, last_seq=seq, last_hash=last))
        return
    moved = await uow.session.execute(
        update(JournalHeadRow)
        .where(JournalHeadRow.id == 1, JournalHeadRow.last_hash == head.last_hash)
        .values(last_seq=seq, last_hash=last)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 1) != 1:
        raise ChainMoved("the journal head moved; retrying")
