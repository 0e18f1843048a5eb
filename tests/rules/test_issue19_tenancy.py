"""Issue 19, finding 7: an identifier from outside is unique per cooperative. Two cooperatives give the same
core-banking number to their own customers; a balance report names the customer of its own cooperative,
in customer service and in audit (R-C5, R-I1); in process (tests.harness), both databases."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.harness import System

pytestmark = [pytest.mark.services("customer", "audit"), pytest.mark.usefixtures("database")]

ORGS = ("rcc-a", "rcc-b")


async def _customer_of(system: System, org: str) -> str:
    """A CM and a customer of the cooperative, numbered CB-1 at core banking."""
    manager = {
        "manager_id": f"m-{org}",
        "employee_no": f"E-{org}",
        "name": "CM",
        "grade": "senior",
        "branch": "north",
        "status": "active",
        "certified_until": "2099-01-01",
    }
    system.publish("staffing.managers", "manager.registered", f"m-{org}", manager, org_id=org)
    await system.settle()
    sup = system.as_(f"sup-{org}", "supervisor", org=org)
    body = {"name": f"Farm of {org}", "kind": "farm_household", "primary_manager_id": f"m-{org}"}
    opened = await system["customer"].client.post(
        "/customers", headers=sup, json=body | {"external_id": "CB-1"}
    )
    assert opened.status_code == 201, opened.text
    await system.settle()
    return str(opened.json()["id"])


async def test_R_C5_R_I1_a_core_banking_number_names_the_customer_of_the_reporting_cooperative(system):
    ids = {org: await _customer_of(system, org) for org in ORGS}
    report = {"deposit": "0.00", "loan": "100.00", "overdue": "30.00", "external_id": "CB-1"}
    report["as_of"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    system.publish(
        "corebanking.balances", "balance.reported", "CB-1", report, schema_version=2, org_id="rcc-b"
    )
    await system.settle()
    for org in ORGS:
        sup = system.as_(f"sup-{org}", "supervisor", org=org)
        read = (await system["customer"].client.get(f"/customers/{ids[org]}", headers=sup)).json()
        assert (read["overdue_balance"] is not None) is (org == "rcc-b"), (org, read)
        auditor = system.as_(f"aud-{org}", "auditor", org=org)
        found = (
            await system["audit"].client.get("/findings", headers=auditor, params={"rule_id": "R-I1"})
        ).json()
        assert [f["customer_id"] for f in found] == ([ids["rcc-b"]] if org == "rcc-b" else []), (org, found)
