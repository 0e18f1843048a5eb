"""R-A3 reminders (issue 17): the supervisor reminds those who owe evaluations; recorded and published.

On the real broker, on SQLite and PostgreSQL.

In-process (tests.harness): the services' events are pumped, no broker.
"""

import pytest

from tests.rules.test_appraisal_cycle import YEAR, _manager

pytestmark = [pytest.mark.services("appraisal"), pytest.mark.usefixtures("database")]


async def test_R_A3_the_supervisor_reminds_those_who_owe_evaluations(appraisal):
    svc, c = appraisal, appraisal.client
    sup = svc.as_("sup-1", "supervisor")
    await _manager(svc, "m-1", "cm", "north")
    await _manager(svc, "m-2", "cm", "south")

    async def known() -> bool | None:
        return True if len((await c.get("/managers", headers=sup)).json()) == 2 else None

    await appraisal.until(known, what="the CMs")
    cycle = (await c.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 0})).json()
    url = f"/cycles/{cycle['id']}/reminders"
    own = {"source": "self", "performance": "90", "ability": "80", "quality": "70"}
    evaluations = f"/cycles/{cycle['id']}/managers/m-1/evaluations"
    given = await c.post(evaluations, headers=svc.as_("m-1", "cm"), json=own)
    assert given.status_code == 201, given.text
    owed = (await c.get(f"/cycles/{cycle['id']}/missing-evaluations", headers=sup)).json()

    assert (await c.post(url, headers=svc.as_("m-1", "cm"))).status_code == 403
    assert (await c.post(url, headers=svc.as_("mgmt-1", "management"))).status_code == 403
    other = await c.post(url, headers=svc.as_("sup-9", "supervisor", org="rcc-other"))
    assert other.status_code == 404
    sent = await c.post(url, headers=sup)
    assert sent.status_code == 201, sent.text
    assert {(r["manager_id"], r["source"]) for r in sent.json()} == {
        (m["manager_id"], m["source"]) for m in owed
    }
    assert ("m-1", "self") not in {(r["manager_id"], r["source"]) for r in sent.json()}
    assert all(r["reminded_by"] == "sup-1" for r in sent.json())

    listed = await c.get(url, headers=svc.as_("hr-1", "hr"))
    assert listed.status_code == 200
    assert len(listed.json()) == len(owed)
    events = await svc.wait_events("appraisal.results", "appraisal.evaluation-reminded", len(owed))
    assert {e["payload"]["manager_id"] for e in events} == {"m-1", "m-2"}
    assert all(e["payload"]["deadline"] == cycle["deadline"] for e in events)
