"""ADR 0011: the balances consumer keeps no inbox; a repeated or older report changes nothing."""

from decimal import Decimal

from sqlalchemy import func, select

from services.customer.consumers import SUBSCRIPTIONS
from services.customer.models import MESSAGING, CustomerRow
from shared.batch import BatchEventConsumer
from shared.consumer import Outcome, Received
from shared.db import create_engine, create_session_factory
from shared.metrics import Metrics
from shared.uow import UnitOfWork
from tests.integration.fault_support import balance, customer_id, seed_customers


async def test_repeated_and_older_balance_reports_change_nothing_and_write_no_inbox_row(database_url):
    await seed_customers(database_url, 2)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    (sub,) = [s for s in SUBSCRIPTIONS if s.name == "balances"]
    consumer = BatchEventConsumer(
        service="customer",
        subscription=sub,
        uow_factory=lambda: UnitOfWork(sessions, MESSAGING, "customer"),
        tables=MESSAGING,
        metrics=Metrics("customer"),
    )
    cid = customer_id(0)
    newer, older = balance(cid, 5), balance(cid, 2)
    try:
        # One at a time (the single path), then as a batch (the fast parse and the batch path).
        assert await consumer.process(Received("t", 0, 1, cid.encode(), newer)) is Outcome.APPLIED
        table = CustomerRow.__table__
        async with sessions() as session:
            first = (await session.execute(select(table).where(table.c.id == cid))).one()
        assert await consumer.process(Received("t", 0, 2, cid.encode(), newer)) is Outcome.APPLIED
        await consumer.process_batch(
            [Received("t", 0, 3 + i, cid.encode(), value) for i, value in enumerate([older, newer, older])]
        )
        async with sessions() as session:
            again = (await session.execute(select(table).where(table.c.id == cid))).one()
            inbox = await session.scalar(select(func.count()).select_from(MESSAGING.inbox))
        assert again == first  # balances, as-of and row_version untouched by repeats and older reports
        assert first.deposit_balance == Decimal("1005.05")
        assert inbox == 0
    finally:
        await engine.dispose()
