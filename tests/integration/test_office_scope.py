"""Office data scope in customer service: a branch supervisor sees exactly their branch and its outlets.

The tree and who is where arrive on `staffing.offices` (fed by hand, as Kafka would hand them over), on
SQLite and PostgreSQL. Every list, search, export and summary answers inside the scope, and a customer
outside it answers exactly like an unknown one; management, the head office and users whose office is
unknown see the whole cooperative, as before.
"""

import uuid
from datetime import timedelta

from shared.timeutil import utcnow
from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.support import running

TODAY = utcnow().date()
OFFICES = (  # id, code, parent
    ("o-hq", "HQ", None),
    ("o-n", "N", "o-hq"),
    ("o-n1", "N1", "o-n"),
    ("o-n1a", "N1A", "o-n1"),
    ("o-s", "S", "o-hq"),
)
CMS = {"m-n": "o-n", "m-n1a": "o-n1a", "m-s": "o-s", "m-hq": "o-hq"}
STAFF = {  # user -> (office, scope)
    "sup-n": ("o-n", "default"),
    "sup-s": ("o-s", "default"),
    "sup-hq": ("o-hq", "default"),
    "aud-n": ("o-n", "subtree"),
    "aud-free": ("o-n", "default"),
    "sup-all": ("o-n", "all"),
    **{m: (o, "default") for m, o in CMS.items()},
}


async def _world(svc: Offline) -> dict[str, str]:
    """The tree, the staff, a CM per office and one customer served by each; customer ids by CM."""
    for office_id, code, parent in OFFICES:
        body = {"office_id": office_id, "code": code, "name": code, "parent_id": parent}
        await svc.deliver(
            "staffing.offices", "office.changed", office_id, body | {"effective_from": "2020-01-01"}
        )
    for user, (office, scope) in STAFF.items():
        body = {"user_id": user, "office_id": office, "scope": scope}
        await svc.deliver("staffing.offices", "office.staff-assigned", user, body)
    for manager_id in CMS:
        body = {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": manager_id,
            "grade": "cm",
            "branch": "x",
            "status": "active",
            "certified_until": "2099-01-01",
        }
        await svc.deliver("staffing.managers", "manager.registered", manager_id, body)
    admin = svc.as_("admin-1", "admin")
    ids = {}
    for manager_id in CMS:
        body = {"name": f"Orchard {manager_id}", "kind": "corporate", "primary_manager_id": manager_id}
        created = await svc.client.post("/customers", headers=admin, json=body)
        assert created.status_code == 201, created.text
        assert created.json()["office_id"] == CMS[manager_id]
        ids[manager_id] = created.json()["id"]
    return ids


async def _listed(svc: Offline, headers: dict[str, str], path: str = "/customers") -> set[str]:
    response = await svc.client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.text)
    return {c.get("id") or c["customer_id"] for c in response.json()}


async def test_a_branch_supervisor_sees_exactly_their_branch_with_its_outlets(database_url):
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as client:
        svc = Offline("customer", app, client, settings)
        ids = await _world(svc)
        north = {ids["m-n"], ids["m-n1a"]}
        everyone = set(ids.values())
        expected = {
            "sup-n": north,
            "aud-n": north,
            "sup-s": {ids["m-s"]},
            "sup-hq": everyone,
            "aud-free": everyone,  # an auditor is restricted only when set to `subtree`
            "sup-all": everyone,
            "sup-unknown": everyone,  # no office known: the cooperative, as before
        }
        for user, seen in expected.items():
            role = "auditor" if user.startswith("aud") else "supervisor"
            h = svc.as_(user, role)
            assert await _listed(svc, h) == seen, user
            assert await _listed(svc, h, "/value-review") == seen, user
            assert await _listed(svc, h, "/customers?q=Orchard") == seen, user
            export = await client.get("/customers/export?format=csv", headers=h)
            assert export.status_code == 200, export.text
            assert sum(f"Orchard {m}" in export.text for m in CMS) == len(seen), user
        assert await _listed(svc, svc.as_("mgmt-1", "management")) == everyone

        # outside the scope answers exactly like an unknown id
        sup_n = svc.as_("sup-n", "supervisor")
        outside, unknown = ids["m-s"], f"c-{uuid.uuid4().hex[:12]}"
        for path in (
            "/customers/{}",
            "/customers/{}/assignments",
            "/customers/{}/value",
            "/customers/{}/visits",
        ):
            theirs = await client.get(path.format(outside), headers=sup_n)
            nobodys = await client.get(path.format(unknown), headers=sup_n)
            assert theirs.status_code == nobodys.status_code == 404, (path, theirs.text)
            assert theirs.text.replace(outside, unknown) == nobodys.text, path
        patched = await client.patch(f"/customers/{outside}", headers=sup_n, json={"address": "x"})
        assert patched.status_code == 404
        inside = await client.get(f"/customers/{ids['m-n1a']}", headers=sup_n)
        assert inside.status_code == 200, inside.text

        # the outlet N1 moves to the south branch from tomorrow: today's scope is unchanged
        moved = {"office_id": "o-n1", "code": "N1", "name": "N1", "parent_id": "o-s"}
        tomorrow = str(TODAY + timedelta(days=1))
        await svc.deliver("staffing.offices", "office.changed", "o-n1", {**moved, "effective_from": tomorrow})
        assert await _listed(svc, sup_n) == north
        # ... and from today, it is in the south's scope
        await svc.deliver(
            "staffing.offices", "office.changed", "o-n1", moved | {"effective_from": str(TODAY)}
        )
        assert await _listed(svc, sup_n) == {ids["m-n"]}
        assert await _listed(svc, svc.as_("sup-s", "supervisor")) == {ids["m-s"], ids["m-n1a"]}
