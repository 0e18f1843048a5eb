"""Benchmark 1: ingest of `corebanking.balances` into the customer service on PostgreSQL.

500,000 balance reports (50,000 customers, ten reports each, newer each round) are produced once
to the embedded broker. Baseline: a hand-written aiokafka-to-asyncpg loop that reads the same
topic in its own consumer group and runs the same guarded UPDATE per message (one transaction
and one offset commit per fetched batch). Measured: the customer service, in-process, consuming
through its batch subscription (envelope and contract validation, inbox dedupe, dead letters).
Both rates are messages per second from the first applied batch to the last; target: the service
reaches at least 0.7 of the baseline.
"""

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.common import ORG, SECRET, customer_id, pg_database, save, scale, seed_customers
from services.customer.app import create_app
from services.customer.settings import CustomerSettings
from shared.kafka import ensure_topics
from shared.settings import KafkaSettings
from steward.embedded_broker import EmbeddedBroker, free_port

CUSTOMERS = scale(50_000, 5_000)
ROUNDS = 10
MESSAGES = CUSTOMERS * ROUNDS
PREFIX = "bench."
TOPIC = f"{PREFIX}corebanking.balances"
TARGET = 0.7
BASE_TIME = datetime(2026, 3, 1, tzinfo=UTC)

UPSERT = """
UPDATE customers
   SET deposit_balance = $2, loan_balance = $3, overdue_balance = $4, balances_as_of = $5,
       row_version = row_version + 1
 WHERE id = $1 AND (balances_as_of IS NULL OR balances_as_of < $5)
"""


def _message(i: int, round_: int) -> bytes:
    return json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "event_type": "balance.reported",
            "schema_version": 1,
            "occurred_at": "2026-03-01T00:00:00+00:00",
            "producer": "corebanking",
            "org_id": ORG,
            "key": customer_id(i),
            "correlation_id": str(uuid.uuid4()),
            "actor": {"kind": "system", "user_id": "corebanking"},
            "payload": {
                "customer_id": customer_id(i),
                "deposit": f"{1000 + i + round_}.25",
                "loan": f"{500 + round_}.00",
                "overdue": "0.00" if round_ % 3 else "12.50",
                "as_of": (BASE_TIME + timedelta(hours=round_)).isoformat(),
            },
        }
    ).encode()


async def _produce(bootstrap: str) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=512 * 1024
    )
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []
        for round_ in range(ROUNDS):
            for i in range(CUSTOMERS):
                key = customer_id(i).encode()
                pending.append(await producer.send(TOPIC, _message(i, round_), key=key))
                if len(pending) >= 20_000:
                    await asyncio.gather(*pending)
                    pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return time.perf_counter() - started


class _Clock:
    """Rate from the first progress seen to the last message: excludes group-join time for both."""

    def __init__(self) -> None:
        self.first_at: float | None = None
        self.first_count = 0

    def tick(self, count: int) -> None:
        if self.first_at is None and count > 0:
            self.first_at, self.first_count = time.perf_counter(), count

    def rate(self, total: int) -> float:
        assert self.first_at is not None
        return (total - self.first_count) / (time.perf_counter() - self.first_at)


async def _baseline(bootstrap: str, database_url: str) -> float:
    consumer = AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=bootstrap,
        group_id="bench-baseline",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    await consumer.start()
    clock, done = _Clock(), 0
    try:
        while done < MESSAGES:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            rows = []
            for records in batches.values():
                for record in records:
                    p = json.loads(record.value)["payload"]
                    rows.append(
                        (
                            p["customer_id"],
                            int(Decimal(p["deposit"]) * 100),
                            int(Decimal(p["loan"]) * 100),
                            int(Decimal(p["overdue"]) * 100),
                            datetime.fromisoformat(p["as_of"]),
                        )
                    )
            if not rows:
                continue
            async with conn.transaction():
                await conn.executemany(UPSERT, rows)
            await consumer.commit()
            done += len(rows)
            clock.tick(done)
        return clock.rate(MESSAGES)
    finally:
        await consumer.stop()
        await conn.close()


async def _service(bootstrap: str, database_url: str) -> float:
    settings = CustomerSettings(
        profile="test",
        database_url=database_url,
        jwt_secret=SECRET,
        kafka=KafkaSettings(bootstrap_servers=bootstrap, idempotent_producer=False, topic_prefix=PREFIX),
        log_level="WARNING",
    )
    app = create_app(settings)
    registry = app.state.runtime.metrics.registry

    def consumed() -> int:
        total = 0.0
        for outcome in ("applied", "duplicate", "dead_lettered"):
            labels = {"consumer": "customer.balances", "topic": TOPIC, "outcome": outcome}
            total += registry.get_sample_value("steward_events_consumed_total", labels) or 0.0
        return int(total)

    async with app.router.lifespan_context(app):
        return await _watch(consumed, timeout=1800)


async def _watch(count: Callable[[], int], timeout: float) -> float:
    clock, deadline = _Clock(), time.monotonic() + timeout
    while (done := count()) < MESSAGES:
        clock.tick(done)
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {done} of {MESSAGES} consumed")
        await asyncio.sleep(0.02)
    return clock.rate(MESSAGES)


async def _check(database_url: str) -> None:
    """Both consumers must leave every customer at the last round's balances."""
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        wrong = await conn.fetchval(
            "SELECT count(*) FROM customers WHERE balances_as_of IS DISTINCT FROM $1",
            BASE_TIME + timedelta(hours=ROUNDS - 1),
        )
    finally:
        await conn.close()
    assert wrong == 0, f"{wrong} customers without the newest balances"


async def main() -> dict[str, object]:
    """Produce once; run baseline, then the service, each on its own fresh database."""
    with EmbeddedBroker("127.0.0.1", free_port()) as broker:
        bootstrap = broker.bootstrap_servers
        await ensure_topics(
            KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=PREFIX), [TOPIC], client_id="bench"
        )
        produce_s = await _produce(bootstrap)
        async with pg_database("baseline") as base_url, pg_database("service") as service_url:
            await seed_customers(base_url, CUSTOMERS)
            await seed_customers(service_url, CUSTOMERS)
            baseline = await _baseline(bootstrap, base_url)
            await _check(base_url)
            service = await _service(bootstrap, service_url)
            await _check(service_url)
    ratio = service / baseline
    return save(
        "balances",
        {
            "messages": MESSAGES,
            "customers": CUSTOMERS,
            "produce_seconds": round(produce_s, 1),
            "baseline_msgs_per_s": round(baseline),
            "service_msgs_per_s": round(service),
            "service_over_baseline": round(ratio, 2),
            "target": f">= {TARGET}",
            "met": ratio >= TARGET,
        },
    )
