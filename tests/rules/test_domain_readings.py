"""Issue 19, finding 8: readings of the seed checked against the Chinese text (R-C2, R-M2), on both databases.

In-process (tests.harness).
"""

import pytest

from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from tests.rules.test_domain_customer_rules import _compliance_events, _managers, _staffing

pytestmark = pytest.mark.usefixtures("database")

CORE = {"core": True, "major_value": True}


async def _cm_serves_core(customer) -> None:
    """A ladder in force today whose `cm` grade may serve core customers of major value but not lead."""
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:
        if g["code"] == "cm":
            g["customer_classes"] = sorted({*g["customer_classes"], "core", "major_value"})
            assert not g["may_lead_teams"]
    ladder = {"version": 2, "effective_from": "2026-01-01", "grades": grades}
    await _staffing(customer, "ladder.published", "ladder", ladder)


async def _opened(customer, sup, body: dict) -> dict:
    async def created():
        response = await customer.client.post("/customers", headers=sup, json=body)
        return response if response.status_code == 201 else None

    return (await customer.until(created, what="the ladder (and team) known, the customer opened")).json()


def _body(classification: dict, **more) -> dict:
    body = {"name": "Farm", "kind": "corporate", "classification": classification}
    return body | {"primary_manager_id": "m-c", "co_manager_ids": ["m-s"]} | more


@pytest.mark.services("customer")
async def test_R_C2_a_core_customer_of_major_value_not_led_by_a_senior_is_flagged(customer):
    sup = await _managers(customer)
    await _cm_serves_core(customer)
    cust = await _opened(customer, sup, _body({"core": True}))
    assert cust["compliant"] is True  # a senior serves it, as a co-manager
    url = f"/customers/{cust['id']}"
    grown = await customer.client.put(f"{url}/classification", headers=sup, json=CORE)
    assert grown.status_code == 200, grown.text
    assert grown.json()["compliant"] is False
    (breach,) = await _compliance_events(customer, 1)
    assert [v["rule_id"] for v in breach["payload"]["violations"]] == ["R-C2"]
    led = {"primary_manager_id": "m-s", "co_manager_ids": ["m-c"], "reason": "a senior leads"}
    fixed = await customer.client.put(f"{url}/assignment", headers=sup, json=led)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["compliant"] is True


@pytest.mark.services("customer")
async def test_R_C2_the_lead_of_the_customers_cm_team_counts_and_a_new_lead_is_rechecked(customer):
    sup = await _managers(customer)
    await _cm_serves_core(customer)
    team = {"team_id": "t-1", "name": "Valley", "lead_id": "m-s", "member_ids": ["m-c"], "change": "formed"}
    await _staffing(customer, "team.changed", "m-s", team)
    cust = await _opened(customer, sup, _body(CORE, team_id="t-1"))
    assert cust["compliant"] is True, cust
    await _staffing(customer, "team.changed", "m-s", {**team, "lead_id": "m-c", "member_ids": ["m-s"]})
    (breach,) = await _compliance_events(customer, 1)
    assert breach["payload"]["customer_id"] == cust["id"]
    assert [v["rule_id"] for v in breach["payload"]["violations"]] == ["R-C2"]


@pytest.mark.services("customer")
async def test_R_M2_a_report_filed_later_than_the_delay_is_accepted_but_flagged(customer):
    from datetime import UTC, datetime, timedelta

    from tests.rules.test_customer_visits import _customer, _maintenance

    sup = await _managers(customer)
    cust = await _customer(customer, sup)
    cm = customer.as_("m-c", "cm")
    url = f"/customers/{cust['id']}/visits"
    now = datetime.now(UTC)
    on_time = await customer.client.post(url, headers=cm, json=_maintenance(4, now - timedelta(hours=1)))
    late = await customer.client.post(url, headers=cm, json=_maintenance(4, now - timedelta(days=5)))
    assert (on_time.status_code, late.status_code) == (201, 201), late.text
    assert (on_time.json()["filed_late"], late.json()["filed_late"]) == (False, True)  # default delay 48 h
    filed = await customer.wait_events("customer.activities", "visit.filed", 2)
    flags = {e["payload"]["visit_id"]: e["payload"]["filed_late"] for e in filed}
    assert flags == {on_time.json()["id"]: False, late.json()["id"]: True}


@pytest.mark.services("audit")
async def test_R_M2_audit_counts_late_reports_against_the_cm(audit):
    auditor = audit.as_("aud-1", "auditor")
    for n, late in enumerate((True, False, True)):
        visit = {
            "visit_id": f"v-{n}",
            "customer_id": "c-1",
            "manager_id": "m-1",
            "kind": "maintenance",
            "occurred_at": "2026-03-01T09:00:00+00:00",
            "version": 1,
            "filed_late": late,
        }
        await audit.send("customer.activities", "visit.filed", "c-1", visit)

    async def counted():
        found = (await audit.client.get("/findings", headers=auditor, params={"rule_id": "R-M2"})).json()
        return found if found and len(found[0]["evidence"]) == 2 else None

    (finding,) = await audit.until(counted, what="one R-M2 finding with two late reports as evidence")
    assert finding["manager_id"] == "m-1"
