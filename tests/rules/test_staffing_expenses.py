"""Marketing expenses (R-P2, R-I4) through HTTP on both databases.

In-process (tests.harness): the services' events are pumped, no broker.
"""

from datetime import date

import pytest

from services.staffing.models import ServedCustomerRow
from shared.timeutil import utcnow
from tests.integration.fault_support import rows
from tests.support import ORG, envelope_bytes

pytestmark = [pytest.mark.services("staffing"), pytest.mark.usefixtures("database")]

TODAY = utcnow().date()
LAST_YEAR = TODAY.year - 1


async def _cm(staffing, employee_no: str, grade: str = "trainee") -> dict:
    return (
        await staffing.client.post(
            "/managers",
            headers=staffing.as_("hr-1", "hr"),
            json={"employee_no": employee_no, "name": "Spender", "grade": grade, "branch": "b"},
        )
    ).json()


async def _served(staffing, customer_id: str, *managers: str, org: str = ORG) -> None:
    """Customer service's customer.registered, and staffing's projection of it applied."""
    body = {
        "customer_id": customer_id,
        "file_no": f"F-{customer_id}",
        "name": "Served Farm",
        "kind": "farm_household",
        "primary_manager_id": managers[0],
        "co_manager_ids": list(managers[1:]),
    }
    event = envelope_bytes("customer.registered", customer_id, body, producer="customer", org_id=org)
    await staffing.send_raw("customer.customers", customer_id, event)
    table = ServedCustomerRow.__table__

    async def applied() -> bool:
        query = table.select().where(table.c.customer_id == customer_id, table.c.org_id == org)
        return bool(await rows(staffing.settings.database_url, query))

    await staffing.until(applied, what=f"staffing knows who serves {customer_id}")


async def test_R_P2_an_expense_names_only_a_customer_the_cm_serves(staffing):
    c = staffing.client
    cm = await _cm(staffing, "S1")
    other = await _cm(staffing, "S2")
    me = staffing.as_(cm["id"], "cm")
    await _served(staffing, "c-mine", cm["id"])
    await _served(staffing, "c-theirs", other["id"])
    await _served(staffing, "c-elsewhere", cm["id"], org="rcc-other")
    url = f"/managers/{cm['id']}/expenses"
    expense = {"category": "gifts", "amount": "1.00", "spent_on": str(TODAY)}
    answers = []
    for customer_id in ("c-theirs", "c-elsewhere", "c-unknown"):
        got = await c.post(url, headers=me, json={**expense, "customer_id": customer_id})
        body = got.json()
        answers.append((got.status_code, body.get("code"), body["detail"].replace(customer_id, "<id>")))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 422
    assert (await c.post(url, headers=me, json={**expense, "customer_id": "c-mine"})).status_code == 201
    assert (await c.get(url, headers=me)).json()[0]["customer_id"] == "c-mine"


async def test_R_P2_a_cm_records_own_expenses_and_going_over_budget_is_published(staffing):
    c = staffing.client
    cm = await _cm(staffing, "X1")  # trainee: 7200.00 a year (gifts 1000.00 of it, for reporting)
    me = staffing.as_(cm["id"], "cm")
    await _served(staffing, "c-1", cm["id"])
    for category, amount in (
        ("communication", "1200.00"),
        ("entertainment", "3000.00"),
        ("activities", "2000.00"),
    ):
        body = {"category": category, "amount": amount, "spent_on": str(TODAY)}
        assert (await c.post(f"/managers/{cm['id']}/expenses", headers=me, json=body)).status_code == 201
    first = await c.post(
        f"/managers/{cm['id']}/expenses",
        headers=me,
        json={"category": "gifts", "amount": "999.99", "spent_on": str(TODAY), "receipt_ref": "R-1"},
    )
    assert first.status_code == 201, first.text
    assert first.json()["amount"] == "999.99"
    over = await c.post(
        f"/managers/{cm['id']}/expenses",
        headers=me,
        json={"category": "gifts", "amount": "0.02", "spent_on": str(TODAY), "customer_id": "c-1"},
    )
    assert over.status_code == 201
    exceeded = await staffing.wait_events("staffing.expenses", "expense.budget-exceeded")
    assert len(exceeded) == 1
    assert exceeded[0]["payload"] == {
        "manager_id": cm["id"],
        "year": TODAY.year,
        "category": "gifts",
        "budget": "7200.00",
        "spent": "7200.01",
    }
    await c.post(
        f"/managers/{cm['id']}/expenses",
        headers=me,
        json={"category": "gifts", "amount": "5", "spent_on": str(TODAY)},
    )
    summary = (await c.get(f"/managers/{cm['id']}/budget", headers=me)).json()
    gifts = next(x for x in summary["categories"] if x["category"] == "gifts")
    assert gifts == {
        "category": "gifts",
        "budget": "1000.00",
        "spent": "1005.01",
        "remaining": "-5.01",
        "overspend": "5.01",
    }
    assert summary["overspend"] == "5.01"
    assert len(await staffing.events("staffing.expenses", "expense.budget-exceeded")) == 1
    recorded = await staffing.wait_events("staffing.expenses", "expense.recorded", count=6)
    assert {e["payload"]["amount"] for e in recorded} >= {"999.99", "0.02", "5.00"}


