"""Office data scope in audit (issue 21): a branch supervisor sees exactly their branch's audit work.

The same tree and staff as customer's test (`test_office_scope`), fed as `staffing.offices` would hand
them over, on SQLite and PostgreSQL. Findings, the compliance summary, departure audits (list, waiting,
one audit, its checklist) and spot checks answer inside the caller's office subtree; an id outside it
answers exactly like an unknown id; management, the head office and unplaced users see everything.
"""

import uuid
from datetime import UTC, datetime

from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.integration.test_office_scope import CMS, OFFICES, STAFF
from tests.support import running

NORTH, SOUTH, EVERYONE = {"m-n", "m-n1a"}, {"m-s"}, set(CMS)
EXPECTED = {  # user, role -> the CMs whose audit work they see
    ("sup-n", "supervisor"): NORTH,
    ("aud-n", "auditor"): NORTH,
    ("sup-s", "supervisor"): SOUTH,
    ("sup-hq", "supervisor"): EVERYONE,
    ("aud-free", "auditor"): EVERYONE,  # an auditor is restricted only when set to `subtree`
    ("sup-all", "supervisor"): EVERYONE,
    ("sup-unknown", "supervisor"): EVERYONE,  # no office known: the cooperative, as before
    ("mgmt-1", "management"): EVERYONE,
}


async def place_staff(svc: Offline) -> None:
    """The office tree and who is where, on `staffing.offices`."""
    for office_id, code, parent in OFFICES:
        body = {"office_id": office_id, "code": code, "name": code, "parent_id": parent}
        await svc.deliver(
            "staffing.offices", "office.changed", office_id, body | {"effective_from": "2020-01-01"}
        )
    for user, (office, scope) in STAFF.items():
        body = {"user_id": user, "office_id": office, "scope": scope}
        await svc.deliver("staffing.offices", "office.staff-assigned", user, body)


async def audit_world(svc: Offline) -> dict[str, str]:
    """Each CM serves one customer, departs, and their audit has an open finding; audit ids by CM."""
    await place_staff(svc)
    now = datetime.now(UTC).isoformat()
    for m in CMS:
        assignment = {
            "customer_id": f"c-{m}",
            "primary_manager_id": m,
            "attribution_mode": "shares",
            "shares": {m: "100"},
            "effective_from": now,
        }
        await svc.deliver("customer.customers", "customer.assignment-changed", f"c-{m}", assignment)
        departure = str(uuid.uuid4())
        requested = {"manager_id": m, "requested_at": now, "reason": "leaving"}
        await svc.deliver(
            "staffing.managers", "manager.departure-requested", m, requested, event_id=departure
        )
        customer = {"customer_id": f"c-{m}", "name": f"Orchard {m}", "kind": "corporate", "role": "primary"}
        portfolio = {"manager_id": m, "departure_event_id": departure, "as_of": now, "customers": [customer]}
        await svc.deliver("customer.customers", "manager.portfolio-published", m, portfolio)
    auditor = svc.as_("aud-1", "auditor")
    audits = {a["manager_id"]: a for a in (await svc.client.get("/departure-audits", headers=auditor)).json()}
    assert set(audits) == EVERYONE
    for m, audit in audits.items():
        url = f"/departure-audits/{audit['id']}/items/{audit['items'][0]['id']}/findings"
        body = {"description": f"file of {m} missing", "severity": "high", "amount_at_risk": "100"}
        assert (await svc.client.post(url, headers=auditor, json=body)).status_code == 201
    return {m: a["id"] for m, a in audits.items()}


async def _managers(svc: Offline, headers: dict[str, str], path: str) -> set[str]:
    response = await svc.client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.text)
    return {row["manager_id"] for row in response.json()}


async def _same_as_unknown(
    svc: Offline, method: str, path: str, headers: dict[str, str], outside: str, body: object = None
) -> None:
    unknown = f"x-{uuid.uuid4().hex[:10]}"
    theirs = await svc.client.request(method, path.format(outside), headers=headers, json=body)
    nobodys = await svc.client.request(method, path.format(unknown), headers=headers, json=body)
    assert theirs.status_code == nobodys.status_code == 404, (path, theirs.text)
    assert theirs.text.replace(outside, unknown) == nobodys.text, path


