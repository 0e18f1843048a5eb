"""Issue 19, finding 4: one owner for a cooperative's settings (ADR 0012). Audit sets them and publishes
`audit.settings-changed`; customer service's visit schedule (R-M4) and late-report flag (R-M2) follow.

In-process: audit's outbox is pumped into customer's consumers by tests.harness."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.harness import System, View
from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.rules.test_customer_visits import MAINTENANCE
from tests.support import running

NOW = datetime.now(UTC)
CM = {
    "manager_id": "m-c",
    "employee_no": "M-C",
    "name": "m-c",
    "grade": "senior",
    "branch": "north",
    "status": "active",
    "certified_until": "2099-01-01",
}


async def _customer_and_visit(customer: Offline | View, visited: datetime) -> tuple[str, dict]:
    await customer.send("staffing.managers", "manager.registered", "m-c", CM)
    sup = customer.as_("sup-1", "supervisor")
    body = {"name": "Ridge Farm", "kind": "farm_household", "primary_manager_id": "m-c", "importance": "core"}
    opened = await customer.client.post("/customers", headers=sup, json=body)
    assert opened.status_code == 201, opened.text
    cust_id = opened.json()["id"]
    maintenance = {**MAINTENANCE, "next_visit_on": (NOW + timedelta(days=5)).date().isoformat()}
    visit = {"kind": "maintenance", "occurred_at": visited.isoformat(), "maintenance": maintenance}
    filed = await customer.client.post(
        f"/customers/{cust_id}/visits", headers=customer.as_("m-c", "cm"), json=visit
    )
    assert filed.status_code == 201, filed.text
    return cust_id, filed.json()


async def _schedule(customer: Offline | View, cust_id: str) -> dict:
    sup = customer.as_("sup-1", "supervisor")
    rows = (await customer.client.get("/visit-schedule", headers=sup)).json()
    (row,) = [r for r in rows if r["customer_id"] == cust_id]
    return row


@pytest.mark.services("audit", "customer")
async def test_R_M4_R_M2_settings_set_in_audit_drive_customers_schedule_and_late_flag(system: System):
    audit, customer = system.view("audit"), system.view("customer")
    admin = audit.as_("admin-1", "admin")
    # Defaults, the same on both sides: 30 days for a core customer, 7 of grace, 48 hours to report.
    cust_id, on_time = await _customer_and_visit(customer, NOW - timedelta(days=10))
    before = await _schedule(customer, cust_id)
    assert (before["next_due"], before["overdue"]) == (
        (NOW - timedelta(days=10) + timedelta(days=30)).date().isoformat(),
        False,
    )
    assert on_time["filed_late"] is True  # ten days after the visit, later than 48 hours

    tighter = {"visit_interval_core_days": 5, "visit_tolerance_days": 0, "report_delay_hours": 24}
    put = await audit.client.put("/compliance/settings", headers=admin, json=tighter)
    assert put.status_code == 200, put.text
    assert put.json()["dissatisfaction_visit_days"] == 7  # what the write left out keeps its value
    before_pump = len(system.events("audit.cases", "audit.settings-changed"))
    await system.settle()
    assert len(system.events("audit.cases", "audit.settings-changed")) == before_pump + 1

    after = await _schedule(customer, cust_id)
    assert after["next_due"] == (NOW - timedelta(days=5)).date().isoformat()
    assert after["overdue"] is True  # R-M4: audit's interval, now customer's too
    # R-M2: a visit made before the change keeps the delay in force at its date (48 hours).
    _, earlier = await _customer_and_visit(customer, NOW - timedelta(hours=30))
    assert earlier["filed_late"] is False


async def test_R_M2_an_act_is_judged_by_the_settings_in_force_at_its_date(database_url: str):
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as client:
        customer = Offline("customer", app, client, settings)
        for days, hours in ((-3, 24), (200, 1000)):
            version = {
                "effective_from": (NOW + timedelta(days=days)).isoformat(),
                "report_delay_hours": hours,
            }
            await customer.deliver("audit.cases", "audit.settings-changed", "rcc-demo", version)
        _, visit = await _customer_and_visit(customer, NOW - timedelta(hours=30))
        assert visit["filed_late"] is True  # 24 hours in force at the visit; the version of day 200 waits
