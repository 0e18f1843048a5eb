"""Finding 9: a negative deposit, loan or overdue balance is dead-lettered with the reason, on both paths."""

from sqlalchemy import select

from services.customer.app import MIGRATIONS
from services.customer.consumers import SUBSCRIPTIONS
from services.customer.models import MESSAGING
from shared.batch import BatchEventConsumer
from shared.consumer import Received
from shared.db import create_engine, create_session_factory
from shared.metrics import Metrics
from shared.uow import UnitOfWork
from tests.support import envelope_bytes
from tests.templates import migrate_async

TOPIC = "corebanking.balances"


def _report(offset: int, **amounts: str) -> Received:
    payload = {"customer_id": "c-1", "deposit": "1.00", "loan": "0.00", "overdue": "0.00"}
    payload |= amounts | {"as_of": f"2026-03-01T00:00:{offset:02d}+00:00"}
    return Received(TOPIC, 0, offset, b"c-1", envelope_bytes("balance.reported", "c-1", payload))


async def test_negative_balances_are_dead_lettered_naming_the_field(database_url: str) -> None:
    await migrate_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    (balances,) = [s for s in SUBSCRIPTIONS if s.name == "balances"]
    assert balances.fast_parse is not None
    consumer = BatchEventConsumer(
        service="customer",
        subscription=balances,
        uow_factory=lambda: UnitOfWork(sessions, MESSAGING, "customer"),
        tables=MESSAGING,
        metrics=Metrics("customer"),
        backoff_seconds=0.0,
    )
    batch = [_report(0, deposit="-5.00"), _report(1, loan="-0.01"), _report(2, overdue="-100")]
    try:
        await consumer.process_batch(batch)
        async with sessions() as session:
            letters = (await session.execute(select(MESSAGING.dead_letters.c.reason))).scalars().all()
        negative = sorted(r for r in letters if "negative" in r)
        assert len(negative) == 3, letters
        for field in ("deposit", "loan", "overdue"):
            assert any(field in r for r in negative), (field, negative)
    finally:
        await engine.dispose()
