"""From staff to certified CM (R-Q1, R-Q2, R-Q6, R-Q7) through HTTP, on both databases.

In-process (tests.harness): the services' events are pumped, no broker.
"""

from datetime import timedelta

import pytest

from shared.timeutil import utcnow

pytestmark = [pytest.mark.services("staffing"), pytest.mark.usefixtures("database")]

TODAY = utcnow().date()
ELIGIBLE = {
    "employee_no": "S100",
    "name": "Zhou Jie",
    "branch": "east",
    "hire_date": str(TODAY - timedelta(days=5 * 366)),
    "education": "bachelor",
    "health_attested": True,
    "ethics_attested": True,
    "bad_business_record": False,
}


async def test_R_Q2_staff_become_cms_through_review_then_exam(staffing):
    hr, hr2 = staffing.as_("hr-1", "hr"), staffing.as_("hr-2", "hr")
    c = staffing.client
    staff = (await c.post("/staff", json=ELIGIBLE, headers=hr)).json()
    assert staff["status"] == "staff"
    assert staff["grade"] is None

    early = await c.post(
        f"/managers/{staff['id']}/certifications",
        headers=hr,
        json={"grade": "cm", "exam_date": str(TODAY), "performance": 90, "ability": 90, "exam": 90},
    )
    assert early.status_code == 422
    assert "R-Q2" in early.json()["detail"]

    applied = await c.post(
        "/qualification-applications", headers=hr, json={"staff_id": staff["id"], "target_grade": "cm"}
    )
    assert applied.status_code == 201
    application = applied.json()
    assert application["status"] == "pending_review"
    assert application["failed_conditions"] == []

    again = await c.post(
        "/qualification-applications", headers=hr, json={"staff_id": staff["id"], "target_grade": "cm"}
    )
    assert again.status_code == 409

    self_review = await c.post(
        f"/qualification-applications/{application['id']}/review",
        headers=staffing.as_(staff["id"], "hr"),
        json={"approve": True, "reason": "me"},
    )
    assert self_review.status_code == 403
    approved = await c.post(
        f"/qualification-applications/{application['id']}/review",
        headers=hr2,
        json={"approve": True, "reason": "all conditions met"},
    )
    assert approved.json()["status"] == "approved"
    assert approved.json()["reviewed_by"] == "hr-2"

    failed = await c.post(
        f"/managers/{staff['id']}/certifications",
        headers=hr,
        json={"grade": "cm", "exam_date": str(TODAY), "performance": 69.99, "ability": 70, "exam": 70},
    )
    assert failed.status_code == 201
    assert failed.json()["passed"] is False
    assert failed.json()["score"] == "69.99"
    assert (await c.get(f"/managers/{staff['id']}", headers=hr)).json()["status"] == "staff"

    passed = await c.post(
        f"/managers/{staff['id']}/certifications",
        headers=hr,
        json={"grade": "cm", "exam_date": str(TODAY), "performance": 80, "ability": 75, "exam": 70},
    )
    assert passed.json()["passed"] is True
    assert passed.json()["score"] == "75.50"
    cm = (await c.get(f"/managers/{staff['id']}", headers=hr)).json()
    assert cm["status"] == "active"
    assert cm["grade"] == "cm"
    assert cm["certified"] is True
    assert cm["certified_until"] == passed.json()["valid_until"]

    registered = await staffing.wait_events("staffing.managers", "manager.registered")
    certified = await staffing.wait_events("staffing.managers", "manager.certified")
    assert registered[0]["key"] == staff["id"]
    assert certified[0]["payload"]["score"] == "75.50"
    history = (await c.get(f"/managers/{staff['id']}/certifications", headers=hr)).json()
    assert [h["passed"] for h in history] == [True, False]


async def test_R_Q1_each_failed_condition_is_named_and_nothing_reaches_review(staffing):
    hr = staffing.as_("hr-1", "hr")
    c = staffing.client
    junior = {
        **ELIGIBLE,
        "employee_no": "S101",
        "hire_date": str(TODAY - timedelta(days=400)),
        "education": "vocational",
        "ethics_attested": False,
    }
    staff = (await c.post("/staff", json=junior, headers=hr)).json()
    result = (
        await c.post(
            "/qualification-applications",
            headers=hr,
            json={"staff_id": staff["id"], "target_grade": "trainee"},
        )
    ).json()
    assert result["status"] == "ineligible"
    assert [f.split(":")[0] for f in result["failed_conditions"]] == [
        "R-Q1 ethics",
        "R-Q1 service",
        "R-Q1 education",
    ]
    review = await c.post(
        f"/qualification-applications/{result['id']}/review",
        headers=staffing.as_("hr-2", "hr"),
        json={"approve": True, "reason": "x"},
    )
    assert review.status_code == 409
    retry = await c.post(
        "/qualification-applications", headers=hr, json={"staff_id": staff["id"], "target_grade": "trainee"}
    )
    assert retry.status_code == 201  # an ineligible application is not an active one


