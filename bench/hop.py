"""Benchmark 4: one event hop on the embedded broker, from a commit in one service to the effect committed
in another.

Staffing and customer run as processes on PostgreSQL. 300 CMs are put on the roll, one every 50 ms;
each hop is the time from the staffing transaction that wrote `manager.registered` to its outbox
(`outbox.created_at`) to the customer transaction that applied it (`inbox.processed_at`, written in
the same transaction as the projection row). Baseline in the same run: a bare aiokafka producer
(`acks=all`) to a bare consumer on the same broker, the floor any hop over this broker pays.
Targets: p50 under 20 ms, p99 under 100 ms.
"""

import asyncio
import os
import time
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.common import ORG, pg_database, save, scale, summary_ms
from bench.procs import PREFIX, ServiceProcess, log_dir, wait_ready
from shared.kafka import ensure_topics
from shared.settings import KafkaSettings
from steward.embedded_broker import EmbeddedBroker, free_port

HOPS = scale(300, 40)
WARM_UP = 10
INTERVAL = 0.05
# The embedded broker answers a fetch only when the wait runs out. Each mode: (floor, maximum) of the
# consumers' fetch wait; the floor equal to the maximum is a fixed wait.
MODES: dict[str, tuple[int, int]] = {"fixed500": (500, 500), "fixed15": (15, 15), "adaptive": (15, 500)}
# Adaptive only: hops spaced wider than the grace, so each finds the consumer back at the maximum wait.
SPARSE = scale(12, 4)
SPARSE_INTERVAL = 3.0


async def _baseline(bootstrap: str, fetch_wait_ms: int) -> list[float]:
    topic = f"{PREFIX}baseline.hop-{fetch_wait_ms}"
    await ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), [topic], client_id="bench")
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-hop-{fetch_wait_ms}",
        auto_offset_reset="latest",
        fetch_max_wait_ms=fetch_wait_ms,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await consumer.start()
    await producer.start()
    received: dict[bytes, float] = {}

    async def consume() -> None:
        async for record in consumer:
            received[record.value] = time.perf_counter()

    reader = asyncio.create_task(consume())
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        sent: dict[bytes, float] = {}
        for i in range(WARM_UP + HOPS):
            value = f"hop-{i}".encode()
            sent[value] = time.perf_counter()
            await producer.send_and_wait(topic, value, key=value)
            await asyncio.sleep(INTERVAL)
        deadline = time.monotonic() + 30
        while len(received) < len(sent) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        keys = [f"hop-{i}".encode() for i in range(WARM_UP, WARM_UP + HOPS)]
        return [received[k] - sent[k] for k in keys]
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        await producer.stop()
        await consumer.stop()


async def _service_hops(
    staffing: ServiceProcess, customer: ServiceProcess, count: int, interval: float, warm_up: int, done: int
) -> tuple[list[float], list[float]]:
    """Each hop, and its first leg: from the outbox row to the relay marking it sent (acks=all)."""
    hr = {"Authorization": f"Bearer {staffing.token('hr-bench', 'hr', org=ORG)}"}
    async with httpx.AsyncClient(base_url=staffing.url, headers=hr, timeout=10) as client:
        for i in range(done, done + warm_up + count):
            r = await client.post(
                "/managers",
                json={"employee_no": f"H{i:05d}", "name": "Hop", "grade": "cm", "branch": "north"},
            )
            r.raise_for_status()
            await asyncio.sleep(interval)
    total = done + warm_up + count
    customer_db = await asyncpg.connect(customer.database_url.replace("+asyncpg", ""))
    staffing_db = await asyncpg.connect(staffing.database_url.replace("+asyncpg", ""))
    try:
        deadline = time.monotonic() + 60
        while await customer_db.fetchval("SELECT count(*) FROM inbox") < total:
            if time.monotonic() > deadline:
                raise TimeoutError("customer did not apply every registration")
            await asyncio.sleep(0.1)
        outbox = await staffing_db.fetch(
            "SELECT event_id, created_at, published_at FROM outbox "
            "WHERE event_type = 'manager.registered' ORDER BY id"
        )
        applied = dict(await customer_db.fetch("SELECT event_id, processed_at FROM inbox"))
    finally:
        await customer_db.close()
        await staffing_db.close()
    rows = outbox[done + warm_up :]
    hops = [(applied[r["event_id"]] - r["created_at"]).total_seconds() for r in rows]
    relay = [(r["published_at"] - r["created_at"]).total_seconds() for r in rows]
    return hops, relay


async def _run(bootstrap: str, logs: Path, mode: str) -> dict[str, object]:
    floor_ms, fetch_wait_ms = MODES[mode]
    baseline = await _baseline(bootstrap, floor_ms)
    tag = f"hop{mode}"
    sparse: dict[str, float] | None = None
    async with pg_database(f"{tag}_staffing") as s_url, pg_database(f"{tag}_customer") as c_url:
        wait = {"kafka__fetch_max_wait_ms": str(fetch_wait_ms), "kafka__fetch_min_wait_ms": str(floor_ms)}
        staffing = ServiceProcess("staffing", s_url, bootstrap, logs, expiry_sweep_seconds="0", **wait)
        customer = ServiceProcess("customer", c_url, bootstrap, logs, **wait)
        try:
            await staffing.start()
            await customer.start()
            await wait_ready([staffing, customer])
            await asyncio.sleep(8)  # the embedded broker holds a first JoinGroup ~5 s
            hops, relay = await _service_hops(staffing, customer, HOPS, INTERVAL, WARM_UP, 0)
            if floor_ms < fetch_wait_ms:
                spaced, _ = await _service_hops(
                    staffing, customer, SPARSE, SPARSE_INTERVAL, 0, WARM_UP + HOPS
                )
                sparse = summary_ms(spaced)
        finally:
            staffing.stop()
            customer.stop()
    service, floor = summary_ms(hops), summary_ms(baseline)
    return {
        "mode": mode,
        "fetch_min_wait_ms": floor_ms,
        "fetch_max_wait_ms": fetch_wait_ms,
        "load_average": os.getloadavg(),
        "hops": len(hops),
        "service": service,
        "baseline_kafka_only": floor,
        "commit_to_acked_by_broker": summary_ms(relay),
        "p50_over_baseline": round(service["p50_ms"] / max(floor["p50_ms"], 0.01), 1),
        "met": service["p50_ms"] < 20 and service["p99_ms"] < 100,
        f"sparse_every_{SPARSE_INTERVAL:g}s": sparse,
    }


async def main() -> dict[str, object]:
    """Baseline and service hop on one fresh broker: fixed 500 ms, fixed 15 ms and the adaptive wait."""
    with log_dir() as logs, EmbeddedBroker("127.0.0.1", free_port()) as broker:
        runs = [await _run(broker.bootstrap_servers, logs, mode) for mode in MODES]
    return save("hop", {"target": "p50 < 20 ms, p99 < 100 ms", "runs": runs})
