"""Workbench II gaps in-process over a fake backend: the pool-split form names the lead's members."""

from tests.unit.console_fakes import CM_ID, _client, sign_in
from tests.unit.console_hr_fakes import T


def test_the_pool_split_form_names_the_leads_members_from_staffing(hr_fake):
    hr_fake.on("GET", "/cycles", body=[{"id": "y-2", "year": 2025, "version": 1, "status": "computed"}])
    hr_fake.on(
        "GET",
        "/cycles/y-2/pools",
        body=[{"team_id": "t-1", "amount": "5000.00", "allocated": False, "allocations": {}}],
    )
    team = {"id": "t-1", "name": "一组", "lead_id": CM_ID, "member_ids": [CM_ID, "m-x"]}
    hr_fake.on("GET", "/teams", body=[team | {"created_at": T, "dissolved_at": None}])
    members = [
        {"manager_id": CM_ID, "name": "李伟", "grade": "senior", "joined_at": T},
        {"manager_id": "m-x", "name": "赵敏", "grade": "cm", "joined_at": T},
    ]
    hr_fake.on("GET", "/teams/t-1/members", body=members)
    hr_fake.on("GET", "/managers", status=403, body={"title": "Forbidden", "status": 403, "detail": "x"})
    with _client(hr_fake) as client:
        sign_in(client, "cm", CM_ID)
        page = client.get("/my-results")
        assert page.status_code == 200
        assert 'name="share.m-x"' in page.text
        assert "赵敏" in page.text
    asked = [r.url.path for r in hr_fake.requests]
    assert "/teams/t-1/members" in asked
