"""Grades over time (R-Q8), the ladder (R-Q3..R-Q5), teams (R-C2), through HTTP on both databases.

In-process (tests.harness): the services' events are pumped, no broker.
"""

import asyncio
from datetime import timedelta

import pytest

from shared.timeutil import utcnow
from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("staffing"), pytest.mark.usefixtures("database")]

TODAY = utcnow().date()


async def _cm(staffing, employee_no: str, grade: str = "cm", **extra) -> dict:
    response = await staffing.client.post(
        "/managers",
        headers=staffing.as_("hr-1", "hr"),
        json={
            "employee_no": employee_no,
            "name": f"CM {employee_no}",
            "grade": grade,
            "branch": "north",
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_R_Q8_a_proposal_takes_effect_only_when_another_hr_user_confirms(staffing):
    c = staffing.client
    hr1, hr2 = staffing.as_("hr-1", "hr"), staffing.as_("hr-2", "hr")
    cm = await _cm(staffing, "G1")
    proposal = (
        await c.post(
            "/grade-proposals",
            headers=hr1,
            json={
                "manager_id": cm["id"],
                "year": TODAY.year - 1,
                "kind": "promote",
                "reason": "profit above standard",
            },
        )
    ).json()
    assert proposal["to_grade"] == "senior"
    own = await c.post(
        f"/grade-proposals/{proposal['id']}/decision", headers=hr1, json={"confirm": True, "reason": "ok"}
    )
    assert own.status_code == 403
    assert (await c.get(f"/managers/{cm['id']}", headers=hr1)).json()["grade"] == "cm"
    confirmed = await c.post(
        f"/grade-proposals/{proposal['id']}/decision",
        headers=hr2,
        json={"confirm": True, "reason": "checked"},
    )
    assert confirmed.json()["status"] == "confirmed"
    assert (await c.get(f"/managers/{cm['id']}", headers=hr1)).json()["grade"] == "senior"
    history = (await c.get(f"/managers/{cm['id']}/grade-history", headers=hr1)).json()
    assert [(h["from_grade"], h["to_grade"], h["changed_by"]) for h in history] == [("cm", "senior", "hr-2")]
    changed = (await staffing.wait_events("staffing.managers", "manager.grade-changed"))[0]
    assert changed["payload"]["proposal_id"] == proposal["id"]
    twice = await c.post(
        f"/grade-proposals/{proposal['id']}/decision", headers=hr2, json={"confirm": True, "reason": "again"}
    )
    assert twice.status_code == 409


async def test_R_Q8_appraisal_results_arrive_as_pending_proposals_and_remove_takes_off_the_post(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    cm = await _cm(staffing, "G2", grade="trainee")
    proposed = envelope_bytes(
        "appraisal.grade-proposed",
        cm["id"],
        {
            "manager_id": cm["id"],
            "year": TODAY.year - 1,
            "kind": "remove",
            "reason": "missed the trainee standard",
        },
        org_id="rcc-test",
        actor={"kind": "user", "user_id": "sup-1", "roles": ["supervisor"]},
    )
    await staffing.send_raw("appraisal.results", cm["id"], proposed)

    async def pending():
        found = (await c.get("/grade-proposals", headers=hr, params={"status": "pending"})).json()
        return found or None

    (proposal,) = await staffing.until(pending, what="the proposal from the appraisal event")
    assert proposal["created_by"] == "sup-1"
    assert proposal["to_grade"] is None
    assert (await c.get(f"/managers/{cm['id']}", headers=hr)).json()["status"] == "active"
    await c.post(
        f"/grade-proposals/{proposal['id']}/decision", headers=hr, json={"confirm": True, "reason": "ok"}
    )
    after = (await c.get(f"/managers/{cm['id']}", headers=hr)).json()
    assert after["status"] == "removed"


async def test_R_Q8_hr_changes_a_grade_by_hand_with_a_reason(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    cm = await _cm(staffing, "G3")
    no_reason = await c.post(f"/managers/{cm['id']}/grade", headers=hr, json={"to_grade": "senior"})
    assert no_reason.status_code == 422
    unknown = await c.post(
        f"/managers/{cm['id']}/grade", headers=hr, json={"to_grade": "chief", "reason": "x"}
    )
    assert unknown.status_code == 422
    same = await c.post(f"/managers/{cm['id']}/grade", headers=hr, json={"to_grade": "cm", "reason": "x"})
    assert same.status_code == 422
    done = await c.post(
        f"/managers/{cm['id']}/grade",
        headers=hr,
        json={"to_grade": "trainee", "reason": "repeated complaints"},
    )
    assert done.status_code == 201
    assert done.json()["reason"] == "repeated complaints"
    by_cm = await c.post(
        f"/managers/{cm['id']}/grade",
        headers=staffing.as_(cm["id"], "cm"),
        json={"to_grade": "senior", "reason": "I deserve it"},
    )
    assert by_cm.status_code == 403


async def test_R_Q3_a_new_ladder_version_is_published_and_past_versions_are_kept(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    current = (await c.get("/ladder", headers=hr)).json()
    assert current["version"] == 0
    grades = current["grades"]
    grades[0]["expense_budget"]["gifts"] = "9000.00"
    grades.append({**grades[1], "code": "cm2", "name": "CM level 2", "level": 2})
    body = {"effective_from": str(TODAY), "reason": "price level 2026", "grades": grades}
    published = await c.post("/ladder/versions", headers=hr, json=body)
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 1
    now = (await c.get("/ladder", headers=staffing.as_("m-1", "cm"))).json()
    assert [g["code"] for g in now["grades"]] == ["senior", "cm", "cm2", "trainee"]
    assert now["grades"][0]["expense_budget"]["gifts"] == "9000.00"
    event = (await staffing.wait_events("staffing.managers", "ladder.published"))[0]
    assert event["payload"]["version"] == 1
    assert event["payload"]["grades"][0]["expense_budget"]["gifts"] == "9000.00"

    past = await c.post(
        "/ladder/versions", headers=hr, json={**body, "effective_from": str(TODAY - timedelta(1))}
    )
    assert past.status_code == 422
    bad_weights = [{**g, "weights": {"performance": "0.5", "ability": "0.5", "exam": "0.5"}} for g in grades]
    assert (
        await c.post("/ladder/versions", headers=hr, json={**body, "grades": bad_weights})
    ).status_code == 422
    float_money = [{**grades[0], "fixed_pay": 12000.5}, *grades[1:]]
    assert (
        await c.post("/ladder/versions", headers=hr, json={**body, "grades": float_money})
    ).status_code == 422
    assert len((await c.get("/ladder/versions", headers=hr)).json()) == 1


async def test_R_C2_teams_are_led_by_a_certified_senior_and_departing_cms_cannot_join(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    senior = await _cm(staffing, "T1", grade="senior")
    member = await _cm(staffing, "T2")
    other = await _cm(staffing, "T3")
    lapsed_senior = await _cm(staffing, "T4", grade="senior", certified_until=str(TODAY - timedelta(days=1)))

    by_cm = await c.post("/teams", headers=hr, json={"name": "North", "lead_id": member["id"]})
    assert by_cm.status_code == 422
    assert "senior" in by_cm.json()["detail"]
    by_lapsed = await c.post("/teams", headers=hr, json={"name": "North", "lead_id": lapsed_senior["id"]})
    assert "not certified" in by_lapsed.json()["detail"]

    team = (
        await c.post(
            "/teams",
            headers=hr,
            json={"name": "Hillside core customers", "lead_id": senior["id"], "member_ids": [member["id"]]},
        )
    ).json()
    assert team["member_ids"] == [senior["id"], member["id"]]
    await c.post(f"/managers/{other['id']}/departure", headers=hr, json={"reason": "leaving"})
    departing = await c.post(f"/teams/{team['id']}/members", headers=hr, json={"manager_id": other["id"]})
    assert departing.status_code == 422
    assert "R-I6" in departing.json()["detail"]
    twice = await c.post(f"/teams/{team['id']}/members", headers=hr, json={"manager_id": member["id"]})
    assert twice.status_code == 409

    left = (await c.delete(f"/teams/{team['id']}/members/{member['id']}", headers=hr)).json()
    assert left["member_ids"] == [senior["id"]]
    dissolved = (await c.post(f"/teams/{team['id']}/dissolution", headers=hr)).json()
    assert dissolved["dissolved_at"] is not None
    assert (await c.get("/teams", headers=hr)).json() == []
    changes = await staffing.wait_events("staffing.managers", "team.changed", count=3)
    assert [e["payload"]["change"] for e in changes] == ["formed", "member-left", "dissolved"]


async def test_R_I6_departure_can_be_withdrawn_and_concurrent_requests_lose_no_write(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    cm = await _cm(staffing, "D1")
    results = await asyncio.gather(
        *(
            c.post(f"/managers/{cm['id']}/departure", headers=hr, json={"reason": f"try {i}"})
            for i in range(4)
        )
    )
    assert sorted(r.status_code for r in results) == [202, 409, 409, 409]
    requested = await staffing.wait_events("staffing.managers", "manager.departure-requested")
    assert len(requested) == 1
    withdrawn = await c.post(
        f"/managers/{cm['id']}/departure/withdrawal", headers=hr, json={"reason": "stays"}
    )
    assert withdrawn.json()["status"] == "active"
    again = await c.post(f"/managers/{cm['id']}/departure/withdrawal", headers=hr, json={"reason": "stays"})
    assert again.status_code == 409
    await staffing.wait_events("staffing.managers", "manager.departure-withdrawn")
    other = await _cm(staffing, "D2")
    as_other = await c.post(
        f"/managers/{cm['id']}/departure",
        headers=staffing.as_(other["id"], "cm"),
        json={"reason": "not yours"},
    )
    assert as_other.status_code == 404
    past = await c.post(
        f"/managers/{cm['id']}/departure",
        headers=hr,
        json={"reason": "x", "intended_last_day": str(TODAY - timedelta(days=1))},
    )
    assert past.status_code == 422
