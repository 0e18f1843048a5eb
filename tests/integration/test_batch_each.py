"""A `batch_each` subscription: many events to a transaction, with the single path's guarantees.

Customer service's profit postings are consumed this way. A batch that cannot be applied whole
(here: one posting id sent twice under two event ids) is applied one at a time instead; a record
that fails its contract is dead-lettered; a redelivered batch changes nothing.
"""

from typing import Any

from sqlalchemy import func, select

from services.customer.app import MIGRATIONS
from services.customer.consumers import SUBSCRIPTIONS
from services.customer.models import MESSAGING, ProfitRow
from shared.batch import BatchEventConsumer
from shared.consumer import Received
from shared.db import create_engine, create_session_factory
from shared.metrics import Metrics
from shared.uow import UnitOfWork
from tests.support import envelope_bytes
from tests.templates import migrate_async

TOPIC = "corebanking.pnl"


def _posting(offset: int, posting_id: str, amount: Any) -> Received:
    payload = {
        "posting_id": posting_id,
        "customer_id": "c-1",
        "period": "2025-03",
        "product": "loans",
        "amount": amount,
        "posted_on": "2025-03-10",
    }
    return Received(TOPIC, 0, offset, b"c-1", envelope_bytes("profit.posted", "c-1", payload))


async def test_a_batch_with_a_repeated_posting_id_falls_back_and_books_it_once(database_url: str) -> None:
    await migrate_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    (profit,) = [s for s in SUBSCRIPTIONS if s.name == "profit"]
    assert profit.batch_each
    consumer = BatchEventConsumer(
        service="customer",
        subscription=profit,
        uow_factory=lambda: UnitOfWork(sessions, MESSAGING, "customer"),
        tables=MESSAGING,
        metrics=Metrics("customer"),
        backoff_seconds=0.0,
    )
    batch = [
        _posting(0, "p-1", "10.00"),
        _posting(1, "p-2", "20.00"),
        _posting(2, "p-1", "10.00"),  # core banking sent it again, as a new event
        _posting(3, "p-3", 30.5),  # a float: refused by the contract
        _posting(4, "p-4", "40.00"),
    ]
    try:
        for _ in range(2):  # the second time is a redelivery of the whole batch
            await consumer.process_batch(batch)
            async with sessions() as session:
                booked = (await session.execute(select(ProfitRow.posting_id, ProfitRow.amount))).all()
                inbox = await session.scalar(select(func.count()).select_from(MESSAGING.inbox))
                letters = (await session.execute(select(MESSAGING.dead_letters.c.reason))).scalars().all()
            assert sorted((p, str(a)) for p, a in booked) == [
                ("p-1", "10.00"),
                ("p-2", "20.00"),
                ("p-4", "40.00"),
            ]
            assert inbox == 4  # every valid event once, the repeat included
            assert len(letters) == 1
            assert "float" in letters[0]
    finally:
        await engine.dispose()
