"""Benchmark 1's steps, in-process: the balances consumer's CPU per message and its one-pass parse.

`python -m bench balance_steps`: the customer service's balances consumer (`process_batch`, batches of
500) on a fresh PostgreSQL database with 20,000 customers, three rounds of newer reports, then the
one-pass parse (`shared/wire.py`) against envelope-then-payload on the same messages. No broker:
what the consumer's own process spends per message, apart from FastStream and the network.
"""

import time
from typing import Any

from bench.balances import _message
from bench.common import pg_database, save, scale, seed_customers
from services.customer.consumers import SUBSCRIPTIONS
from services.customer.models import MESSAGING
from shared.batch import BatchEventConsumer
from shared.consumer import Received
from shared.contracts.corebanking import BalanceReported
from shared.db import create_engine, create_session_factory
from shared.envelope import parse_envelope
from shared.metrics import Metrics
from shared.uow import UnitOfWork
from shared.wire import parse_balance

CUSTOMERS = scale(20_000, 2_000)
BATCH = 500


def _per_message_us(work: Any, values: list[bytes]) -> float:
    started = time.perf_counter()
    for value in values:
        work(value)
    return (time.perf_counter() - started) / len(values) * 1e6


async def main() -> dict[str, Any]:
    """Three rounds through the consumer, then the two parses interleaved."""
    (sub,) = [s for s in SUBSCRIPTIONS if s.name == "balances"]
    rounds: list[dict[str, float]] = []
    async with pg_database("steps") as url:
        await seed_customers(url, CUSTOMERS)
        engine = create_engine(url)
        sessions = create_session_factory(engine)
        consumer = BatchEventConsumer(
            service="customer",
            subscription=sub,
            uow_factory=lambda: UnitOfWork(sessions, MESSAGING, "customer"),
            tables=MESSAGING,
            metrics=Metrics("customer"),
        )
        try:
            for round_ in range(3):
                records = [
                    Received("t", 0, i, f"c{i}".encode(), _message(i, round_)) for i in range(CUSTOMERS)
                ]
                wall, cpu = time.perf_counter(), time.process_time()
                for start in range(0, CUSTOMERS, BATCH):
                    await consumer.process_batch(records[start : start + BATCH])
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                rounds.append(
                    {"msgs_per_s": round(CUSTOMERS / wall), "cpu_us_per_msg": round(cpu / CUSTOMERS * 1e6)}
                )
        finally:
            await engine.dispose()
    values = [_message(i, 1) for i in range(CUSTOMERS)]
    parses: dict[str, list[float]] = {"envelope_then_payload_us": [], "one_pass_us": []}
    for _ in range(3):
        parses["envelope_then_payload_us"].append(
            _per_message_us(lambda v: BalanceReported.model_validate(parse_envelope(v).payload), values)
        )
        parses["one_pass_us"].append(_per_message_us(parse_balance, values))
    return save(
        "balance_steps",
        {
            "customers": CUSTOMERS,
            "consumer_rounds": rounds,
            **{name: round(min(times), 1) for name, times in parses.items()},
        },
    )
