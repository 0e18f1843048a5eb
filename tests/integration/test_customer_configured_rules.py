"""Issue 19 in customer service, in process: re-checks after a grade change use the configured R-C1
threshold (finding 1), and R-Q5 holds before any ladder is published: the default ladder's products
(finding 3)."""

from decimal import Decimal
from pathlib import Path

from tests.inprocess import Offline, serve_offline

GRADES = {"m-s": "senior", "m-c": "cm", "m-t": "trainee"}


async def _managers(customer: Offline) -> dict[str, str]:
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
        await customer.deliver("staffing.managers", "manager.registered", manager_id, body)
    return customer.as_("sup-1", "supervisor")


async def _open(
    customer: Offline, sup: dict[str, str], classification: dict, primary: str, co: list[str]
) -> dict:
    body = {
        "name": "Farm",
        "kind": "corporate",
        "classification": classification,
        "primary_manager_id": primary,
        "co_manager_ids": co,
    }
    opened = await customer.client.post("/customers", headers=sup, json=body)
    assert opened.status_code == 201, opened.text
    return opened.json()


async def test_R_C1_a_demotion_is_rechecked_with_the_configured_threshold(tmp_path: Path):
    async with serve_offline("customer", tmp_path / "c.db", senior_risk_threshold=Decimal("500")) as customer:
        sup = await _managers(customer)
        risky = {"risk_business": True, "risk_amount": "800.00"}  # above 500, far below the default 1,000,000
        cust = await _open(customer, sup, risky, "m-s", ["m-c"])
        assert cust["compliant"] is True
        demoted = {"manager_id": "m-s", "from_grade": "senior", "to_grade": "cm", "status": "active"}
        await customer.deliver(
            "staffing.managers", "manager.grade-changed", "m-s", {**demoted, "reason": "R-Q8"}
        )
        read = (await customer.client.get(f"/customers/{cust['id']}", headers=sup)).json()
        assert read["compliant"] is False
        assert any(i.startswith("R-C1") for i in read["compliance_issues"]), read


async def test_R_Q5_before_any_ladder_the_default_ladder_limits_the_products(tmp_path: Path):
    async with serve_offline("customer", tmp_path / "c.db") as customer:
        sup = await _managers(customer)
        cust = await _open(customer, sup, {}, "m-t", [])
        url = f"/customers/{cust['id']}/credit-recommendations"
        rec = {
            "product": "loans",
            "amount": "100.00",
            "term_months": 6,
            "purpose": "seed",
            "rationale": "spring",
        }
        trainee = customer.as_("m-t", "cm")
        refused = await customer.client.post(url, headers=trainee, json=rec)
        assert refused.status_code == 422, refused.text  # a trainee markets cards and deposits only
        assert refused.json()["rule_id"] == "R-Q5"
        allowed = await customer.client.post(url, headers=trainee, json={**rec, "product": "deposits"})
        assert allowed.status_code == 201, allowed.text
