"""Benchmark 2: computing a yearly appraisal for 2,000 CMs, 100,000 customers and 2.4 million postings.

The baseline, measured in the same run on the same data, is one SQL GROUP BY of the year's postings
per customer. The service's computation joins the postings to the assignment history in the database,
splits the sums with the largest-remainder method, combines scores and writes 2,000 result sheets.
Target: at most 1.5 times the baseline's time.
"""

import json
import random
import statistics
import time
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from bench.common import ORG, pg_database, save, scale
from services.appraisal.app import MIGRATIONS
from services.appraisal.models import MESSAGING
from services.appraisal.service.finalize import compute_cycle
from shared.auth import Principal, Role
from shared.db import create_engine, create_session_factory
from shared.migrations import upgrade_async
from shared.uow import UnitOfWork

YEAR = 2025
GRADES = (("senior", 200), ("cm", 1000), ("trainee", 800))
SUPERVISOR = Principal(user_id="bench-sup", roles=frozenset({Role.SUPERVISOR}), org_id=ORG)
ROUNDS = 3


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _sole(mode: str, shares: dict[str, str]) -> str | None:
    return next(iter(shares)) if mode == "shares" and len(shares) == 1 else None


async def _seed(conn: asyncpg.Connection, managers: int, customers: int, months: int) -> int:
    rng = random.Random(2025)
    at = datetime(2024, 1, 1, tzinfo=UTC)
    ids = [f"m-{i:05d}" for i in range(managers)]
    grades = [g for g, n in GRADES for _ in range(n * managers // 2000)]
    grades += ["trainee"] * (managers - len(grades))
    await conn.copy_records_to_table(
        "managers",
        records=[
            (m, ORG, f"CM {m}", f"branch-{i % 10}", grades[i], "on_post", "", 1, at)
            for i, m in enumerate(ids)
        ],
        columns=[
            "manager_id",
            "org_id",
            "name",
            "branch",
            "grade",
            "standing",
            "last_event_type",
            "events_seen",
            "updated_at",
        ],
    )
    await conn.copy_records_to_table(
        "grade_spells",
        records=[(m, grades[i], at) for i, m in enumerate(ids)],
        columns=["manager_id", "grade", "valid_from"],
    )
    teams = [(f"t-{t:03d}", ids[t * 5 : t * 5 + 5]) for t in range(managers // 20)]
    await conn.copy_records_to_table(
        "teams",
        records=[(t, ORG, t, members[0], json.dumps(members), False) for t, members in teams],
        columns=["team_id", "org_id", "name", "lead_id", "member_ids", "dissolved"],
    )
    periods: list[tuple[Any, ...]] = []
    reassigned = date(YEAR, 7, 1)
    for i in range(customers):
        cid = f"c-{i:07d}"
        primary, other = rng.choice(ids), rng.choice(ids)
        roll = rng.random()
        shape: tuple[str, str | None, dict[str, str], list[str]]  # mode, team, shares, serving
        if roll < 0.7:
            shape = ("shares", None, {primary: "100"}, [primary])
        elif roll < 0.9 and other != primary:
            shape = ("shares", None, {primary: "60", other: "40"}, [primary, other])
        else:
            team, members = teams[i % len(teams)]
            shape = ("team_pool", team, {}, members[:2])
        mode, team_id, shares, serving = shape
        moved = rng.random() < 0.05
        first_to = reassigned if moved else None
        periods.append(
            (
                ORG,
                cid,
                date(2024, 1, 1),
                first_to,
                date(1900, 1, 1),
                at,
                serving[0],
                serving,
                mode,
                team_id,
                shares,
                f"e-{i}-0",
            )
        )
        if moved:
            new = rng.choice(ids)
            moved_at = datetime(YEAR, 7, 1, tzinfo=UTC)
            periods.append(
                (
                    ORG,
                    cid,
                    reassigned,
                    None,
                    reassigned,
                    moved_at,
                    new,
                    [new],
                    "shares",
                    None,
                    {new: "100"},
                    f"e-{i}-1",
                )
            )
    await conn.copy_records_to_table(
        "assignment_periods",
        records=[
            (*p[:7], json.dumps(p[7]), p[8], p[9], json.dumps(p[10]), _sole(p[8], p[10]), p[11])
            for p in periods
        ],
        columns=[
            "org_id",
            "customer_id",
            "valid_from",
            "valid_to",
            "covers_from",
            "effective_at",
            "primary_manager_id",
            "manager_ids",
            "mode",
            "team_id",
            "shares",
            "sole_manager_id",
            "source_event_id",
        ],
    )
    received = datetime(YEAR + 1, 1, 2, tzinfo=UTC)

    def postings() -> Any:
        for i in range(customers):
            cid = f"c-{i:07d}"
            for month in range(1, months + 1):
                for product in ("loans", "deposits"):
                    fen = rng.randint(-50_000, 400_000)
                    yield (
                        f"p-{i}-{month}-{product}",
                        ORG,
                        cid,
                        YEAR,
                        f"{YEAR}-{month:02d}",
                        product,
                        fen,
                        date(YEAR, month, 28),
                        received,
                    )

    count = customers * months * 2
    await conn.copy_records_to_table(
        "postings",
        records=postings(),
        columns=[
            "posting_id",
            "org_id",
            "customer_id",
            "year",
            "period",
            "product",
            "amount",
            "posted_on",
            "received_at",
        ],
    )
    # What ingestion keeps beside the postings (services/appraisal/service/totals.py), built in one go.
    await conn.execute(
        "INSERT INTO posting_totals (org_id, year, customer_id, total) "
        "SELECT org_id, year, customer_id, sum(amount) FROM postings GROUP BY org_id, year, customer_id"
    )
    await conn.execute("ANALYZE")
    return count


async def _baseline(conn: asyncpg.Connection) -> float:
    started = time.perf_counter()
    rows = await conn.fetch(
        "SELECT customer_id, sum(amount) FROM postings WHERE org_id = $1 AND year = $2 GROUP BY customer_id",
        ORG,
        YEAR,
    )
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


async def main() -> dict[str, Any]:
    """Seed, open a cycle, then time the computation against the GROUP BY, alternating, best of rounds."""
    managers, customers, months = scale(2000, 200), scale(100_000, 2_000), 12
    async with pg_database("appraisal") as url:
        await upgrade_async(MIGRATIONS, url)
        conn = await asyncpg.connect(_plain(url))
        engine = create_engine(url)
        try:
            started = time.perf_counter()
            postings = await _seed(conn, managers, customers, months)
            seeded = time.perf_counter() - started
            cycle_id = "cy-bench"
            await conn.execute(
                "INSERT INTO cycles (id, org_id, year, version, status, deadline, seed, sample_size, "
                "source_weights, criteria_weights, loss_policy, opened_by, opened_at) "
                "VALUES ($1, $2, $3, 1, 'open', $4, 's', 0, $5, $6, 'zero', 'bench', now())",
                cycle_id,
                ORG,
                YEAR,
                date(YEAR + 1, 1, 31),
                '{"self": "0.2", "customer": "0.3", "supervisor": "0.5", "colleague": "0"}',
                '{"performance": "0.4", "ability": "0.3", "quality": "0.3"}',
            )
            await conn.execute(
                "INSERT INTO participants (cycle_id, manager_id) SELECT $1, manager_id FROM managers",
                cycle_id,
            )
            factory = create_session_factory(engine)
            service: list[float] = []
            baseline: list[float] = []
            for _ in range(ROUNDS + 1):  # the first round warms the caches and is not counted
                baseline.append(await _baseline(conn))
                uow = UnitOfWork(factory, MESSAGING, "appraisal")
                t0 = time.perf_counter()
                outcome = await compute_cycle(uow, cycle_id, SUPERVISOR)
                service.append(time.perf_counter() - t0)
            service, baseline = service[1:], baseline[1:]
            results = await conn.fetchval("SELECT count(*) FROM results WHERE cycle_id = $1", cycle_id)
        finally:
            await conn.close()
            await engine.dispose()
    best_service, best_baseline = min(service), min(baseline)
    return save(
        "appraisal_compute",
        {
            "managers": managers,
            "customers": customers,
            "postings": postings,
            "result_sheets": results,
            "attributed_profit": str(outcome.attributed_profit),
            "seed_seconds": round(seeded, 1),
            "service_seconds": [round(s, 3) for s in service],
            "baseline_group_by_seconds": [round(b, 3) for b in baseline],
            "service_best_s": round(best_service, 3),
            "baseline_best_s": round(best_baseline, 3),
            "service_median_s": round(statistics.median(service), 3),
            "ratio_service_to_baseline": round(best_service / best_baseline, 2),
            "target": "ratio <= 1.5",
        },
    )
