"""Object level by office (issue 21): a branch's reader calling audit or appraisal with an id outside
their office subtree gets exactly what an unknown id gets.

The sibling of `test_object_level.py` (a CM with another CM's ids) for the office scope: each case is
called by every restricted role the route admits (a supervisor by default; an auditor and an HR user set
to `subtree`), with the ids of the south branch, and again with ids that exist nowhere; the answers must
be alike (404, or an empty list where an unknown id answers one). `test_every_id_route_a_branch_reader_
may_call_has_a_case` fails when audit or appraisal grows such a route without a case or a reason here.
"""

import uuid
from typing import Any

import pytest

from shared.auth import Role
from tests.inprocess import Offline, build_app, http_routes, migrations, offline_settings
from tests.integration.test_object_level import Case
from tests.integration.test_office_scope_appraisal import appraisal_world
from tests.integration.test_office_scope_audit import audit_world
from tests.support import running

FINDING = {"description": "outside", "severity": "low", "amount_at_risk": "1.00"}
OFFICE_CASES: dict[str, list[Case]] = {
    "audit": [
        Case("GET", "/departure-audits/{audit_id}"),
        Case("POST", "/departure-audits/{audit_id}/items/{item_id}/clear", {"note": "fine"}),
        Case("POST", "/departure-audits/{audit_id}/items/{item_id}/findings", FINDING),
        Case("POST", "/findings/{finding_id}/resolution", {"remediation": "fixed"}),
    ],
    "spot checks": [  # audit's too: their item ids are another sequence
        Case("GET", "/spot-checks/{check_id}"),
        Case("GET", "/spot-checks/{check_id}/reproduction"),
        Case("POST", "/spot-checks/{check_id}/items/{item_id}/clear", {"note": "fine"}),
        Case("POST", "/spot-checks/{check_id}/items/{item_id}/findings", FINDING),
    ],
    "appraisal": [
        Case("GET", "/cycles/{cycle_id}/results/{manager_id}"),
        Case(
            "POST",
            "/cycles/{cycle_id}/results/{manager_id}/in-kind",
            {"description": "rice", "value": "1.00"},
        ),
        Case("GET", "/cycles/{cycle_id}/managers/{manager_id}/evaluations"),
        Case(
            "POST",
            "/cycles/{cycle_id}/managers/{manager_id}/evaluations",
            {"source": "supervisor", "performance": "80", "ability": "80", "quality": "80"},
        ),
        Case("GET", "/cycles/{cycle_id}/managers/{manager_id}/sample"),
        Case("GET", "/ledger/customers/{customer_id}"),
        Case("GET", "/ledger/customers/{customer_id}/assignments"),
    ],
}
# Id routes a branch reader may call whose id names an object of the whole cooperative, with why.
LISTS = "a list or summary of the cycle, filtered to the caller's subtree (test_office_scope_appraisal)"
RUNS = "runs the cooperative's yearly appraisal (R-A1); what it shows is scoped where it is read"
NOT_AN_OFFICE_OBJECT: dict[str, dict[tuple[str, str], str]] = {
    "audit": {},
    "appraisal": {
        ("GET", "/cycles/{cycle_id}"): "the cooperative's yearly appraisal",
        **{("POST", f"/cycles/{{cycle_id}}/{p}"): RUNS for p in ("deadline", "compute", "finalize")},
        ("POST", "/cycles/{cycle_id}/corrections"): RUNS,
        ("POST", "/cycles/{cycle_id}/reminders"): "reminds only the owed evaluations inside the subtree",
        **{
            ("GET", f"/cycles/{{cycle_id}}/{p}"): LISTS
            for p in (
                "pools",
                "missing-evaluations",
                "reminders",
                "results",
                "summary",
                "summary/offices",
                "summary.svg",
                "export.xlsx",
            )
        },
    },
}
# Only these ids name something in an office; the others (a cycle, an item number) are kept as they are.
SCOPED_IDS = {"audit_id", "finding_id", "check_id", "manager_id", "customer_id"}
RESTRICTED = {Role.SUPERVISOR: "sup-n", Role.AUDITOR: "aud-n", Role.HR: "hr-n"}


