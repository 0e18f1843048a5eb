"""R-C1's threshold is each app's own: two customer apps in one process (the in-process harness does this)
re-check a demoted CM's customers each with the threshold it was built with; the last built does not win."""

from decimal import Decimal
from pathlib import Path

from tests.inprocess import Offline, serve_offline
from tests.integration.test_customer_configured_rules import _managers, _open

RISKY = {"risk_business": True, "risk_amount": "800.00"}
DEMOTED = {"manager_id": "m-s", "from_grade": "senior", "to_grade": "cm", "status": "active", "reason": "Q8"}


async def _demote_and_read(customer: Offline, sup: dict[str, str], customer_id: str) -> dict:
    await customer.deliver("staffing.managers", "manager.grade-changed", "m-s", DEMOTED)
    return dict((await customer.client.get(f"/customers/{customer_id}", headers=sup)).json())


async def test_R_C1_two_apps_in_one_process_each_apply_their_own_threshold(tmp_path: Path):
    async with (
        serve_offline("customer", tmp_path / "low.db", senior_risk_threshold=Decimal("500")) as low,
        serve_offline("customer", tmp_path / "high.db", senior_risk_threshold=Decimal("5000")) as high,
    ):
        low_sup, high_sup = await _managers(low), await _managers(high)
        low_cust = await _open(low, low_sup, RISKY, "m-s", ["m-c"])
        high_cust = await _open(high, high_sup, RISKY, "m-s", ["m-c"])
        # built second, the high app must not have changed the low app's threshold (nor the other way)
        low_read = await _demote_and_read(low, low_sup, low_cust["id"])
        high_read = await _demote_and_read(high, high_sup, high_cust["id"])
    assert low_read["compliant"] is False  # 800 is above 500: a senior must serve it, and none does now
    assert any(i.startswith("R-C1") for i in low_read["compliance_issues"]), low_read
    assert high_read["compliant"] is True, high_read  # 800 is below 5,000: no senior needed