async def test_R_P2_the_cm_decides_how_to_spend_the_yearly_total(staffing):
    """Over one category's share but under the year's total: nothing is overspent (categories report)."""
    c = staffing.client
    cm = await _cm(staffing, "X7")  # trainee: 7200.00 a year, gifts 1000.00 of it
    me = staffing.as_(cm["id"], "cm")
    body = {"category": "gifts", "amount": "2500.00", "spent_on": str(TODAY)}
    assert (await c.post(f"/managers/{cm['id']}/expenses", headers=me, json=body)).status_code == 201
    summary = (await c.get(f"/managers/{cm['id']}/budget", headers=me)).json()
    assert summary["overspend"] == "0.00"
    gifts = next(x for x in summary["categories"] if x["category"] == "gifts")
    assert gifts["remaining"] == "-1500.00"  # reported, not borne
    assert await staffing.events("staffing.expenses", "expense.budget-exceeded") == []


async def test_R_P2_bad_expenses_are_refused_and_change_nothing(staffing):
    c = staffing.client
    cm = await _cm(staffing, "X2")
    other = await _cm(staffing, "X3")
    me = staffing.as_(cm["id"], "cm")
    url = f"/managers/{cm['id']}/expenses"
    for body in (
        {"category": "gifts", "amount": "-5", "spent_on": str(TODAY)},
        {"category": "gifts", "amount": "0", "spent_on": str(TODAY)},
        {"category": "gifts", "amount": 12.5, "spent_on": str(TODAY)},
        {"category": "gifts", "amount": "12.345", "spent_on": str(TODAY)},
        {"category": "gifts", "amount": "ten", "spent_on": str(TODAY)},
        {"category": "bribes", "amount": "5", "spent_on": str(TODAY)},
        {"category": "gifts", "amount": "5", "spent_on": str(date(TODAY.year + 1, 1, 1))},
    ):
        response = await c.post(url, headers=me, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"]
    by_other = await c.post(
        url,
        headers=staffing.as_(other["id"], "cm"),
        json={"category": "gifts", "amount": "5", "spent_on": str(TODAY)},
    )
    assert by_other.status_code == 403
    assert (await c.get(url, headers=me)).json() == []
    assert (await c.get(f"/managers/{other['id']}/budget", headers=me)).status_code == 404


async def test_R_P2_year_close_publishes_overspend_once_and_closes_the_year(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    cm = await _cm(staffing, "X4")
    me = staffing.as_(cm["id"], "cm")
    last_december = str(date(LAST_YEAR, 12, 20))
    spending = [("entertainment", "2000.00"), ("entertainment", "1500.50")]
    spending += [("communication", "1200.00"), ("activities", "2000.00"), ("gifts", "1000.00")]
    for category, amount in spending:  # trainee: 7200.00 a year; 7700.50 spent
        r = await c.post(
            f"/managers/{cm['id']}/expenses",
            headers=me,
            json={"category": category, "amount": amount, "spent_on": last_december},
        )
        assert r.status_code == 201
    closed = await c.post(f"/expense-years/{LAST_YEAR}/closure", headers=hr)
    assert closed.json() == {"year": LAST_YEAR, "managers": 1, "total_overspend": "500.50"}
    event = (await staffing.wait_events("staffing.expenses", "expense.year-closed"))[0]
    assert event["payload"]["overspend"] == "500.50"
    assert event["payload"]["spent"]["entertainment"] == "3500.50"
    assert (await c.post(f"/expense-years/{LAST_YEAR}/closure", headers=hr)).status_code == 409
    late = await c.post(
        f"/managers/{cm['id']}/expenses",
        headers=me,
        json={"category": "gifts", "amount": "1", "spent_on": last_december},
    )
    assert late.status_code == 409
    this_year = await c.post(f"/expense-years/{TODAY.year}/closure", headers=hr)
    assert this_year.status_code == 422
    by_cm = await c.post(f"/expense-years/{LAST_YEAR}/closure", headers=me)
    assert by_cm.status_code == 403


async def test_R_P2_a_past_year_keeps_the_budget_of_the_grade_held_then(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    cm = await _cm(staffing, "X6")
    spending = [("entertainment", "3500.50"), ("communication", "1200.00")]
    spending += [("activities", "2000.00"), ("gifts", "1000.00")]
    for category, amount in spending:  # 7700.50: over the trainee's 7200.00, under the cm's 25600.00
        spent = {"category": category, "amount": amount, "spent_on": str(date(LAST_YEAR, 6, 1))}
        assert (await c.post(f"/managers/{cm['id']}/expenses", headers=hr, json=spent)).status_code == 201
    promoted = await c.post(
        f"/managers/{cm['id']}/grade", headers=hr, json={"to_grade": "cm", "reason": "R-Q8"}
    )
    assert promoted.status_code == 201, promoted.text
    summary = (await c.get(f"/managers/{cm['id']}/budget", headers=hr, params={"year": LAST_YEAR})).json()
    assert summary["grade"] == "trainee"  # the trainee's yearly budget of 7200.00, not the cm's 25600.00
    assert summary["overspend"] == "500.50"
    closed = await c.post(f"/expense-years/{LAST_YEAR}/closure", headers=hr)
    assert closed.json()["total_overspend"] == "500.50"
    event = (await staffing.wait_events("staffing.expenses", "expense.year-closed"))[0]
    assert event["payload"]["grade"] == "trainee"


async def test_R_P2_hr_resets_next_years_budget_by_grade(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    next_year = TODAY.year + 1
    body = {"grade": "trainee", "year": next_year, "budget": {"gifts": "1500.00"}, "reason": "prices up 5%"}
    assert (await c.put("/budgets", headers=hr, json=body)).status_code == 200
    assert (await c.put("/budgets", headers=hr, json={**body, "grade": "chief"})).status_code == 422
    assert (await c.put("/budgets", headers=hr, json={**body, "year": LAST_YEAR})).status_code == 422
    cm = await _cm(staffing, "X5")
    summary = (await c.get(f"/managers/{cm['id']}/budget", headers=hr, params={"year": next_year})).json()
    gifts = next(x for x in summary["categories"] if x["category"] == "gifts")
    assert gifts["budget"] == "1500.00"


async def test_R_I6_a_departed_cm_cannot_record_expenses(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    cm = await _cm(staffing, "X6")
    staff = (
        await c.post(
            "/staff",
            headers=hr,
            json={
                "employee_no": "X7",
                "name": "Not a CM",
                "branch": "b",
                "hire_date": "2010-01-01",
                "education": "college",
            },
        )
    ).json()
    refused = await c.post(
        f"/managers/{staff['id']}/expenses",
        headers=hr,
        json={"category": "gifts", "amount": "5", "spent_on": str(TODAY)},
    )
    assert refused.status_code == 422
    pending = await c.post(f"/managers/{cm['id']}/departure", headers=hr, json={"reason": "leaving"})
    assert pending.status_code == 202
    still = await c.post(
        f"/managers/{cm['id']}/expenses",
        headers=staffing.as_(cm["id"], "cm"),
        json={"category": "gifts", "amount": "5", "spent_on": str(TODAY)},
    )
    assert still.status_code == 201  # a CM waiting for audit still works and spends
    cleared = envelope_bytes(
        "audit.departure-cleared",
        cm["id"],
        {"audit_id": "da-9", "manager_id": cm["id"], "cleared_at": utcnow().isoformat(), "items_reviewed": 0},
        producer="audit",
    )
    await staffing.send_raw("audit.cases", cm["id"], cleared)

    async def departed():
        return (await c.get(f"/managers/{cm['id']}", headers=hr)).json()["status"] == "departed"

    await staffing.until(departed, what="the departure to complete")
    gone = await c.post(
        f"/managers/{cm['id']}/expenses",
        headers=hr,
        json={"category": "gifts", "amount": "5", "spent_on": str(TODAY)},
    )
    assert gone.status_code == 422
    assert "departed" in gone.json()["detail"]
