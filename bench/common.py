"""What the benchmarks share: a fresh PostgreSQL database, seeded customers, results, percentiles."""

import json
import os
import platform
import statistics
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, insert, text

from bench.compare import keep_previous, table
from services.customer.app import MIGRATIONS as CUSTOMER_MIGRATIONS
from services.customer.models import AssignmentRow, CustomerRow
from shared.db import create_engine
from shared.migrations import upgrade_async

CUSTOMERS, ASSIGNMENTS = cast(Table, CustomerRow.__table__), cast(Table, AssignmentRow.__table__)

RESULTS = Path(__file__).parent / "results"
PG_ADMIN_URL = os.environ.get(
    "STEWARD_BENCH_PG_URL",
    os.environ.get("STEWARD_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
)
ORG = "rcc-bench"
SECRET = "bench-secret-for-the-steward-suite-0123456789"


def scale(full: int, quick: int) -> int:
    """The full size, or a small one when STEWARD_BENCH_QUICK is set (a smoke run of the harness)."""
    return quick if os.environ.get("STEWARD_BENCH_QUICK") else full


def percentile(samples: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by the nearest-rank method."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """p50, p99, mean and max of latencies given in seconds, in milliseconds."""
    return {
        "p50_ms": round(percentile(samples, 50) * 1000, 2),
        "p99_ms": round(percentile(samples, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
    }


def save(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """Print the result and write it to bench/results/<name>.json with the machine it ran on."""
    result = {
        "benchmark": name,
        **result,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.system(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result, indent=2), flush=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    previous = keep_previous(path)
    path.write_text(json.dumps(result, indent=2) + "\n")
    if previous is not None:
        print(table(previous, result), flush=True)
    else:
        print(f"{name}: no previous run to compare with (bench/results/{name}.previous.json)", flush=True)
    return result


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@asynccontextmanager
async def pg_database(tag: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database (SQLAlchemy URL), dropped afterwards."""
    name = f"steward_bench_{tag}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_plain(PG_ADMIN_URL), timeout=10)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(_plain(PG_ADMIN_URL), timeout=10)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def customer_id(i: int) -> str:
    """The id of the i-th seeded customer."""
    return f"c-{i:07d}"


async def seed_customers(
    database_url: str, count: int, *, managers: Sequence[str] = (), chunk: int = 5_000
) -> None:
    """Migrate the customer database and insert `count` customers, shared out in order among `managers`."""
    await upgrade_async(CUSTOMER_MIGRATIONS, database_url)
    engine = create_engine(database_url)
    now = datetime(2026, 1, 2, tzinfo=UTC)
    try:
        for start in range(0, count, chunk):
            ids = range(start, min(count, start + chunk))
            async with engine.begin() as conn:
                await conn.execute(
                    insert(CUSTOMERS),
                    [
                        {
                            "id": customer_id(i),
                            "org_id": ORG,
                            "file_no": f"F{i:07d}",
                            "name": f"Farm {i}",
                            "kind": "farm_household",
                            "branch": "north",
                            "importance": "ordinary",
                            "classification": {},
                            "attribution_mode": "shares",
                            "compliant": True,
                            "compliance_issues": [],
                            "created_at": now,
                            "created_by": "bench",
                            "row_version": 1,
                        }
                        for i in ids
                    ],
                )
                if managers:
                    await conn.execute(
                        insert(ASSIGNMENTS),
                        [
                            {
                                "customer_id": customer_id(i),
                                "manager_id": managers[i * len(managers) // count],
                                "role": "primary",
                                "share": None,
                                "valid_from": now,
                                "valid_to": None,
                                "changed_by": "bench",
                            }
                            for i in ids
                        ],
                    )
        async with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