async def test_a_branch_supervisor_sees_exactly_their_branchs_findings_and_departure_audits(database_url):
    settings = offline_settings("audit", database_url)
    app = build_app("audit", settings)
    async with running(app, migrations("audit")) as client:
        svc = Offline("audit", app, client, settings)
        audits = await audit_world(svc)
        for (user, role), seen in EXPECTED.items():
            h = svc.as_(user, role)
            for path in ("/findings", "/findings?severity=high&status=open", "/compliance/summary"):
                assert await _managers(svc, h, path) == seen, (user, path)
            assert await _managers(svc, h, "/departure-audits") == seen, user
            assert await _managers(svc, h, "/departure-audits/waiting") == seen, user
        assert await _managers(svc, svc.as_("sup-n", "supervisor"), "/findings?manager_id=m-s") == set()

        # outside the scope answers exactly like an unknown id, for reads and for the auditor's work
        aud_n, south = svc.as_("aud-n", "auditor"), audits["m-s"]
        await _same_as_unknown(svc, "GET", "/departure-audits/{}", svc.as_("sup-n", "supervisor"), south)
        await _same_as_unknown(svc, "GET", "/departure-audits/{}", aud_n, south)
        detail = (await client.get(f"/departure-audits/{south}", headers=svc.as_("aud-1", "auditor"))).json()
        item = detail["items"][0]["id"]
        clear = "/departure-audits/{}/items/" + str(item) + "/clear"
        await _same_as_unknown(svc, "POST", clear, aud_n, south, {"note": "fine"})
        found = await client.get("/findings?manager_id=m-s", headers=svc.as_("aud-1", "auditor"))
        finding = found.json()[0]["id"]
        await _same_as_unknown(svc, "POST", "/findings/{}/resolution", aud_n, finding, {"remediation": "x"})
        inside = await client.get(f"/departure-audits/{audits['m-n1a']}", headers=aud_n)
        assert inside.status_code == 200, inside.text


async def test_spot_checks_belong_to_the_office_they_were_drawn_in(database_url):
    settings = offline_settings("audit", database_url)
    app = build_app("audit", settings)
    async with running(app, migrations("audit")) as client:
        svc = Offline("audit", app, client, settings)
        await audit_world(svc)
        body = {"population": "customers", "sample_size": 10, "seed": 7}
        whole = await client.post("/spot-checks", headers=svc.as_("aud-1", "auditor"), json=body)
        north = await client.post("/spot-checks", headers=svc.as_("aud-n", "auditor"), json=body)
        assert whole.status_code == north.status_code == 201, (whole.text, north.text)
        # R-I5: a branch auditor draws from their branch's population only
        assert whole.json()["population_size"] == 4
        assert north.json()["population_size"] == 2
        assert {i["subject_id"] for i in north.json()["items"]} == {"c-m-n", "c-m-n1a"}
        checks = {"whole": whole.json()["id"], "north": north.json()["id"]}
        visible = {
            ("sup-n", "supervisor"): {"north"},
            ("aud-n", "auditor"): {"north"},
            ("sup-s", "supervisor"): set(),
            ("sup-hq", "supervisor"): {"whole", "north"},
            ("mgmt-1", "management"): {"whole", "north"},
        }
        for (user, role), names in visible.items():
            listed = await client.get("/spot-checks", headers=svc.as_(user, role))
            assert {c["id"] for c in listed.json()} == {checks[n] for n in names}, user
        sup_s = svc.as_("sup-s", "supervisor")
        await _same_as_unknown(svc, "GET", "/spot-checks/{}", sup_s, checks["north"])
        await _same_as_unknown(svc, "GET", "/spot-checks/{}/reproduction", sup_s, checks["north"])
        aud_n = svc.as_("aud-n", "auditor")
        await _same_as_unknown(svc, "GET", "/spot-checks/{}", aud_n, checks["whole"])
        item = whole.json()["items"][0]["id"]
        clear = "/spot-checks/{}/items/" + str(item) + "/clear"
        await _same_as_unknown(svc, "POST", clear, aud_n, checks["whole"], {"note": "fine"})
