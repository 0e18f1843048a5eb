"""Issue 19 in customer service: re-evaluation after every change (R-C3, R-C1, R-Q8), who may ask for two CMs
(R-C3) and the products a grade may market (R-Q5), on both databases; in-process (tests.harness)."""

import pytest

from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]

GRADES = {"m-s": "senior", "m-c": "cm", "m-c2": "cm", "m-t": "trainee"}


async def _managers(customer):
    for manager_id, grade in GRADES.items():
        body = {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": manager_id,
            "grade": grade,
            "branch": "north",
            "status": "active",
            "certified_until": "2099-01-01",
        }
        await _staffing(customer, "manager.registered", manager_id, body)
    sup = customer.as_("sup-1", "supervisor")

    async def known():
        for manager_id in GRADES:
            if (await customer.client.get(f"/managers/{manager_id}", headers=sup)).status_code != 200:
                return False
        return True

    assert await known(), "the manager projection"
    return sup


async def _staffing(customer, event_type: str, key: str, payload: dict) -> None:
    await customer.send("staffing.managers", event_type, key, payload)


async def _open(customer, sup, classification: dict, primary: str, co: list[str] | None = None) -> dict:
    body = {
        "name": "Farm",
        "kind": "corporate",
        "classification": classification,
        "primary_manager_id": primary,
        "co_manager_ids": co or [],
    }
    opened = await customer.client.post("/customers", headers=sup, json=body)
    assert opened.status_code == 201, opened.text
    return opened.json()


async def _compliance_events(customer, count: int) -> list[dict]:
    return await customer.wait_events("customer.customers", "customer.compliance-changed", count)


async def test_R_C3_a_team_fixed_by_a_new_assignment_publishes_that_it_complies_again(customer):
    sup = await _managers(customer)
    cust = await _open(customer, sup, {}, "m-c")
    url = f"/customers/{cust['id']}"
    medium = await customer.client.put(f"{url}/classification", headers=sup, json={"size": "medium"})
    assert medium.json()["compliant"] is False
    (breach,) = await _compliance_events(customer, 1)
    assert breach["payload"]["compliant"] is False
    team = {"primary_manager_id": "m-c", "co_manager_ids": ["m-c2"], "reason": "second CM"}
    fixed = await customer.client.put(f"{url}/assignment", headers=sup, json=team)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["compliant"] is True
    cured = (await _compliance_events(customer, 2))[1]
    assert cured["payload"] == {"customer_id": cust["id"], "compliant": True, "issues": [], "violations": []}


async def test_R_Q8_a_demotion_re_evaluates_every_customer_the_cm_serves(customer):
    sup = await _managers(customer)
    cust = await _open(customer, sup, {"core": True, "major_value": True}, "m-s", ["m-c"])
    assert cust["compliant"] is True
    demoted = {
        "manager_id": "m-s",
        "from_grade": "senior",
        "to_grade": "cm",
        "status": "active",
        "reason": "R-Q8",
    }
    await _staffing(customer, "manager.grade-changed", "m-s", demoted)
    (event,) = await _compliance_events(customer, 1)
    assert event["payload"]["compliant"] is False
    assert any(i.startswith("R-C1") for i in event["payload"]["issues"])
    read = (await customer.client.get(f"/customers/{cust['id']}", headers=sup)).json()
    assert read["compliant"] is False
    promoted = {
        "manager_id": "m-s",
        "from_grade": "cm",
        "to_grade": "senior",
        "status": "active",
        "reason": "R-Q8",
    }
    await _staffing(customer, "manager.grade-changed", "m-s", promoted)
    assert (await _compliance_events(customer, 2))[1]["payload"]["compliant"] is True


