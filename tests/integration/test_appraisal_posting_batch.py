"""R-A2 in batches: one transaction books new posting ids, ignores exact repeats, refuses reused ids."""

from typing import Any

from sqlalchemy import select

from services.appraisal.app import MIGRATIONS
from services.appraisal.models import MESSAGING, PostingRow
from services.appraisal.service.projections import record_posting_batch
from shared.contracts.corebanking import ProfitPosted
from shared.db import create_engine, create_session_factory
from shared.envelope import parse_envelope
from shared.migrations import upgrade_async
from shared.uow import UnitOfWork
from tests.support import envelope_bytes


def _posting(posting_id: str, customer: str, amount: str, **envelope: Any) -> tuple[Any, ProfitPosted]:
    payload = {
        "posting_id": posting_id,
        "customer_id": customer,
        "period": "2025-03",
        "product": "loans",
        "amount": amount,
        "posted_on": "2025-03-10",
    }
    return (
        parse_envelope(envelope_bytes("profit.posted", customer, payload, **envelope)),
        ProfitPosted.model_validate(payload),
    )


async def test_R_A2_a_batch_books_each_posting_id_once_and_refuses_a_reused_one(database_url: str) -> None:
    await upgrade_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:
            assert await record_posting_batch(uow, [_posting("p-1", "c-1", "10.00")]) == {}
            await uow.commit()
        batch = [
            _posting("p-1", "c-1", "10.00"),  # redelivered from an earlier batch: nothing
            _posting("p-2", "c-2", "20.00"),
            _posting("p-2", "c-2", "20.00"),  # repeated within the batch: nothing
            _posting("p-1", "c-1", "11.00"),  # reused with other figures: refused
            _posting("p-3", "c-9", "-5.00"),  # a customer nobody serves yet: held, booked
            _posting("p-2", "c-2", "20.00", org_id="rcc-other"),  # another cooperative's id clash
        ]
        async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:
            refused = await record_posting_batch(uow, batch)
            await uow.commit()
        assert sorted(refused) == [3, 5]
        assert all("already booked with other figures" in reason for reason in refused.values())
        async with sessions() as session:
            rows = (await session.scalars(select(PostingRow).order_by(PostingRow.posting_id))).all()
        assert [(r.posting_id, r.customer_id, str(r.amount)) for r in rows] == [
            ("p-1", "c-1", "10.00"),
            ("p-2", "c-2", "20.00"),
            ("p-3", "c-9", "-5.00"),
        ]
    finally:
        await engine.dispose()
