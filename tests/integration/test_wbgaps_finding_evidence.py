"""A departure-audit finding carries the auditor's evidence (issue 17), on SQLite and PostgreSQL."""

import uuid

from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.support import running

NOTE = "贷款档案第12页：无评估报告。"


async def _opened(svc: Offline, manager_id: str) -> dict:
    event_id = str(uuid.uuid4())
    requested = {"manager_id": manager_id, "requested_at": "2026-03-01T08:00:00+00:00", "reason": "moving"}
    await svc.deliver(
        "staffing.managers", "manager.departure-requested", manager_id, requested, event_id=event_id
    )
    portfolio = {
        "manager_id": manager_id,
        "departure_event_id": event_id,
        "as_of": "2026-03-01T08:00:00+00:00",
        "customers": [
            {"customer_id": "c-e1", "name": "Tea Farm", "kind": "farm_household", "role": "primary"}
        ],
    }
    await svc.deliver("customer.customers", "manager.portfolio-published", manager_id, portfolio)
    auditor = svc.as_("aud-1", "auditor")
    audits = (
        await svc.client.get("/departure-audits", headers=auditor, params={"manager_id": manager_id})
    ).json()
    assert audits, audits
    assert audits[0]["portfolio_received"], audits
    return audits[0]


async def test_an_auditor_records_evidence_with_a_finding_and_a_cm_does_not_see_it(database_url):
    settings = offline_settings("audit", database_url)
    app = build_app("audit", settings)
    async with running(app, migrations("audit")) as client:
        svc = Offline("audit", app, client, settings)
        opened = await _opened(svc, "m-e")
        base = f"/departure-audits/{opened['id']}/items/{opened['items'][0]['id']}/findings"
        auditor = svc.as_("aud-1", "auditor")
        too_long = {"description": "x", "severity": "low", "evidence": "证" * 4001}
        refused = await client.post(base, headers=auditor, json=too_long)
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        body = {"description": "抵押物评估缺失", "severity": "high", "evidence": f"  {NOTE} "}
        raised = await client.post(base, headers=auditor, json=body)
        assert raised.status_code == 201, raised.text
        assert raised.json()["evidence"] == [f"departure-audit:{opened['id']}", NOTE]
        listed = (await client.get("/findings", headers=auditor)).json()
        assert listed[0]["evidence"][-1] == NOTE
        mine = (await client.get("/findings", headers=svc.as_("m-e", "cm"))).json()
        assert [f["evidence"] for f in mine] == [[]]