@pytest.mark.parametrize("service", ["audit", "appraisal"])
def test_every_id_route_a_branch_reader_may_call_has_a_case(service, tmp_path):
    app = build_app(service, offline_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"))
    needed = {
        (method, r.path)
        for r in http_routes(app)
        if r.guards and r.path_params and r.allowed & RESTRICTED.keys()
        for method in r.methods
    }
    cases = OFFICE_CASES[service] + (OFFICE_CASES["spot checks"] if service == "audit" else [])
    covered = {(c.method, c.path) for c in cases} | NOT_AN_OFFICE_OBJECT[service].keys()
    assert needed - covered == set(), f"{service}: id routes a branch reader may call with no case"
    assert covered - needed == set(), f"{service}: cases for routes no branch reader may call"


async def _check(svc: Offline, cases: list[Case], ids: dict[str, Any]) -> None:
    """Each case, by each restricted role it admits, with the south's ids and with unknown ones."""
    allowed = {(m, r.path): r.allowed for r in http_routes(svc.app) for m in r.methods}
    unknown = {k: (f"x{uuid.uuid4().hex[:10]}" if k in SCOPED_IDS else v) for k, v in ids.items()}
    for case in cases:
        roles = [r for r in RESTRICTED if r in allowed[(case.method, case.path)]]
        assert roles, case
        for role in roles:
            h = svc.as_(RESTRICTED[role], role.value)
            theirs = await svc.client.request(case.method, case.url(ids), json=case.body, headers=h)
            nobodys = await svc.client.request(case.method, case.url(unknown), json=case.body, headers=h)
            where = (role.value, case.method, case.path)
            assert theirs.status_code == 404 or (theirs.status_code == 200 and theirs.json() == []), (
                where,
                theirs.text,
            )
            masked = theirs.text
            for key, value in ids.items():
                masked = masked.replace(str(value), str(unknown[key]))
            assert (theirs.status_code, masked) == (nobodys.status_code, nobodys.text), where


async def _place_hr(svc: Offline) -> None:
    body = {"user_id": "hr-n", "office_id": "o-n", "scope": "subtree"}
    await svc.deliver("staffing.offices", "office.staff-assigned", "hr-n", body)


async def test_a_branch_reader_cannot_reach_another_branchs_audit_work(database_url):
    settings = offline_settings("audit", database_url)
    app = build_app("audit", settings)
    async with running(app, migrations("audit")) as client:
        svc = Offline("audit", app, client, settings)
        audits = await audit_world(svc)
        await _place_hr(svc)
        auditor = svc.as_("aud-1", "auditor")
        audit = (await client.get(f"/departure-audits/{audits['m-s']}", headers=auditor)).json()
        finding = (await client.get("/findings?manager_id=m-s", headers=auditor)).json()[0]
        body = {"population": "customers", "sample_size": 4, "seed": 3}
        check = (await client.post("/spot-checks", headers=auditor, json=body)).json()
        ids = {"audit_id": audit["id"], "item_id": audit["items"][0]["id"], "finding_id": finding["id"]}
        await _check(svc, OFFICE_CASES["audit"], ids)
        # drawn from the whole cooperative: outside every branch
        ids = {"check_id": check["id"], "item_id": check["items"][0]["id"]}
        await _check(svc, OFFICE_CASES["spot checks"], ids)


async def test_a_branch_reader_cannot_reach_another_branchs_appraisal(database_url):
    settings = offline_settings("appraisal", database_url)
    app = build_app("appraisal", settings)
    async with running(app, migrations("appraisal")) as client:
        svc = Offline("appraisal", app, client, settings)
        cycle = await appraisal_world(svc)
        await _place_hr(svc)
        ids = {"cycle_id": cycle, "manager_id": "m-s", "customer_id": "c-m-s"}
        await _check(svc, OFFICE_CASES["appraisal"], ids)
