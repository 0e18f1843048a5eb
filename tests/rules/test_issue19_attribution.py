"""Issue 19, finding 6: every finding names the CM responsible at the time, so the CM's own list and the
summary by CM count R-I1 (overdue balance) and R-M4 (overdue visit); audit in process, both databases."""

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = [pytest.mark.services("audit"), pytest.mark.usefixtures("database")]


async def test_R_I1_R_M4_the_summary_by_cm_counts_balance_and_visit_findings_against_the_primary(audit):
    manager = {
        "manager_id": "m-p",
        "employee_no": "MP",
        "name": "m-p",
        "grade": "cm",
        "branch": "north",
        "status": "active",
        "certified_until": "2099-01-01",
    }
    await audit.send("staffing.managers", "manager.registered", "m-p", manager)
    long_ago = (datetime.now(UTC) - timedelta(days=200)).isoformat()
    registered = {
        "customer_id": "c-1",
        "file_no": "F1",
        "name": "Hill Farm",
        "kind": "farm_household",
        "primary_manager_id": "m-p",
        "co_manager_ids": ["m-a"],
        "importance": "core",
    }
    await audit.send("customer.customers", "customer.registered", "c-1", registered, occurred_at=long_ago)
    team = {
        "customer_id": "c-1",
        "primary_manager_id": "m-p",
        "co_manager_ids": ["m-a"],
        "attribution_mode": "shares",
        "effective_from": long_ago,
    }
    await audit.send("customer.customers", "customer.assignment-changed", "c-1", team)
    balance = {"customer_id": "c-1", "deposit": "0.00", "loan": "900.00", "overdue": "300.00"}
    balance["as_of"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    await audit.send("corebanking.balances", "balance.reported", "c-1", balance)
    auditor = audit.as_("aud-1", "auditor")
    assert (await audit.client.post("/compliance/sweep", headers=auditor)).status_code == 200
    summary = (await audit.client.get("/compliance/summary", headers=audit.as_("sup-1", "supervisor"))).json()
    counted = {(row["manager_id"], row["rule_id"]): row["open_findings"] for row in summary}
    assert counted == {("m-p", "R-I1"): 1, ("m-p", "R-M4"): 1}, summary
    mine = (await audit.client.get("/findings", headers=audit.as_("m-p", "cm"))).json()
    assert sorted(f["rule_id"] for f in mine) == ["R-I1", "R-M4"]
    assert (await audit.client.get("/findings", headers=audit.as_("m-a", "cm"))).json() == []
