"""A team's members by name for its lead (issue 17, R-A4 pool splits), on SQLite and PostgreSQL.

In-process (tests.harness): the services' events are pumped, no broker.
"""

import pytest

from tests.rules.test_staffing_grades_teams import _cm

pytestmark = [pytest.mark.services("staffing"), pytest.mark.usefixtures("database")]


async def test_a_team_lead_reads_their_members_names_and_nobody_elses(staffing):
    c = staffing.client
    hr = staffing.as_("hr-1", "hr")
    senior = await _cm(staffing, "L1", grade="senior")
    member = await _cm(staffing, "L2")
    stranger = await _cm(staffing, "L3")
    body = {"name": "Hillside", "lead_id": senior["id"], "member_ids": [member["id"]]}
    team = (await c.post("/teams", headers=hr, json=body)).json()
    url = f"/teams/{team['id']}/members"

    mine = await c.get(url, headers=staffing.as_(senior["id"], "cm"))
    assert mine.status_code == 200, mine.text
    assert [(m["manager_id"], m["name"]) for m in mine.json()] == [
        (senior["id"], "CM L1"),
        (member["id"], "CM L2"),
    ]
    assert (await c.get(url, headers=staffing.as_("sup-1", "supervisor"))).status_code == 200

    # a member who does not lead it, another CM and another cooperative get the unknown team's answer
    unknown = await c.get("/teams/t-unknown/members", headers=staffing.as_(senior["id"], "cm"))
    assert unknown.status_code == 404
    for headers in (
        staffing.as_(member["id"], "cm"),
        staffing.as_(stranger["id"], "cm"),
        staffing.as_(senior["id"], "cm", org="rcc-other"),
    ):
        refused = await c.get(url, headers=headers)
        assert refused.status_code == 404
        assert refused.json()["detail"] == unknown.json()["detail"].replace("t-unknown", team["id"])
    assert (await c.get(url, headers=staffing.as_("x", "integration"))).status_code == 403

    await c.delete(f"/teams/{team['id']}/members/{member['id']}", headers=hr)
    after = (await c.get(url, headers=staffing.as_(senior["id"], "cm"))).json()
    assert [m["manager_id"] for m in after] == [senior["id"]]
