"""Issue 19, finding 8: readings of the seed checked against the Chinese text (R-C2), on both databases."""

from tests.integration.test_domain_customer_rules import _compliance_events, _managers, _open, _staffing
from tests.support import eventually

CORE = {"core": True, "major_value": True}


async def test_R_C2_a_core_customer_of_major_value_not_led_by_a_senior_is_flagged(customer):
    sup = await _managers(customer)
    cust = await _open(customer, sup, {"core": True}, "m-c", ["m-s"])
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


async def test_R_C2_the_lead_of_the_customers_cm_team_counts_and_a_new_lead_is_rechecked(customer):
    sup = await _managers(customer)
    team = {"team_id": "t-1", "name": "Valley", "lead_id": "m-s", "member_ids": ["m-c"], "change": "formed"}
    await _staffing(customer, "team.changed", "m-s", team)

    body = {
        "name": "Farm",
        "kind": "corporate",
        "classification": CORE,
        "primary_manager_id": "m-c",
        "co_manager_ids": ["m-s"],
        "team_id": "t-1",
    }

    async def opened():
        response = await customer.client.post("/customers", headers=sup, json=body)
        return response if response.status_code == 201 else None

    cust = (await eventually(opened, what="the customer opened with its team")).json()
    assert cust["compliant"] is True, cust
    await _staffing(customer, "team.changed", "m-s", {**team, "lead_id": "m-c", "member_ids": ["m-s"]})
    (breach,) = await _compliance_events(customer, 1)
    assert breach["payload"]["customer_id"] == cust["id"]
    assert [v["rule_id"] for v in breach["payload"]["violations"]] == ["R-C2"]
