"""Issue 19, finding 1 in audit: a cooperative's settings apply from their date (ADR 0012). A version
written for a later day changes no rule today (R-M4, R-I1); the sweep re-checks what it changes the day
it takes effect.
Finding 4: settings stored before `audit.settings-changed` existed reach customer service by a republish."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.audit.models import SettingsVersionRow
from services.audit.service.deadlines import sweep
from shared.migrations import alembic_config
from shared.runtime import Runtime
from steward.catalog import SERVICES
from tests.harness import start_system
from tests.inprocess import ORG, Offline, serve_offline
from tests.rules.test_cooperative_settings import _customer_and_visit, _schedule

NOW = datetime.now(UTC)


async def _findings(audit: Offline, **params: str) -> list[dict]:
    auditor = audit.as_("aud-1", "auditor")
    return (await audit.client.get("/findings", headers=auditor, params=params)).json()


async def _sweep(audit: Offline, at: datetime) -> int:
    runtime: Runtime = audit.app.state.runtime
    return await sweep(runtime.uow(), ORG, now=at)


async def test_R_M4_R_I1_a_version_for_a_later_day_changes_nothing_today_and_is_rechecked_that_day(
    tmp_path: Path,
):
    async with serve_offline("audit", tmp_path / "audit.db") as audit:
        admin = audit.as_("admin-1", "admin")
        registered = {
            "customer_id": "c-1",
            "file_no": "F1",
            "name": "Hill Farm",
            "kind": "farm_household",
            "primary_manager_id": "m-1",
            "importance": "core",
        }
        since = (NOW - timedelta(days=20)).isoformat()
        await audit.deliver("customer.customers", "customer.registered", "c-1", registered, occurred_at=since)
        later = (NOW + timedelta(days=10)).date()
        tighter = {
            "visit_interval_core_days": 5,
            "visit_tolerance_days": 0,
            "rating_warnings": ["B-"],
            "effective_from": later.isoformat(),
        }
        put = await audit.client.put("/compliance/settings", headers=admin, json=tighter)
        assert put.status_code == 200, put.text
        assert put.json()["effective_from"].startswith(later.isoformat())
        assert put.json()["dissatisfaction_visit_days"] == 7  # what the write left out keeps its value

        shown = (await audit.client.get("/compliance/settings", headers=audit.as_("aud-1", "auditor"))).json()
        assert shown["visit_interval_core_days"] == 30  # in force today: the defaults
        assert [(s["visit_interval_core_days"], s["rating_warnings"]) for s in shown["scheduled"]] == [
            (5, ["B-"])
        ]

        # Today: 20 days after registration is inside 30 + 7 (R-M4); "B-" is no warning yet (R-I1).
        rated = {"customer_id": "c-1", "rating": "B-", "warning_flags": []}
        await audit.deliver("risk.customer-ratings", "customer.rated", "c-1", rated)
        assert await _sweep(audit, NOW) == 0
        assert await _findings(audit, customer_id="c-1") == []

        # The day the version takes effect, the sweep re-plans the visit: 5 days without grace have passed.
        assert (
            await _sweep(audit, datetime.combine(later, datetime.min.time(), UTC) + timedelta(hours=1)) == 1
        )
        (overdue,) = await _findings(audit, customer_id="c-1")
        assert (overdue["rule_id"], overdue["manager_id"], overdue["status"]) == ("R-M4", "m-1", "open")


async def test_settings_cannot_take_effect_in_the_past_or_too_far_ahead(tmp_path: Path):
    async with serve_offline("audit", tmp_path / "audit.db") as audit:
        admin = audit.as_("admin-1", "admin")
        for day in ((NOW - timedelta(days=1)).date().isoformat(), "9999-01-01"):
            refused = await audit.client.put(
                "/compliance/settings", headers=admin, json={"visit_tolerance_days": 1, "effective_from": day}
            )
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert day in refused.json()["detail"]
        shown = (await audit.client.get("/compliance/settings", headers=admin)).json()
        assert (shown["visit_tolerance_days"], shown["effective_from"], shown["scheduled"]) == (7, None, [])


async def test_R_M4_settings_stored_before_the_event_reach_customer_by_a_republish(tmp_path: Path):
    async with start_system(tmp_path, services=("audit", "customer")) as system:
        audit, customer = system.view("audit"), system.view("customer")
        runtime: Runtime = system["audit"].app.state.runtime
        async with runtime.session_factory() as session:  # as migration 0015 keeps a row of before
            legacy = {"visit_interval_core_days": 5, "visit_tolerance_days": 0}
            session.add(
                SettingsVersionRow(
                    org_id=ORG,
                    effective_from=NOW - timedelta(days=400),
                    settings=legacy,
                    updated_by="admin-0",
                    updated_at=NOW - timedelta(days=400),
                    rechecked_at=NOW - timedelta(days=400),
                )
            )
            await session.commit()
        cust_id, _ = await _customer_and_visit(customer, NOW - timedelta(days=10))
        assert (await _schedule(customer, cust_id))["overdue"] is False  # customer has only the defaults

        auditor = audit.as_("aud-1", "auditor")
        assert (await audit.client.post("/compliance/settings/republish", headers=auditor)).status_code == 403
        done = await audit.client.post(
            "/compliance/settings/republish", headers=audit.as_("admin-1", "admin")
        )
        assert done.status_code == 200, done.text
        assert done.json() == {"published": 1}
        assert len(await audit.events("audit.cases")) == 1  # the one stored version, and nothing else
        assert (await _schedule(customer, cust_id))["overdue"] is True  # 5 days, no grace: audit's values


def test_migration_0015_keeps_the_settings_of_before_as_their_first_version(database_url: str):
    config = alembic_config(next(s for s in SERVICES if s.name == "audit").migrations, database_url)
    command.upgrade(config, "0014")
    written = datetime(2026, 3, 1, 9, tzinfo=UTC)

    async def run(sql: str, **params: object) -> list[tuple]:
        engine = create_async_engine(database_url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(sql), params)
                return [tuple(r) for r in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    asyncio.run(
        run(
            "INSERT INTO compliance_config (org_id, settings, updated_by, updated_at) "
            "VALUES (:o, :s, 'a', :t)",
            o=ORG,
            s='{"visit_interval_core_days": 5}',
            t=written,
        )
    )
    command.upgrade(config, "head")
    ((org, effective, settings, rechecked),) = asyncio.run(
        run("SELECT org_id, effective_from, settings, rechecked_at FROM settings_versions")
    )
    assert (org, "visit_interval_core_days" in str(settings)) == (ORG, True)
    assert effective is not None  # in force since it was written
    assert rechecked is not None  # nothing left to re-check
