"""Visits, plans, satisfaction and daily reports (R-D2, R-D3, R-M1..R-M5, R-W4, R-R3), on both databases.

In-process (tests.harness): the services' events are pumped, no broker.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.rules.test_customer_assignment import _managers

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]

NOW = datetime.now(UTC)
MAINTENANCE = {
    "greeted": True,
    "summarized_agreement": True,
    "asked_satisfaction": True,
    "stated_objectives": True,
    "listened": True,
    "asked_comments": True,
    "next_visit_on": (NOW + timedelta(days=30)).date().isoformat(),
}


def _maintenance(score: int, when: datetime = NOW - timedelta(hours=1)) -> dict:
    return {
        "kind": "maintenance",
        "occurred_at": when.isoformat(),
        "maintenance": MAINTENANCE,
        "satisfaction": score,
    }


async def _customer(customer, sup, importance="core") -> dict:
    return (
        await customer.client.post(
            "/customers",
            headers=sup,
            json={
                "name": "Ridge Farm",
                "kind": "farm_household",
                "primary_manager_id": "m-c",
                "importance": importance,
                "branch": "north",
            },
        )
    ).json()


async def test_R_D2_R_D3_a_sales_visit_needs_its_plan_and_reports_are_immutable_versions(customer):
    sup = await _managers(customer)
    c = customer.client
    cust = await _customer(customer, sup)
    cm = customer.as_("m-c", "cm")
    url = f"/customers/{cust['id']}/visits"
    record = {
        "introductions_made": True,
        "qualified_as": "prime",
        "agreement_checked": True,
        "motives": ["more_profit"],
        "pitch": "cold-chain loan",
    }
    no_plan = await c.post(
        url, headers=cm, json={"kind": "sales", "occurred_at": NOW.isoformat(), "sales": record}
    )
    assert no_plan.status_code == 422
    plan = {
        "preliminary_value_assessment": "worth developing: 300 mu orchard",
        "attendees": [{"manager_id": "m-c", "role": "lead"}],
        "scheduled_for": NOW.isoformat(),
        "method": "on-site",
        "questions": ["current lender?"],
    }
    future = await c.post(
        url,
        headers=cm,
        json={
            "kind": "sales",
            "occurred_at": (NOW + timedelta(hours=2)).isoformat(),
            "sales_plan": plan,
            "sales": record,
        },
    )
    assert future.status_code == 422
    assert "R-M2" in future.json()["detail"]
    filed = await c.post(
        url,
        headers=cm,
        json={
            "kind": "sales",
            "occurred_at": (NOW - timedelta(minutes=5)).isoformat(),
            "sales_plan": plan,
            "sales": record,
        },
    )
    assert filed.status_code == 201, filed.text
    fixed = (
        await c.post(
            url,
            headers=cm,
            json={
                "kind": "sales",
                "occurred_at": (NOW - timedelta(minutes=5)).isoformat(),
                "sales_plan": plan,
                "sales": {**record, "qualified_as": "ordinary"},
                "supersedes_id": filed.json()["id"],
            },
        )
    ).json()
    assert fixed["version"] == 2
    history = (await c.get(url, headers=cm)).json()
    assert sorted((v["version"], v["superseded"]) for v in history) == [(1, True), (2, False)]
    wrong = await c.post(
        url,
        headers=cm,
        json={
            "kind": "phone",
            "occurred_at": NOW.isoformat(),
            "phone": {"summary": "x"},
            "supersedes_id": fixed["id"],
        },
    )
    assert wrong.status_code == 422
    mixed = await c.post(
        url, headers=cm, json={"kind": "phone", "occurred_at": NOW.isoformat(), "maintenance": MAINTENANCE}
    )
    assert mixed.status_code == 422
    other = await c.post(url, headers=customer.as_("m-c2", "cm"), json=_maintenance(4))
    assert other.status_code == 404
    await customer.wait_events("customer.activities", "visit.filed", 2)


async def test_R_M5_falling_satisfaction_raises_one_warning(customer):
    sup = await _managers(customer)
    c = customer.client
    cust = await _customer(customer, sup)
    cm = customer.as_("m-c", "cm")
    for score in (5, 4, 2, 1, 1):
        assert (
            await c.post(f"/customers/{cust['id']}/visits", headers=cm, json=_maintenance(score))
        ).status_code == 201
    trend = (await c.get(f"/customers/{cust['id']}/satisfaction", headers=cm)).json()
    assert trend["scores"] == [5, 4, 2, 1, 1]
    assert trend["rolling_average"] == "1.33"
    assert trend["warning"] is True
    warnings = await customer.wait_events("customer.activities", "customer.dissatisfaction-warned")
    assert len(warnings) == 1
    assert warnings[0]["payload"]["rolling_average"] == "2.33"
    assert (
        await c.post(
            f"/customers/{cust['id']}/visits", headers=cm, json={**_maintenance(3), "satisfaction": 6}
        )
    ).status_code == 422


async def test_R_M4_R_M1_visit_schedule_by_importance_and_phone_calls_do_not_reset_it(customer):
    sup = await _managers(customer)
    c = customer.client
    core = await _customer(customer, sup, "core")
    ordinary = await _customer(customer, sup, "ordinary")
    cm = customer.as_("m-c", "cm")
    long_ago = NOW - timedelta(days=45)
    await c.post(f"/customers/{core['id']}/visits", headers=cm, json=_maintenance(4, long_ago))
    await c.post(
        f"/customers/{core['id']}/visits",
        headers=cm,
        json={
            "kind": "phone",
            "occurred_at": (NOW - timedelta(days=1)).isoformat(),
            "phone": {"summary": "checked in"},
        },
    )
    schedule = {d["customer_id"]: d for d in (await c.get("/visit-schedule", headers=cm)).json()}
    assert schedule[core["id"]]["next_due"] == (long_ago + timedelta(days=30)).date().isoformat()
    assert schedule[core["id"]]["overdue"] is True
    assert schedule[ordinary["id"]]["overdue"] is False
    overdue = (
        await c.get("/visit-schedule", headers=sup, params={"overdue": "true", "branch": "north"})
    ).json()
    assert [d["customer_id"] for d in overdue] == [core["id"]]
    assert (await c.get("/visit-schedule", headers=customer.as_("m-c2", "cm"))).json() == []


async def test_R_W4_daily_report_plan_then_outcome_by_the_cm_themself(customer):
    await _managers(customer)
    c = customer.client
    cm = customer.as_("m-c", "cm")
    today = NOW.date().isoformat()
    plan = {
        "tasks": [
            {"description": "visit Ridge Farm", "priority": "primary", "expected_result": "renewal"},
            {"description": "call the mill", "priority": "minor"},
        ]
    }
    url = f"/managers/m-c/days/{today}"
    assert (await c.put(f"{url}/outcome", headers=cm, json={"outcomes": []})).status_code == 422
    assert (await c.put(f"{url}/plan", headers=cm, json=plan)).status_code == 201
    assert (await c.put(f"{url}/plan", headers=cm, json=plan)).status_code == 409
    bad_priority = {"tasks": [{"description": "x", "priority": "urgent"}]}
    assert (await c.put(f"/managers/m-c/days/{today}/plan", headers=cm, json=bad_priority)).status_code == 422
    assert (await c.put(f"/managers/m-c2/days/{today}/plan", headers=cm, json=plan)).status_code == 403
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    assert (await c.put(f"/managers/m-c/days/{yesterday}/plan", headers=cm, json=plan)).status_code == 422
    outcome = {"outcomes": [{"task": 0, "done": True, "result": "renewed"}, {"task": 1, "done": False}]}
    assert (
        await c.put(f"{url}/outcome", headers=cm, json={"outcomes": [{"task": 5, "done": True}]})
    ).status_code == 422
    done = await c.put(f"{url}/outcome", headers=cm, json=outcome)
    assert done.status_code == 200
    assert done.json()["outcome"][0]["result"] == "renewed"
    assert (await c.get(url, headers=customer.as_("sup-1", "supervisor"))).status_code == 200
    assert (await c.get(url, headers=customer.as_("m-c2", "cm"))).status_code == 404


async def test_R_R3_a_correction_naming_another_cms_visit_answers_like_an_unknown_id(customer):
    sup = await _managers(customer)
    c = customer.client
    mine = await _customer(customer, sup)
    theirs = (
        await c.post(
            "/customers",
            headers=sup,
            json={"name": "Other Farm", "kind": "farm_household", "primary_manager_id": "m-c2"},
        )
    ).json()
    their_visit = await c.post(
        f"/customers/{theirs['id']}/visits", headers=customer.as_("m-c2", "cm"), json=_maintenance(4)
    )
    assert their_visit.status_code == 201, their_visit.text
    cm = customer.as_("m-c", "cm")
    url = f"/customers/{mine['id']}/visits"
    answers = []
    for target in (their_visit.json()["id"], "v-000000000000"):
        got = await c.post(url, headers=cm, json={**_maintenance(3), "supersedes_id": target})
        body = got.json()
        answers.append(
            (got.status_code, body.get("code"), body.get("title"), body["detail"].replace(target, "<id>"))
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 404
