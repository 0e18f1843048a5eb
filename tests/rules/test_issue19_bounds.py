"""Issue 19, finding 9: dates far in the past or future are refused through the API with a clear message
and change nothing (R-M2/R-M3 visits, R-W4 day plans, R-P2 expenses); in process, both databases."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.rules.test_customer_visits import MAINTENANCE, _customer
from tests.rules.test_domain_customer_rules import _managers
from tests.rules.test_staffing_expenses import _cm

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime.now(UTC)


def _visit(occurred_at: str, next_visit_on: str) -> dict:
    maintenance = {**MAINTENANCE, "next_visit_on": next_visit_on}
    return {"kind": "maintenance", "occurred_at": occurred_at, "maintenance": maintenance, "satisfaction": 4}


@pytest.mark.services("customer")
async def test_R_M2_R_M3_bounds_a_visit_years_back_or_with_its_next_visit_before_it_is_refused(customer):
    sup = await _managers(customer)
    cust = await _customer(customer, sup)
    cm, url = customer.as_("m-c", "cm"), f"/customers/{cust['id']}/visits"
    next_month = (NOW + timedelta(days=30)).date().isoformat()
    for occurred_at in ("0001-01-01T09:00:00+00:00", (NOW - timedelta(days=6 * 366)).isoformat()):
        refused = await customer.client.post(url, headers=cm, json=_visit(occurred_at, next_month))
        assert refused.status_code == 422, (occurred_at, refused.text)
        assert refused.json()["detail"], refused.text
    zh = {**cm, "Accept-Language": "zh-CN"}
    years_back = (NOW - timedelta(days=6 * 366)).isoformat()
    assert (
        "检查日期" in (await customer.client.post(url, headers=zh, json=_visit(years_back, next_month))).text
    )
    yesterday = NOW - timedelta(days=1)
    before = (yesterday - timedelta(days=3)).date().isoformat()
    backwards = await customer.client.post(url, headers=cm, json=_visit(yesterday.isoformat(), before))
    assert backwards.status_code == 422, backwards.text
    assert backwards.json()["rule_id"] == "R-M3", backwards.text  # the next visit fixed before leaving
    assert (await customer.client.get(url, headers=cm)).json() == []  # nothing was filed
    assert (await customer.events("customer.activities", "visit.filed")) == []
    fine = await customer.client.post(url, headers=cm, json=_visit(yesterday.isoformat(), next_month))
    assert fine.status_code == 201, fine.text


@pytest.mark.services("customer")
async def test_R_W4_bounds_a_day_plan_for_9999_is_refused(customer):
    await _managers(customer)
    cm = customer.as_("m-c", "cm")
    plan = {"tasks": [{"description": "visit Ridge Farm", "priority": "primary"}]}
    for day in ("9999-12-31", (NOW + timedelta(days=400)).date().isoformat()):
        refused = await customer.client.put(f"/managers/m-c/days/{day}/plan", headers=cm, json=plan)
        assert refused.status_code == 422, (day, refused.text)
        assert refused.json()["detail"], refused.text
    soon = (NOW + timedelta(days=7)).date().isoformat()
    assert (
        await customer.client.put(f"/managers/m-c/days/{soon}/plan", headers=cm, json=plan)
    ).status_code == 201


@pytest.mark.services("staffing")
async def test_R_P2_bounds_an_expense_in_1900_is_refused(staffing):
    cm = await _cm(staffing, "B1")
    me, url = staffing.as_(cm["id"], "cm"), f"/managers/{cm['id']}/expenses"
    for spent_on in ("1900-01-01", f"{NOW.year - 7}-06-01"):
        refused = await staffing.client.post(
            url, headers=me, json={"category": "gifts", "amount": "10.00", "spent_on": spent_on}
        )
        assert refused.status_code == 422, (spent_on, refused.text)
        assert refused.json()["rule_id"] == "R-P2", refused.text
    assert (await staffing.client.get(url, headers=me)).json() == []


@pytest.mark.services("customer", "audit")
async def test_R_C5_R_I1_bounds_a_negative_balance_is_dead_lettered_by_every_consumer_naming_the_field(
    system,
):
    ops = system.as_("ops", "admin", "platform")
    for field in ("deposit", "loan", "overdue"):
        balance = {"customer_id": "c-1", "deposit": "1.00", "loan": "0.00", "overdue": "0.00"}
        balance |= {field: "-5.00", "as_of": (NOW - timedelta(hours=1)).isoformat()}
        system.publish("corebanking.balances", "balance.reported", "c-1", balance)
    await system.settle()
    for service in ("customer", "audit"):
        letters = (await system[service].client.get("/admin/dead-letters", headers=ops)).json()
        reasons = [letter["reason"] for letter in letters]
        for field in ("deposit", "loan", "overdue"):
            assert any(f"{field} balance is negative" in r for r in reasons), (service, field, reasons)
    auditor = system.as_("aud-1", "auditor")
    assert (await system["audit"].client.get("/findings", headers=auditor)).json() == []