async def test_bad_input_is_refused_and_changes_nothing(staffing):
    hr = staffing.as_("hr-1", "hr")
    c = staffing.client
    future_hire = await c.post(
        "/staff", headers=hr, json={**ELIGIBLE, "hire_date": str(TODAY + timedelta(days=3))}
    )
    assert future_hire.status_code == 422
    assert "future" in future_hire.json()["detail"]
    staff = (await c.post("/staff", json=ELIGIBLE, headers=hr)).json()
    unknown = await c.post(
        "/qualification-applications", headers=hr, json={"staff_id": staff["id"], "target_grade": "general"}
    )
    assert unknown.status_code == 422
    assert "unknown grade" in unknown.json()["detail"]
    bad_education = await c.post(
        "/staff", headers=hr, json={**ELIGIBLE, "employee_no": "S7", "education": "phd"}
    )
    assert bad_education.status_code == 422
    cm = (
        await c.post(
            "/managers", headers=hr, json={"employee_no": "C1", "name": "A", "grade": "cm", "branch": "b"}
        )
    ).json()
    for body in (
        {"grade": "cm", "exam_date": str(TODAY), "performance": 101, "ability": 1, "exam": 1},
        {"grade": "cm", "exam_date": str(TODAY), "performance": "abc", "ability": 1, "exam": 1},
        {
            "grade": "cm",
            "exam_date": str(TODAY + timedelta(days=1)),
            "performance": 90,
            "ability": 90,
            "exam": 90,
        },
        {"grade": "senior", "exam_date": str(TODAY), "performance": 90, "ability": 90, "exam": 90},
    ):
        response = await c.post(f"/managers/{cm['id']}/certifications", headers=hr, json=body)
        assert response.status_code == 422, body
    assert (await c.get(f"/managers/{cm['id']}/certifications", headers=hr)).json() == []
    assert len((await c.get("/managers", headers=hr)).json()) == 2
    not_hr = await c.post(
        "/staff", json={**ELIGIBLE, "employee_no": "S9"}, headers=staffing.as_("sup", "supervisor")
    )
    assert not_hr.status_code == 403


async def test_R_Q7_expiry_is_warned_then_announced_once_and_counts_everywhere(staffing):
    hr = staffing.as_("hr-1", "hr")
    c = staffing.client
    soon = (
        await c.post(
            "/managers",
            headers=hr,
            json={
                "employee_no": "C2",
                "name": "Soon",
                "grade": "cm",
                "branch": "b",
                "certified_until": str(TODAY + timedelta(days=10)),
            },
        )
    ).json()
    lapsed = (
        await c.post(
            "/managers",
            headers=hr,
            json={
                "employee_no": "C3",
                "name": "Lapsed",
                "grade": "cm",
                "branch": "b",
                "certified_until": str(TODAY - timedelta(days=1)),
            },
        )
    ).json()
    fresh = (
        await c.post(
            "/managers", headers=hr, json={"employee_no": "C4", "name": "F", "grade": "cm", "branch": "b"}
        )
    ).json()
    assert lapsed["certified"] is False
    assert fresh["certified"] is True

    first = (await c.post("/certifications/expiry-sweep", headers=hr)).json()
    assert first == {"warned": [soon["id"]], "expired": [lapsed["id"]]}
    assert (await c.post("/certifications/expiry-sweep", headers=hr)).json() == {"warned": [], "expired": []}

    warning = (await staffing.wait_events("staffing.managers", "manager.certification-expiring"))[0]
    assert warning["payload"]["days_left"] == 10
    expired = (await staffing.wait_events("staffing.managers", "manager.certification-expired"))[0]
    assert expired["key"] == lapsed["id"]

    expiring = (
        await c.get(
            "/managers", headers=hr, params={"certification_expiring_before": str(TODAY + timedelta(days=30))}
        )
    ).json()
    assert {m["id"] for m in expiring} == {soon["id"], lapsed["id"]}
    too_long = await c.post(
        "/managers",
        headers=hr,
        json={
            "employee_no": "C5",
            "name": "L",
            "grade": "cm",
            "branch": "b",
            "certified_until": str(TODAY + timedelta(days=3 * 366)),
        },
    )
    assert too_long.status_code == 422