async def test_R_C3_only_control_roles_set_or_clear_the_request_for_two_cms(customer):
    sup = await _managers(customer)
    cust = await _open(customer, sup, {}, "m-c")
    c, cm = customer.client, customer.as_("m-c", "cm")
    url = f"/customers/{cust['id']}"
    by_cm = await c.put(f"{url}/classification", headers=cm, json={"control_requested": True})
    assert by_cm.status_code == 403
    assert by_cm.json()["rule_id"] == "R-C3"
    zh = await c.put(
        f"{url}/classification", headers={**cm, "Accept-Language": "zh-CN"}, json={"control_requested": True}
    )
    assert "内控" in zh.json()["detail"]
    asked = await c.put(
        f"{url}/control-request", headers=customer.as_("aud-1", "auditor"), json={"requested": True}
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["compliant"] is False
    cleared_by_cm = await c.put(f"{url}/classification", headers=cm, json={"control_requested": False})
    assert cleared_by_cm.status_code == 403
    assert (
        await c.put(f"{url}/classification", headers=cm, json={"control_requested": True})
    ).status_code == 200
    by_product = await c.put(
        f"{url}/control-request", headers=customer.as_("p-1", "product"), json={"requested": False}
    )
    assert by_product.json()["compliant"] is True
    assert (await c.put(f"{url}/control-request", headers=cm, json={"requested": False})).status_code == 403


async def test_R_Q5_a_cm_recommends_only_the_products_their_grade_may_market(customer):
    sup = await _managers(customer)
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:
        if g["code"] == "trainee":
            g["products"] = ["savings_account"]
    ladder = {"version": 2, "effective_from": "2026-01-01", "grades": grades}
    await _staffing(customer, "ladder.published", "ladder", ladder)
    cust = await _open(customer, sup, {}, "m-t")
    trainee = customer.as_("m-t", "cm")
    rec = {"product": "working_capital_loan", "amount": "1000.00", "term_months": 12, "purpose": "seed"}
    rec["rationale"] = "spring"
    url = f"/customers/{cust['id']}/credit-recommendations"

    async def allowed():  # the default ladder refuses savings_account to a trainee: v2 is in force
        answer = await customer.client.post(url, headers=trainee, json={**rec, "product": "savings_account"})
        return answer if answer.status_code == 201 else None

    assert await allowed() is not None, "the ladder with the trainee's products in force"
    answer = await customer.client.post(url, headers=trainee, json=rec)
    assert answer.status_code == 422, answer.text
    assert answer.json()["rule_id"] == "R-Q5"


async def test_R_Q3_a_ladder_version_in_force_later_does_not_change_todays_limits_or_classes(customer):
    from datetime import UTC, datetime, timedelta

    sup = await _managers(customer)
    future = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:
        if g["code"] == "cm":
            g["products"], g["authorization_limit"], g["customer_classes"] = (
                ["savings_account"],
                "10.00",
                ["basic"],
            )
    await _staffing(
        customer, "ladder.published", "ladder", {"version": 5, "effective_from": future, "grades": grades}
    )
    # a marker on the same key and partition: once it is projected, the future ladder was consumed
    await _staffing(
        customer,
        "manager.registered",
        "ladder",
        {
            "manager_id": "m-marker",
            "employee_no": "MK",
            "name": "marker",
            "grade": "cm",
            "branch": "north",
            "status": "active",
            "certified_until": "2099-01-01",
        },
    )

    async def marker():
        return (await customer.client.get("/managers/m-marker", headers=sup)).status_code == 200

    assert await marker(), "the future ladder consumed"
    cust = await _open(customer, sup, {"size": "medium"}, "m-c", ["m-c2"])  # today a CM may serve medium
    assert cust["compliant"] is True
    rec = {"product": "loans", "amount": "500.00", "term_months": 6, "purpose": "seed"}
    rec["rationale"] = "spring"
    answer = await customer.client.post(
        f"/customers/{cust['id']}/credit-recommendations", headers=customer.as_("m-c", "cm"), json=rec
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["authorization_limit"] == "1000000.00"
    assert answer.json()["status"] == "submitted"
