"""Issue 19, finding 2: every change that can make or clear a condition re-evaluates the customer in
customer service, and audit opens or resolves its finding; customer and audit in process, both databases.

Each test follows one change end to end: the command or event into customer service, then
`customer.compliance-changed` pumped into audit, then the finding's status read from audit's API.
"""

from datetime import UTC, datetime

import pytest

from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from tests.harness import System
from tests.rules.test_domain_customer_rules import _managers, _open, _staffing

pytestmark = [pytest.mark.services("customer", "audit"), pytest.mark.usefixtures("database")]


async def _statuses(system: System, rule: str, customer_id: str) -> list[tuple[str, str | None]]:
    """Audit's findings of a rule on a customer, as (status, CM named), once the system settled."""
    await system.settle()
    auditor = system.as_("aud-1", "auditor")
    params = {"rule_id": rule, "customer_id": customer_id}
    answer = await system["audit"].client.get("/findings", headers=auditor, params=params)
    assert answer.status_code == 200, answer.text
    return [(f["status"], f["manager_id"]) for f in answer.json()]


def _ladder(version: int, cm_classes_without: str | None = None) -> dict:
    """A ladder in force today; the `cm` grade may not serve `cm_classes_without` when given."""
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:
        if g["code"] == "cm" and cm_classes_without:
            g["customer_classes"] = [c for c in g["customer_classes"] if c != cm_classes_without]
    return {"version": version, "effective_from": datetime.now(UTC).date().isoformat(), "grades": grades}


async def test_R_C3_a_team_fixed_by_a_new_assignment_resolves_audits_finding(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    cust = await _open(customer, sup, {}, "m-c")
    url = f"/customers/{cust['id']}"
    medium = await customer.client.put(f"{url}/classification", headers=sup, json={"size": "medium"})
    assert medium.json()["compliant"] is False
    assert await _statuses(system, "R-C3", cust["id"]) == [("open", "m-c")]
    team = {"primary_manager_id": "m-c", "co_manager_ids": ["m-c2"], "reason": "second CM"}
    fixed = await customer.client.put(f"{url}/assignment", headers=sup, json=team)
    assert fixed.status_code == 200, fixed.text
    assert await _statuses(system, "R-C3", cust["id"]) == [("resolved", "m-c")]


async def test_R_Q8_R_C1_a_demotion_opens_audits_finding_and_a_promotion_resolves_it(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    cust = await _open(customer, sup, {"core": True, "major_value": True}, "m-s", ["m-c"])
    assert cust["compliant"] is True
    change = {"manager_id": "m-s", "status": "active", "reason": "R-Q8"}
    await _staffing(
        customer, "manager.grade-changed", "m-s", {**change, "from_grade": "senior", "to_grade": "cm"}
    )
    assert await _statuses(system, "R-C1", cust["id"]) == [("open", "m-s")]
    await _staffing(
        customer, "manager.grade-changed", "m-s", {**change, "from_grade": "cm", "to_grade": "senior"}
    )
    assert await _statuses(system, "R-C1", cust["id"]) == [("resolved", "m-s")]


async def test_R_C2_a_team_lead_change_opens_audits_finding_and_a_senior_lead_resolves_it(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:  # a CM may serve core customers of major value, a senior still leads
        if g["code"] == "cm":
            g["customer_classes"] = sorted({*g["customer_classes"], "core", "major_value"})
    await _staffing(
        customer,
        "ladder.published",
        "ladder",
        {"version": 2, "effective_from": "2026-01-01", "grades": grades},
    )
    team = {"team_id": "t-1", "name": "Valley", "lead_id": "m-s", "member_ids": ["m-c"], "change": "formed"}
    await _staffing(customer, "team.changed", "m-s", team)
    body = {
        "name": "Farm",
        "kind": "corporate",
        "classification": {"core": True, "major_value": True},
        "primary_manager_id": "m-c",
        "co_manager_ids": ["m-s"],  # R-C1: a senior serves it; R-C2: the team's lead leads it
        "team_id": "t-1",
    }
    opened = await customer.client.post("/customers", headers=sup, json=body)
    assert opened.status_code == 201, opened.text
    cust = opened.json()
    await _staffing(customer, "team.changed", "m-s", {**team, "lead_id": "m-c", "member_ids": ["m-s"]})
    assert await _statuses(system, "R-C2", cust["id"]) == [("open", "m-c")]
    await _staffing(customer, "team.changed", "m-s", team)
    assert await _statuses(system, "R-C2", cust["id"]) == [("resolved", "m-c")]


async def test_R_C3_a_control_request_opens_audits_finding_and_its_withdrawal_resolves_it(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    cust = await _open(customer, sup, {}, "m-c")
    url = f"/customers/{cust['id']}/control-request"
    asked = await customer.client.put(url, headers=customer.as_("aud-1", "auditor"), json={"requested": True})
    assert asked.status_code == 200, asked.text
    assert await _statuses(system, "R-C3", cust["id"]) == [("open", "m-c")]
    withdrawn = await customer.client.put(
        url, headers=customer.as_("p-1", "product"), json={"requested": False}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert await _statuses(system, "R-C3", cust["id"]) == [("resolved", "m-c")]


async def test_R_Q3_R_Q5_a_ladder_in_force_at_once_rechecks_the_served_customers(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    cust = await _open(customer, sup, {"size": "medium"}, "m-c", ["m-c2"])  # CMs may serve medium today
    assert cust["compliant"] is True
    url = f"/customers/{cust['id']}"
    await _staffing(customer, "ladder.published", "ladder", _ladder(2, cm_classes_without="medium"))
    assert (await customer.client.get(url, headers=sup)).json()["compliant"] is False
    assert await _statuses(system, "R-Q5", cust["id"]) == [("open", "m-c")]
    await _staffing(customer, "ladder.published", "ladder", _ladder(3))
    assert (await customer.client.get(url, headers=sup)).json()["compliant"] is True
    assert await _statuses(system, "R-Q5", cust["id"]) == [("resolved", "m-c")]


async def test_R_Q7_R_C1_a_senior_whose_certification_expires_is_no_longer_the_customers_senior(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    cust = await _open(customer, sup, {"core": True, "major_value": True}, "m-s", ["m-c"])
    assert cust["compliant"] is True
    expired = {"manager_id": "m-s", "expired_on": "2026-01-01"}
    await _staffing(customer, "manager.certification-expired", "m-s", expired)
    url = f"/customers/{cust['id']}"
    assert (await customer.client.get(url, headers=sup)).json()["compliant"] is False
    assert await _statuses(system, "R-C1", cust["id"]) == [("open", "m-s")]
    renewed = {"manager_id": "m-s", "grade": "senior", "score": "80.00", "valid_until": "2099-01-01"}
    await _staffing(customer, "manager.certified", "m-s", renewed)
    assert (await customer.client.get(url, headers=sup)).json()["compliant"] is True
    assert await _statuses(system, "R-C1", cust["id"]) == [("resolved", "m-s")]
