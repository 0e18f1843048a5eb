"""Issue 19: `customer.compliance-changed` v2 carries structured issues; audit reads them, not the text.

In-process (tests.harness), on both databases; then the customer service's event, pumped into audit.
"""

import pytest

from tests.rules.test_customer_assignment import _managers

pytestmark = pytest.mark.usefixtures("database")


@pytest.mark.services("customer")
async def test_customer_publishes_v2_with_rule_ids_message_keys_and_params(customer):
    sup = await _managers(customer)
    c = customer.client
    body = {"name": "Corner Shop", "kind": "individual", "classification": {"size": "small"}}
    small = (await c.post("/customers", headers=sup, json={**body, "primary_manager_id": "m-t"})).json()
    grown = await c.put(f"/customers/{small['id']}/classification", headers=sup, json={"size": "medium"})
    assert grown.status_code == 200, grown.text
    (event,) = await customer.wait_events("customer.customers", "customer.compliance-changed")
    assert event["schema_version"] == 2
    payload = event["payload"]
    keys = {(v["rule_id"], v["message_key"]) for v in payload["violations"]}
    assert keys == {
        ("R-C3", "customer.compliance.two_managers"),
        ("R-Q5", "customer.compliance.grade_classes"),
    }
    r_q5 = next(v for v in payload["violations"] if v["rule_id"] == "R-Q5")
    assert r_q5["params"]["manager_id"] == "m-t"
    assert "medium" in r_q5["params"]["classes"]
    assert sorted(i[:4] for i in payload["issues"]) == ["R-C3", "R-Q5"]  # v1 readers keep their lines


@pytest.mark.services("audit")
async def test_audit_takes_the_rule_from_the_structured_issue_not_from_the_text(audit):
    key = "c-v2"
    breach = {
        "customer_id": key,
        "compliant": False,
        "issues": ["besoin de deux gestionnaires"],  # a line naming no rule: v1 parsing would find nothing
        "violations": [
            {"rule_id": "R-C3", "message_key": "customer.compliance.two_managers", "params": {"why": "core"}}
        ],
    }
    await audit.send("customer.customers", "customer.compliance-changed", key, breach, schema_version=2)
    sup = audit.as_("aud-1", "auditor")

    async def raised():
        found = (await audit.client.get("/findings", headers=sup, params={"rule_id": "R-C3"})).json()
        return found or None

    (finding,) = await audit.until(raised, what="an R-C3 finding from the structured issue")
    assert finding["customer_id"] == key
    assert finding["status"] == "open"
