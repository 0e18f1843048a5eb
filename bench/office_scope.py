"""Benchmark: what the office scope costs audit's reads (PostgreSQL, in-process; issue 21).

A tree of 121 offices (head office, 20 branches, 100 outlets), 2,000 CMs placed in the outlets and
20,000 open findings (STEWARD_BENCH_QUICK: 200 CMs, 2,000 findings). Ratios against a baseline measured
in the same run, the two calls alternated: a branch supervisor's first page of `/findings` and their
`/compliance/summary` (the scope condition: the caller's office, the closure snapshot, the CMs placed
below) against management's same calls, which carry no condition.
"""

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import httpx
from sqlalchemy import insert

from bench.common import ORG, SECRET, pg_database, save, scale, summary_ms
from services.audit.app import MIGRATIONS, create_app
from services.audit.models import OFFICES, FindingRow
from services.audit.service.scope import SCOPE
from services.audit.settings import AuditSettings
from shared.auth import issue_token
from shared.contracts.offices import OfficeChanged
from shared.db import create_engine
from shared.envelope import SYSTEM_ACTOR, new_envelope
from shared.migrations import upgrade_async
from shared.runtime import Runtime
from shared.settings import KafkaSettings
from steward.embedded_broker import free_port

MANAGERS = scale(2_000, 200)
FINDINGS_PER_CM = 10
ROUNDS = scale(300, 30)
BRANCHES, OUTLETS_PER_BRANCH = 20, 5


def _tree() -> list[tuple[str, str | None]]:
    offices: list[tuple[str, str | None]] = [("o-hq", None)]
    for b in range(BRANCHES):
        offices.append((f"o-b{b:02d}", "o-hq"))
        offices.extend((f"o-b{b:02d}-{o}", f"o-b{b:02d}") for o in range(OUTLETS_PER_BRANCH))
    return offices


async def _seed(url: str, runtime: Runtime) -> None:
    offices = _tree()
    for office_id, parent in offices:
        event = OfficeChanged(
            office_id=office_id,
            code=office_id,
            name=office_id,
            parent_id=parent,
            effective_from=date(2024, 1, 1),
        )
        envelope = new_envelope(
            event_type="office.changed",
            schema_version=1,
            producer="staffing",
            org_id=ORG,
            key=office_id,
            payload=event,
            actor=SYSTEM_ACTOR,
        )
        async with runtime.uow() as uow:
            await SCOPE.record_office(uow, envelope, event)
            await uow.commit()
    outlets = [o for o, parent in offices if parent not in (None, "o-hq")]
    staff = [
        {"org_id": ORG, "user_id": f"m-{i:05d}", "office_id": outlets[i % len(outlets)], "scope": "default"}
        for i in range(MANAGERS)
    ]
    staff.append({"org_id": ORG, "user_id": "sup-b00", "office_id": "o-b00", "scope": "default"})
    now = datetime(2026, 1, 2, tzinfo=UTC)
    findings = [
        {
            "id": f"f-{i:05d}-{n}",
            "org_id": ORG,
            "rule_id": "R-M4",
            "subject_key": f"c-{i:05d}-{n}",
            "manager_id": f"m-{i:05d}",
            "customer_id": f"c-{i:05d}-{n}",
            "severity": "medium",
            "description": "visit overdue",
            "evidence": [],
            "status": "open",
            "raised_by": "steward-compliance",
            "raised_at": now,
        }
        for i in range(MANAGERS)
        for n in range(FINDINGS_PER_CM)
    ]
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(OFFICES.staff), staff)
        for start in range(0, len(findings), 5_000):
            await conn.execute(insert(FindingRow), findings[start : start + 5_000])
        await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()


async def _pair(
    base: Callable[[], Awaitable[httpx.Response]], measured: Callable[[], Awaitable[httpx.Response]]
) -> tuple[list[float], list[float]]:
    """Alternate the two calls, so that a drift of the machine weighs on both alike."""
    first: list[float] = []
    second: list[float] = []
    for _ in range(ROUNDS):
        for call, samples in ((base, first), (measured, second)):
            started = time.perf_counter()
            response = await call()
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    return first, second


async def main() -> dict[str, Any]:
    """Seed, then time each pair in the same process."""
    async with pg_database("office_scope") as url:
        await upgrade_async(MIGRATIONS, url)
        settings = AuditSettings(
            profile="test",
            database_url=url,
            jwt_secret=SECRET,
            start_consumers=False,
            kafka=KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}", idempotent_producer=False),
        )
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            await _seed(url, app.state.runtime)
            headers = {
                who: {
                    "Authorization": f"Bearer {issue_token(settings, user_id=who, roles=[role], org_id=ORG)}"
                }
                for who, role in (("mgmt-1", "management"), ("sup-b00", "supervisor"))
            }
            branch = await client.get("/findings", params={"limit": 200}, headers=headers["sup-b00"])
            outlets = BRANCHES * OUTLETS_PER_BRANCH  # CM i sits in outlet i % outlets; o-b00's are the first
            inside = {f"m-{i:05d}" for i in range(MANAGERS) if i % outlets < OUTLETS_PER_BRANCH}
            assert branch.json()
            assert {f["manager_id"] for f in branch.json()} <= inside
            figures: dict[str, Any] = {}
            for path in ("/findings", "/compliance/summary"):
                whole, scoped = await _pair(
                    partial(client.get, path, params={"limit": 50}, headers=headers["mgmt-1"]),
                    partial(client.get, path, params={"limit": 50}, headers=headers["sup-b00"]),
                )
                name = path.strip("/").replace("/", "_")
                figures[f"{name}_management"] = summary_ms(whole)
                figures[f"{name}_branch_supervisor"] = summary_ms(scoped)
                figures[f"ratio_{name}_branch_to_management"] = round(
                    figures[f"{name}_branch_supervisor"]["p50_ms"] / figures[f"{name}_management"]["p50_ms"],
                    2,
                )
    return save(
        "office_scope",
        {"offices": len(_tree()), "managers": MANAGERS, "findings": MANAGERS * FINDINGS_PER_CM, **figures},
    )
