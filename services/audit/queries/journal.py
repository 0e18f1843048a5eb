"""The journal's verification as the API reads it: the first row whose hash or link does not hold."""

from sqlalchemy import select

from services.audit.domain import journal as chain
from services.audit.models import JournalHeadRow, JournalRow
from services.audit.schemas import JournalCheck
from shared.uow import UnitOfWork


async def verify(uow: UnitOfWork) -> JournalCheck:
    """Walk the whole chain; the head is read before the rows (`chain.verify` says why)."""
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
    broken = chain.verify(entries, head)
    return JournalCheck(ok=broken is None, rows_checked=len(entries), first_broken_seq=broken)
