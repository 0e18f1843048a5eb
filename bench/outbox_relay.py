"""Outbox relay throughput against a raw aiokafka producer, on the embedded broker and SQLite.

Baseline: the same payloads sent straight with aiokafka (no database). Measured: events
committed through units of work (100 per transaction) and published by the relay.
The ratio shows what the transactional outbox costs.
"""

import asyncio
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from bench.common import save
from services.staffing.app import MIGRATIONS
from services.staffing.models import MESSAGING
from shared.contracts.staffing import ManagerRegistered
from shared.db import create_engine, create_session_factory
from shared.metrics import Metrics
from shared.migrations import upgrade_async
from shared.outbox import KafkaSender, OutboxRelay
from shared.uow import UnitOfWork
from steward.embedded_broker import EmbeddedBroker, free_port

EVENTS = 5_000
PER_TRANSACTION = 100


def _payload(i: int) -> ManagerRegistered:
    return ManagerRegistered(
        manager_id=f"m-{i}", employee_no=f"E{i}", name="Bench", grade="cm", branch="b", status="active"
    )


async def _baseline(bootstrap: str) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    futures = [
        await producer.send("bench.baseline", _payload(i).model_dump_json().encode(), key=f"m-{i}".encode())
        for i in range(EVENTS)
    ]
    await asyncio.gather(*futures)
    elapsed = time.perf_counter() - started
    await producer.stop()
    return elapsed


async def _outbox(bootstrap: str, folder: Path) -> float:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade_async(MIGRATIONS, url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    relay = OutboxRelay(
        sessions, MESSAGING, KafkaSender(producer), service="bench", metrics=Metrics("bench"), batch_size=500
    )
    runner = asyncio.create_task(relay.run())
    started = time.perf_counter()
    for start in range(0, EVENTS, PER_TRANSACTION):
        uow = UnitOfWork(sessions, MESSAGING, "bench", on_commit=relay.wake, topic_prefix="bench.")
        async with uow:
            for i in range(start, start + PER_TRANSACTION):
                uow.emit("manager.registered", key=f"m-{i}", org_id="rcc", payload=_payload(i))
            await uow.commit()
    outbox = MESSAGING.outbox
    while True:
        async with sessions() as session:
            left = await session.scalar(select(func.count()).where(outbox.c.published_at.is_(None)))
        if not left:
            break
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    relay.stop()
    await runner
    await producer.stop()
    await engine.dispose()
    return elapsed


async def main() -> None:
    """Run baseline and outbox on one fresh broker; print and save the figures."""
    with tempfile.TemporaryDirectory() as folder, EmbeddedBroker("127.0.0.1", free_port()) as broker:
        baseline = await _baseline(broker.bootstrap_servers)
        outbox = await _outbox(broker.bootstrap_servers, Path(folder))
    save(
        "outbox_relay",
        {
            "events": EVENTS,
            "baseline_events_per_s": round(EVENTS / baseline),
            "outbox_events_per_s": round(EVENTS / outbox),
            "outbox_over_baseline_time": round(outbox / baseline, 2),
        },
    )
