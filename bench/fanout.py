"""Benchmark 3: departure fan-out, from a CM's departure request to audit's case ready with 5,000 items.

Staffing, customer and audit run as processes on PostgreSQL over the embedded broker. Ten CMs each
serve 5,000 customers. For each CM in turn: `POST /managers/{id}/departure` at staffing; staffing
publishes `manager.departure-requested`; customer service publishes the CM's portfolio (5,000
customers in one event); audit opens the departure audit and adds one item per customer. Measured
per run: from the staffing transaction that wrote the request to its outbox to the audit transaction
that committed the 5,000 items (their `inbox.processed_at`). Target: p99 of the ten under 2 s.
Baseline in the same run: the two SQL statements the fan-out needs at least, one SELECT of the
CM's 5,000 customers in the customer database and one INSERT of 5,000 items in the audit database.
"""

import asyncio
import time
import uuid

import asyncpg
import httpx

from bench.common import ORG, pg_database, save, scale, seed_customers, summary_ms
from bench.procs import ServiceProcess, log_dir, wait_ready
from steward.embedded_broker import EmbeddedBroker, free_port

RUNS = 10
PER_CM = scale(5_000, 500)
TARGET_P99_S = 2.0


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _hire(staffing: ServiceProcess, hr: dict[str, str]) -> list[str]:
    async with httpx.AsyncClient(base_url=staffing.url, headers=hr, timeout=30) as client:
        ids = []
        for i in range(RUNS):
            r = await client.post(
                "/managers",
                json={"employee_no": f"F{i:03d}", "name": f"CM {i}", "grade": "senior", "branch": "north"},
            )
            r.raise_for_status()
            ids.append(r.json()["id"])
        return ids


async def _one_departure(
    client: httpx.AsyncClient, manager_id: str, staffing_db: asyncpg.Connection, audit_db: asyncpg.Connection
) -> float:
    r = await client.post(f"/managers/{manager_id}/departure", json={"reason": "bench"})
    r.raise_for_status()
    deadline = time.monotonic() + 120
    while True:
        items = await audit_db.fetchval(
            "SELECT count(*) FROM departure_audit_items i JOIN departure_audits a ON a.id = i.audit_id "
            "WHERE a.manager_id = $1",
            manager_id,
        )
        if items >= PER_CM:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"audit has {items} of {PER_CM} items for {manager_id}")
        await asyncio.sleep(0.05)
    requested = await staffing_db.fetchval(
        "SELECT created_at FROM outbox WHERE event_type = 'manager.departure-requested' AND key = $1",
        manager_id,
    )
    ready = await audit_db.fetchval(
        "SELECT max(processed_at) FROM inbox WHERE consumer = 'audit.watch-customer-customers'"
    )
    seconds: float = (ready - requested).total_seconds()
    return seconds


async def _baseline(customer_url: str, audit_url: str, manager_id: str) -> float:
    """One SELECT of the portfolio and one INSERT of its items: the floor of the fan-out's database work."""
    customer_db = await asyncpg.connect(_plain(customer_url))
    audit_db = await asyncpg.connect(_plain(audit_url))
    try:
        await audit_db.execute("CREATE TEMP TABLE items (audit_id text, cid text, name text, kind text)")
        started = time.perf_counter()
        portfolio = await customer_db.fetch(
            "SELECT c.id, c.name, c.kind FROM customers c JOIN assignments a ON a.customer_id = c.id "
            "WHERE a.manager_id = $1 AND a.valid_to IS NULL ORDER BY c.file_no",
            manager_id,
        )
        audit_id = str(uuid.uuid4())
        async with audit_db.transaction():
            await audit_db.executemany(
                "INSERT INTO items VALUES ($1, $2, $3, $4)", [(audit_id, *row) for row in portfolio]
            )
        return time.perf_counter() - started
    finally:
        await customer_db.close()
        await audit_db.close()


async def main() -> dict[str, object]:
    """Ten departures of CMs with 5,000 customers each, one after another."""
    with log_dir() as logs, EmbeddedBroker("127.0.0.1", free_port()) as broker:
        bootstrap = broker.bootstrap_servers
        async with (
            pg_database("fan_staffing") as s_url,
            pg_database("fan_customer") as c_url,
            pg_database("fan_audit") as a_url,
        ):
            staffing = ServiceProcess("staffing", s_url, bootstrap, logs, expiry_sweep_seconds="0")
            customer = ServiceProcess("customer", c_url, bootstrap, logs)
            audit = ServiceProcess("audit", a_url, bootstrap, logs, compliance_sweep_seconds="0")
            services = [staffing, customer, audit]
            try:
                for service in services:
                    await service.start()
                await wait_ready(services)
                hr = {"Authorization": f"Bearer {staffing.token('hr-bench', 'hr', org=ORG)}"}
                managers = await _hire(staffing, hr)
                await seed_customers(c_url, PER_CM * RUNS, managers=managers)
                await asyncio.sleep(8)  # the embedded broker holds a first JoinGroup ~5 s
                staffing_db = await asyncpg.connect(_plain(s_url))
                audit_db = await asyncpg.connect(_plain(a_url))
                try:
                    async with httpx.AsyncClient(base_url=staffing.url, headers=hr, timeout=30) as client:
                        runs = [await _one_departure(client, m, staffing_db, audit_db) for m in managers]
                finally:
                    await staffing_db.close()
                    await audit_db.close()
                floor = [await _baseline(c_url, a_url, m) for m in managers[:3]]
            finally:
                for service in services:
                    service.stop()
    result = summary_ms(runs)
    return save(
        "fanout",
        {
            "runs": RUNS,
            "customers_per_cm": PER_CM,
            "request_to_case_ready": result,
            "each_s": [round(r, 3) for r in runs],
            "baseline_select_and_insert": summary_ms(floor),
            "p50_over_baseline": round(result["p50_ms"] / max(summary_ms(floor)["p50_ms"], 0.01), 1),
            "target": f"p99 < {TARGET_P99_S} s",
            "met": result["p99_ms"] < TARGET_P99_S * 1000,
        },
    )
