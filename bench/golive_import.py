"""Benchmark: a cooperative goes live from its spreadsheets (issue 21), against a bare COPY of the same rows.

PostgreSQL, staffing and customer in-process (their real HTTP bulk endpoints, events written to the
outbox in the same transaction). The book: an office tree (head office, 20 branches, 100 outlets), 2,000
CMs and 50,000 customers (every tenth with a co-manager) with opening balances (STEWARD_BENCH_QUICK: 200
and 2,000). Timed: each file's dry run and commit, and handing staffing's events to customer's projection.
The baseline: `COPY` of the same managers, customers and assignments rows into bare tables of the same
shape. The ratio is the commits (events included) over the COPY; the target is at most 5x.
"""

import json
import time
from typing import Any, TypedDict

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import ORG, SECRET, _plain, pg_database, save, scale
from services.customer.app import create_app as customer_app
from services.customer.settings import CustomerSettings
from services.staffing.app import create_app as staffing_app
from services.staffing.settings import StaffingSettings
from shared.auth import issue_token
from shared.consumer import Received
from shared.runtime import Runtime
from shared.settings import KafkaSettings
from steward.embedded_broker import free_port

CMS = scale(2_000, 200)
CUSTOMERS = scale(50_000, 2_000)
BRANCHES, OUTLETS = 20, 100


class BookRow(TypedDict):
    """One line of an import file as the import endpoints take it."""

    line: int
    values: dict[str, str]


Book = dict[str, list[BookRow]]


def _book() -> Book:
    offices = [{"code": "HQ", "name": "联社总部", "parent_code": ""}]
    offices += [{"code": f"B{b:02d}", "name": f"信用社{b}", "parent_code": "HQ"} for b in range(BRANCHES)]
    offices += [
        {"code": f"O{o:03d}", "name": f"网点{o}", "parent_code": f"B{o % BRANCHES:02d}"}
        for o in range(OUTLETS)
    ]
    staff = [
        {
            "employee_no": f"E{i:05d}",
            "name": f"经理{i}",
            "grade": "senior" if i % 10 == 0 else "cm",
            "certified_until": "2099-01-01",
            "office_code": f"O{i % OUTLETS:03d}",
        }
        for i in range(CMS)
    ]
    customers = [
        {
            "external_id": f"62{i:010d}",
            "name": f"农户{i}",
            "kind": "农户",
            "primary_employee_no": f"E{i % CMS:05d}",
            "co_employee_nos": f"E{(i + 1) % CMS:05d}" if i % 10 == 0 else "",
            "start_date": "2024-01-01",
            "deposit": f"{1000 + i % 997}.50",
            "loan": "0",
        }
        for i in range(CUSTOMERS)
    ]

    def rows(items: list[dict[str, str]]) -> list[BookRow]:
        return [{"line": n, "values": dict(item)} for n, item in enumerate(items, start=2)]

    return {"offices": rows(offices), "staff": rows(staff), "customers": rows(customers)}


def _settings(cls: type[Any], url: str) -> Any:
    return cls(
        profile="test",
        database_url=url,
        jwt_secret=SECRET,
        start_consumers=False,
        kafka=KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}", idempotent_producer=False),
    )


async def _post(client: httpx.AsyncClient, path: str, rows: list[BookRow], dry: bool) -> float:
    token = issue_token(_settings(StaffingSettings, "x"), user_id="bench", roles=["admin", "hr"], org_id=ORG)
    started = time.perf_counter()
    response = await client.post(
        path,
        json={"file": path, "dry_run": dry, "rows": rows},
        headers={"Authorization": f"Bearer {token}"},
        timeout=3600,
    )
    taken = time.perf_counter() - started
    assert response.status_code == 200, response.text[:2000]
    summary = response.json()
    assert summary["refused"] == 0, summary["problems"][:5]
    return taken


