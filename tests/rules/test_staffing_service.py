"""Staffing through HTTP, on SQLite and PostgreSQL; in-process (tests.harness), its events read back."""

import pytest

pytestmark = [pytest.mark.services("staffing"), pytest.mark.usefixtures("database")]

NEW_CM = {"employee_no": "E100", "name": "Wang Fang", "grade": "cm", "branch": "east"}


async def test_registering_a_manager_publishes_manager_registered(staffing):
    client = staffing.client
    created = await client.post("/managers", json=NEW_CM, headers=staffing.as_("hr-1", "hr"))
    assert created.status_code == 201, created.text
    manager = created.json()
    assert manager["status"] == "active"
    assert manager["created_at"].endswith("Z")

    events = await staffing.events("staffing.managers")
    assert [e["event_type"] for e in events] == ["manager.registered"]
    envelope = events[0]
    assert envelope["key"] == manager["id"]
    assert envelope["org_id"] == "rcc-test"
    assert envelope["actor"]["user_id"] == "hr-1"
    assert envelope["payload"]["employee_no"] == "E100"


async def test_duplicate_employee_number_is_409_and_changes_nothing(staffing):
    client = staffing.client
    hr = staffing.as_("hr-1", "hr")
    assert (await client.post("/managers", json=NEW_CM, headers=hr)).status_code == 201
    again = await client.post("/managers", json={**NEW_CM, "name": "Someone Else"}, headers=hr)
    assert again.status_code == 409
    assert "E100" in again.json()["detail"]
    roll = await client.get("/managers", headers=hr)
    assert [m["name"] for m in roll.json()] == ["Wang Fang"]


async def test_R_I6_departure_request_makes_manager_pending_not_departed(staffing):
    client = staffing.client
    hr = staffing.as_("hr-1", "hr")
    manager = (await client.post("/managers", json=NEW_CM, headers=hr)).json()
    asked = await client.post(f"/managers/{manager['id']}/departure", json={"reason": "retiring"}, headers=hr)
    assert asked.status_code == 202
    assert asked.json()["status"] == "departure_pending"
    twice = await client.post(f"/managers/{manager['id']}/departure", json={"reason": "again"}, headers=hr)
    assert twice.status_code == 409


async def test_bad_input_is_422_with_a_message(staffing):
    client = staffing.client
    hr = staffing.as_("hr-1", "hr")
    bad_grade = await client.post("/managers", json={**NEW_CM, "grade": "general"}, headers=hr)
    assert bad_grade.status_code == 422
    extra = await client.post("/managers", json={**NEW_CM, "salary": 1}, headers=hr)
    assert extra.status_code == 422
    assert (await client.get("/managers", headers=hr)).json() == []


async def test_a_cm_sees_only_themself_and_cannot_register(staffing):
    client = staffing.client
    hr = staffing.as_("hr-1", "hr")
    first = (await client.post("/managers", json=NEW_CM, headers=hr)).json()
    second = (await client.post("/managers", json={**NEW_CM, "employee_no": "E101"}, headers=hr)).json()
    as_first = staffing.as_(first["id"], "cm")
    assert (await client.get(f"/managers/{first['id']}", headers=as_first)).status_code == 200
    assert (await client.get(f"/managers/{second['id']}", headers=as_first)).status_code == 404
    assert (await client.post("/managers", json=NEW_CM, headers=as_first)).status_code == 403
    other_org = staffing.as_("hr-9", "hr", org="rcc-other")
    assert (await client.get(f"/managers/{first['id']}", headers=other_org)).status_code == 404
    assert (await client.get("/managers")).status_code == 401


async def test_readers_read_only_hr_manages_and_lists_filter_and_paginate(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    for no, grade, branch in (("F1", "cm", "north"), ("F2", "senior", "north"), ("F3", "cm", "south")):
        await c.post(
            "/managers", headers=hr, json={"employee_no": no, "name": no, "grade": grade, "branch": branch}
        )
    for role in ("supervisor", "management", "auditor"):
        reader = staffing.as_(f"{role}-1", role)
        assert len((await c.get("/managers", headers=reader)).json()) == 3
        denied = await c.post("/managers", headers=reader, json={**NEW_CM, "employee_no": f"Z-{role}"})
        assert denied.status_code == 403
    assert (await c.get("/managers", headers=staffing.as_("r-1", "risk"))).status_code == 403
    by_grade = (await c.get("/managers", headers=hr, params={"grade": "cm", "branch": "north"})).json()
    assert [m["employee_no"] for m in by_grade] == ["F1"]
    page = (await c.get("/managers", headers=hr, params={"limit": 2, "offset": 1})).json()
    assert [m["employee_no"] for m in page] == ["F2", "F3"]
    assert (await c.get("/managers", headers=hr, params={"status": "departed"})).json() == []
    assert (await c.get("/managers", headers=hr, params={"status": "gone"})).status_code == 422
    assert (await c.get("/managers", headers=hr, params={"limit": 0})).status_code == 422


async def test_R_I6_only_audit_can_clear_a_departure(staffing):
    from tests.support import envelope_bytes

    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    manager = (await c.post("/managers", json=NEW_CM, headers=hr)).json()
    await c.post(f"/managers/{manager['id']}/departure", json={"reason": "leaving"}, headers=hr)
    forged = envelope_bytes(
        "audit.departure-cleared",
        manager["id"],
        {
            "audit_id": "da-x",
            "manager_id": manager["id"],
            "cleared_at": "2026-01-01T00:00:00+00:00",
            "items_reviewed": 0,
        },
        producer="customer",
    )
    await staffing.send_raw("audit.cases", manager["id"], forged)

    async def dead_lettered():
        return (
            await c.get("/admin/dead-letters", headers=staffing.as_("ops", "admin", "platform"))
        ).json() or None

    (letter,) = await staffing.until(dead_lettered, what="the forged clearance in the DLQ")
    assert "audit only" in letter["reason"]
    assert (await c.get(f"/managers/{manager['id']}", headers=hr)).json()["status"] == "departure_pending"
