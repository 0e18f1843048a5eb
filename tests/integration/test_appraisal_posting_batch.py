"""R-A2 in batches: one transaction books new posting ids, ignores exact repeats, refuses reused ids."""

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, cast, func, select

from services.appraisal.app import MIGRATIONS
from services.appraisal.models import MESSAGING, PostingRow, PostingTotalRow
from services.appraisal.service.projections import record_posting_batch
from shared.contracts.corebanking import ProfitPosted
from shared.db import create_engine, create_session_factory
from shared.envelope import parse_envelope
from shared.uow import UnitOfWork
from tests.support import ORG, envelope_bytes
from tests.templates import migrate_async


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
    await migrate_async(MIGRATIONS, database_url)
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
            _posting("p-2", "c-2", "20.00", org_id="rcc-other"),  # another cooperative's own p-2: booked
        ]
        async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:
            refused = await record_posting_batch(uow, batch)
            await uow.commit()
        assert sorted(refused) == [3]
        assert all("already booked with other figures" in reason for reason in refused.values())
        async with sessions() as session:
            rows = (
                await session.scalars(select(PostingRow).order_by(PostingRow.posting_id, PostingRow.org_id))
            ).all()
        assert [(r.posting_id, r.customer_id, str(r.amount)) for r in rows] == [
            ("p-1", "c-1", "10.00"),
            ("p-2", "c-2", "20.00"),
            ("p-2", "c-2", "20.00"),
            ("p-3", "c-9", "-5.00"),
        ]
    finally:
        await engine.dispose()


async def test_issue_19_7_a_posting_id_is_unique_per_cooperative_not_across_them(database_url: str) -> None:
    await migrate_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:
            assert await record_posting_batch(uow, [_posting("p-7", "c-1", "10.00", org_id="rcc-a")]) == {}
            await uow.commit()
        async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:  # B's own p-7, other figures
            assert await record_posting_batch(uow, [_posting("p-7", "c-2", "99.00", org_id="rcc-b")]) == {}
            await uow.commit()
        async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:  # within A, a reuse is still refused
            refused = await record_posting_batch(uow, [_posting("p-7", "c-1", "11.00", org_id="rcc-a")])
        assert list(refused) == [0]
        async with sessions() as session:
            rows = (await session.scalars(select(PostingRow).where(PostingRow.posting_id == "p-7"))).all()
        assert sorted((r.org_id, r.customer_id, str(r.amount)) for r in rows) == [
            ("rcc-a", "c-1", "10.00"),
            ("rcc-b", "c-2", "99.00"),
        ]
    finally:
        await engine.dispose()


async def test_R_A2_the_year_totals_kept_at_ingestion_equal_the_postings_sums(
    database_url: str,
) -> None:
    await migrate_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        batches = [
            [
                _posting("p-1", "c-1", "10.00"),
                _posting("p-2", "c-1", "-2.50"),
                _posting("p-3", "c-2", "7.00"),
            ],
            [_posting("p-1", "c-1", "10.00"), _posting("p-4", "c-1", "0.01"), _posting("p-5", "c-3", "1.00")],
            [_posting("p-4", "c-1", "9.99"), _posting("p-6", "c-2", "3.00", org_id="rcc-other")],
        ]
        for batch in batches:
            async with UnitOfWork(sessions, MESSAGING, "appraisal") as uow:
                await record_posting_batch(uow, batch)
                await uow.commit()
        p = PostingRow
        fen = cast(func.sum(p.__table__.c.amount), BigInteger)
        grouped = select(p.org_id, p.year, p.customer_id, fen).group_by(p.org_id, p.year, p.customer_id)
        async with sessions() as session:
            summed = (await session.execute(grouped)).all()
            kept = (await session.execute(select(*PostingTotalRow.__table__.c))).all()
        by_sum = {(org, year, customer): Decimal(fen) / 100 for org, year, customer, fen in summed}
        assert {(r.org_id, r.year, r.customer_id): r.total for r in kept} == by_sum
        assert by_sum[(ORG, 2025, "c-1")] == Decimal("7.51")
    finally:
        await engine.dispose()