async def _relay(staffing_url: str, runtime: Runtime) -> tuple[float, int]:
    """Hand every staffing event to customer's consumers, as Kafka would."""
    engine = create_async_engine(staffing_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT topic, key, value FROM outbox ORDER BY id"))).all()
    await engine.dispose()
    started = time.perf_counter()
    for offset, (topic, key, value) in enumerate(rows):
        logical = "staffing.offices" if json.loads(value)["event_type"].startswith("office.") else topic
        for consumer in runtime.consumers.values():
            if consumer.topic == logical:
                await consumer.process(Received(logical, 0, offset, key.encode(), value))
    return time.perf_counter() - started, len(rows)


async def _copy_baseline(url: str, book: Book) -> float:
    """COPY of the same managers, customers and assignments rows into bare tables."""
    conn = await asyncpg.connect(_plain(url))
    try:
        await conn.execute(
            "CREATE TABLE managers (id text primary key, org_id text, employee_no text, name text,"
            " grade text, status text, certified_until date, office_id text);"
            "CREATE TABLE customers (id text primary key, org_id text, file_no text, external_id text,"
            " name text, kind text, office_id text, deposit numeric(18,2), loan numeric(18,2));"
            "CREATE TABLE assignments (id serial primary key, customer_id text, manager_id text, role text,"
            " share numeric(9,2), valid_from date)"
        )
        from datetime import date
        from decimal import Decimal

        managers = [
            (
                f"m-{v['employee_no']}",
                ORG,
                v["employee_no"],
                v["name"],
                v["grade"],
                "active",
                date(2099, 1, 1),
                "o",
            )
            for v in (r["values"] for r in book["staff"])
        ]
        customers, assignments = [], []
        for n, r in enumerate(book["customers"]):
            v = r["values"]
            customers.append(
                (
                    f"c-{n}",
                    ORG,
                    f"F{n:08d}",
                    v["external_id"],
                    v["name"],
                    "farm_household",
                    "o",
                    Decimal(v["deposit"]),
                    Decimal(v["loan"]),
                )
            )
            assignments.append(
                (f"c-{n}", f"m-{v['primary_employee_no']}", "primary", Decimal(100), date(2024, 1, 1))
            )
            if v["co_employee_nos"]:
                assignments.append(
                    (f"c-{n}", f"m-{v['co_employee_nos']}", "co_manager", Decimal(50), date(2024, 1, 1))
                )
        started = time.perf_counter()
        await conn.copy_records_to_table("managers", records=managers)
        await conn.copy_records_to_table("customers", records=customers)
        await conn.copy_records_to_table(
            "assignments",
            records=assignments,
            columns=["customer_id", "manager_id", "role", "share", "valid_from"],
        )
        return time.perf_counter() - started
    finally:
        await conn.close()


async def main() -> dict[str, Any]:
    """Import the book into staffing and customer, then COPY the same rows; the ratio."""
    book = _book()
    async with (
        pg_database("golive_st") as st_url,
        pg_database("golive_cu") as cu_url,
        pg_database("golive_copy") as bare,
    ):
        st, cu = (
            staffing_app(_settings(StaffingSettings, st_url)),
            customer_app(_settings(CustomerSettings, cu_url)),
        )
        from services.customer.app import MIGRATIONS as CU_MIGRATIONS
        from services.staffing.app import MIGRATIONS as ST_MIGRATIONS
        from shared.migrations import upgrade_async

        await upgrade_async(ST_MIGRATIONS, st_url)
        await upgrade_async(CU_MIGRATIONS, cu_url)
        async with (
            st.router.lifespan_context(st),
            cu.router.lifespan_context(cu),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=st), base_url="http://staffing") as sc,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=cu), base_url="http://customer") as cc,
        ):
            t: dict[str, float] = {}
            t["offices_dry_run_s"] = await _post(sc, "/imports/offices", book["offices"], True)
            t["offices_commit_s"] = await _post(sc, "/imports/offices", book["offices"], False)
            t["staff_dry_run_s"] = await _post(sc, "/imports/staff", book["staff"], True)
            t["staff_commit_s"] = await _post(sc, "/imports/staff", book["staff"], False)
            t["relay_to_customer_s"], events = await _relay(st_url, cu.state.runtime)
            t["customers_dry_run_s"] = await _post(cc, "/imports/customers", book["customers"], True)
            t["customers_commit_s"] = await _post(cc, "/imports/customers", book["customers"], False)
            t["customers_rerun_s"] = await _post(cc, "/imports/customers", book["customers"], False)
            async with create_async_engine(cu_url).connect() as conn:
                outbox = (await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one()
        copy_s = await _copy_baseline(bare, book)
    commits = t["staff_commit_s"] + t["customers_commit_s"]
    everything = sum(v for k, v in t.items() if k != "customers_rerun_s")
    return save(
        "golive_import",
        {
            "cms": CMS,
            "customers": CUSTOMERS,
            "offices": len(book["offices"]),
            "staffing_events_relayed": events,
            "customer_events_written": outbox,
            **{k: round(v, 2) for k, v in t.items()},
            "copy_s": round(copy_s, 3),
            "ratio_commits_to_copy": round(commits / copy_s, 1),
            "ratio_dry_runs_commits_and_relay_to_copy": round(everything / copy_s, 1),
        },
    )
