"""Object level: a CM calling any endpoint with another CM's id gets 403 or 404 and learns nothing.

Customer service is covered by test_customer_bola.py (on the real broker, both databases); this file
covers staffing (a CM's record, expenses, budget, certifications, grades, departure), audit (findings
about someone else) and appraisal (results, once it serves them to CMs), in-process on SQLite.
`test_every_id_route_open_to_cms_has_an_object_level_case` fails when a service grows a route that takes
an id and admits a CM without a case here (or in COVERED_ROUTES of test_customer_bola.py).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.auth import Role
from shared.consumer import Outcome
from shared.timeutil import utcnow
from tests.inprocess import SERVICES, Offline, build_app, http_routes, offline_settings, serve_offline
from tests.rules.test_customer_bola import COVERED_ROUTES as CUSTOMER_ROUTES

TODAY = utcnow().date()


@dataclass(frozen=True)
class Case:
    """A call a stranger CM makes with the owner's ids: `path` is a route template, filled from `ids`."""

    method: str
    path: str
    body: dict[str, Any] | None = None

    def url(self, ids: dict[str, str]) -> str:
        return self.path.format(**ids)


STAFFING_CASES = [
    Case("GET", "/managers/{manager_id}"),
    Case("GET", "/managers/{manager_id}/expenses"),
    Case(
        "POST",
        "/managers/{manager_id}/expenses",
        {"category": "gifts", "amount": "1.00", "spent_on": str(TODAY), "receipt_ref": "forged"},
    ),
    Case("GET", "/managers/{manager_id}/budget"),
    Case("GET", "/managers/{manager_id}/certifications"),
    Case("GET", "/managers/{manager_id}/grade-history"),
    Case("GET", "/managers/{manager_id}/login"),
    Case("GET", "/teams/{team_id}/members"),
    Case("POST", "/managers/{manager_id}/departure", {"reason": "pushed out"}),
    Case("POST", "/managers/{manager_id}/departure/withdrawal", {"reason": "kept in"}),
]

# ---- appraisal: EXTEND HERE when appraisal serves results to CMs ------------------------------------
# One Case per route that takes an id and admits a CM, e.g. Case("GET", "/results/{year}/{manager_id}").
# Placeholders are filled from what `_appraisal_world` returns; fill that in too (see its docstring).
APPRAISAL_CASES: list[Case] = [
    Case("GET", "/cycles/{cycle_id}/results/{manager_id}"),
    Case("GET", "/cycles/{cycle_id}/managers/{manager_id}/evaluations"),
    Case("PUT", "/cycles/{cycle_id}/pools/{team_id}", {"allocations": {"m-stranger": "1.00"}}),
]

CASES: dict[str, list[Case]] = {
    "staffing": STAFFING_CASES,
    "audit": [],  # a CM may only list findings (about themself): see the audit test below
    "appraisal": APPRAISAL_CASES,
}

# Id routes open to CMs whose id names nothing a CM owns (an object of the whole cooperative), with why.
# EXTEND HERE only with a reason; anything holding one CM's data needs a Case instead.
NOT_A_CMS_OBJECT: dict[str, dict[tuple[str, str], str]] = {
    "staffing": {},
    "audit": {},
    "appraisal": {
        ("GET", "/cycles/{cycle_id}"): "the cooperative's yearly appraisal; CMs may list them",
        ("GET", "/cycles/{cycle_id}/results"): "lists only the caller's own sheet (test_appraisal_access)",
        ("GET", "/cycles/{cycle_id}/missing-evaluations"): "lists only what the caller owes for their own",
        ("GET", "/cycles/{cycle_id}/pools"): "lists only the pools of teams the caller leads",
        ("POST", "/cycles/{cycle_id}/managers/{manager_id}/evaluations"): (
            "R-A3: a CM evaluates a colleague by design; a self or customer evaluation of another CM is "
            "refused (test_appraisal_cycle)"
        ),
    },
}


@pytest.mark.parametrize("service", SERVICES)
def test_every_id_route_open_to_cms_has_an_object_level_case(service, tmp_path):
    app = build_app(service, offline_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"))
    needed = {
        (method, r.path)
        for r in http_routes(app)
        if r.guards and r.path_params and Role.CM in r.allowed
        for method in r.methods
    }
    covered = CUSTOMER_ROUTES if service == "customer" else {(c.method, c.path) for c in CASES[service]}
    covered = covered | NOT_A_CMS_OBJECT.get(service, {}).keys()
    assert needed - covered == set(), f"{service}: id routes a CM may call with no object-level case"
    assert covered - needed == set(), f"{service}: cases for routes that no longer admit a CM"


def _absent(response_text: str, secrets: tuple[str, ...]) -> list[str]:
    return [s for s in secrets if s in response_text]


async def _check_cases(
    svc: Offline, cases: list[Case], stranger: dict[str, str], ids: dict[str, str], secrets: tuple[str, ...]
) -> None:
    """Each case with the owner's ids is refused like the same call with ids that exist nowhere."""
    unknown = {k: f"x{uuid.uuid4().hex[:10]}" for k in ids}
    for case in cases:
        theirs = await svc.client.request(case.method, case.url(ids), json=case.body, headers=stranger)
        nobodys = await svc.client.request(case.method, case.url(unknown), json=case.body, headers=stranger)
        where = f"{case.method} {case.path}"
        assert theirs.status_code in (403, 404), (where, theirs.status_code, theirs.text)
        assert _absent(theirs.text, secrets) == [], (where, theirs.text)
        # learns nothing: an owner's object and a missing one look alike
        assert theirs.status_code == nobodys.status_code, (where, theirs.text, nobodys.text)
        masked = theirs.text
        for key, value in ids.items():
            masked = masked.replace(value, unknown[key])
        assert masked == nobodys.text, (where, theirs.text, nobodys.text)


async def test_a_cm_cannot_reach_another_cms_staffing_record_expenses_or_departure(tmp_path):
    async with serve_offline("staffing", tmp_path / "staffing.db") as svc:
        c = svc.client
        hr = svc.as_("hr-1", "hr")

        async def onboard(no: str, name: str) -> str:
            response = await c.post(
                "/managers",
                headers=hr,
                json={"employee_no": no, "name": name, "grade": "trainee", "branch": "north"},
            )
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        owner_id = await onboard("E-SECRET-1", "Secret Spender")
        stranger_id = await onboard("E-2", "Nosy Neighbour")
        owner, stranger = svc.as_(owner_id, "cm"), svc.as_(stranger_id, "cm")
        spent = await c.post(
            f"/managers/{owner_id}/expenses",
            headers=owner,
            json={
                "category": "gifts",
                "amount": "12.34",
                "spent_on": str(TODAY),
                "receipt_ref": "secret-rcpt",
            },
        )
        assert spent.status_code == 201, spent.text
        lead = await c.post(
            "/managers",
            headers=hr,
            json={"employee_no": "E-SECRET-2", "name": "Secret Lead", "grade": "senior", "branch": "north"},
        )
        assert lead.status_code == 201, lead.text
        team = await c.post(
            "/teams",
            headers=hr,
            json={"name": "Secret Team", "lead_id": lead.json()["id"], "member_ids": [owner_id]},
        )
        assert team.status_code == 201, team.text
        secrets = ("Secret", "secret", "E-SECRET-1", "12.34")

        ids = {"manager_id": owner_id, "team_id": team.json()["id"]}
        await _check_cases(svc, STAFFING_CASES, stranger, ids, secrets)

        for path in ("/managers", "/managers?branch=north&grade=trainee&status=active&limit=50"):
            listed = await c.get(path, headers=stranger)
            assert listed.status_code == 200, listed.text
            assert [m["id"] for m in listed.json()] == [stranger_id], path
        applications = await c.get(f"/qualification-applications?staff_id={owner_id}", headers=stranger)
        assert applications.status_code in (200, 403, 404)
        assert _absent(applications.text, secrets) == []
        # nothing changed for the owner
        mine = (await c.get(f"/managers/{owner_id}", headers=owner)).json()
        assert mine["status"] == "active"
        expenses = (await c.get(f"/managers/{owner_id}/expenses", headers=owner)).json()
        assert [e["receipt_ref"] for e in expenses] == ["secret-rcpt"]


async def test_a_cm_sees_only_findings_about_themself_and_never_the_evidence(tmp_path):
    async with serve_offline("audit", tmp_path / "audit.db") as svc:
        departure_id = str(uuid.uuid4())
        now = datetime.now(UTC).isoformat()
        assert (
            await svc.deliver(
                "staffing.managers",
                "manager.departure-requested",
                "m-owner",
                {"manager_id": "m-owner", "requested_at": now, "reason": "leaving"},
                event_id=departure_id,
            )
            == Outcome.APPLIED
        )
        assert (
            await svc.deliver(
                "customer.customers",
                "manager.portfolio-published",
                "m-owner",
                {
                    "manager_id": "m-owner",
                    "departure_event_id": departure_id,
                    "as_of": now,
                    "customers": [
                        {
                            "customer_id": "c-secret",
                            "name": "Secret Orchard",
                            "kind": "corporate",
                            "role": "primary",
                        }
                    ],
                },
            )
            == Outcome.APPLIED
        )
        auditor = svc.as_("aud-1", "auditor")
        (audit,) = (await svc.client.get("/departure-audits", headers=auditor)).json()
        detail = (await svc.client.get(f"/departure-audits/{audit['id']}", headers=auditor)).json()
        item_id = detail["items"][0]["id"]
        raised = await svc.client.post(
            f"/departure-audits/{audit['id']}/items/{item_id}/findings",
            headers=auditor,
            json={"description": "Secret: loan file missing", "severity": "high", "amount_at_risk": "5000"},
        )
        assert raised.status_code == 201, raised.text

        stranger = svc.as_("m-stranger", "cm")
        for query in ("", "?manager_id=m-owner", "?customer_id=c-secret", "?status=open&severity=high"):
            response = await svc.client.get(f"/findings{query}", headers=stranger)
            assert response.status_code == 200, response.text
            assert response.json() == [], query

        own = (await svc.client.get("/findings", headers=svc.as_("m-owner", "cm"))).json()
        assert [(f["manager_id"], f["evidence"]) for f in own] == [("m-owner", [])]
        assert (await svc.client.get("/findings", headers=auditor)).json()[0]["evidence"] != []


async def _appraisal_world(svc: Offline) -> tuple[dict[str, str], tuple[str, ...]]:
    """A computed cycle with a result, an evaluation and a team pool of CM `m-owner`."""
    for manager_id in ("m-owner", "m-stranger"):
        registered = {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": f"CM {manager_id}",
            "grade": "cm",
            "branch": "north",
            "status": "active",
        }
        await svc.deliver("staffing.managers", "manager.registered", manager_id, registered)
    team = {"team_id": "t-lead", "name": "Owner team", "lead_id": "m-owner", "change": "formed"}
    await svc.deliver("staffing.managers", "team.changed", "t-lead", team)
    for customer_id, extra in (
        ("c-own", {"shares": {"m-owner": "100"}}),
        ("c-pool", {"attribution_mode": "team_pool", "team_id": "t-lead"}),
    ):
        assignment = {
            "customer_id": customer_id,
            "primary_manager_id": "m-owner",
            "attribution_mode": "shares",
            "effective_from": "2025-01-01T00:00:00+00:00",
            **extra,
        }
        await svc.deliver("customer.customers", "customer.assignment-changed", customer_id, assignment)
    for posting_id, customer_id, amount in (("p-1", "c-own", "4242.42"), ("p-2", "c-pool", "777.77")):
        posting = {
            "posting_id": posting_id,
            "customer_id": customer_id,
            "period": "2025-05",
            "product": "loans",
            "amount": amount,
            "posted_on": "2025-05-05",
        }
        await svc.deliver("corebanking.pnl", "profit.posted", customer_id, posting)
    sup = svc.as_("sup-1", "supervisor")
    opened = await svc.client.post("/cycles", headers=sup, json={"year": 2025, "sample_size": 0})
    assert opened.status_code == 201, opened.text
    cycle_id = opened.json()["id"]
    note = {"source": "self", "performance": "91", "ability": "92", "quality": "93", "comment": "secret note"}
    url = f"/cycles/{cycle_id}/managers/m-owner/evaluations"
    assert (await svc.client.post(url, headers=svc.as_("m-owner", "cm"), json=note)).status_code == 201
    assert (await svc.client.post(f"/cycles/{cycle_id}/compute", headers=sup)).status_code == 200
    ids = {"cycle_id": cycle_id, "manager_id": "m-owner", "team_id": "t-lead"}
    return ids, ("4242.42", "777.77", "secret note", "91.")


@pytest.mark.parametrize("case", APPRAISAL_CASES, ids=lambda c: f"{c.method} {c.path}")
async def test_a_cm_cannot_reach_another_cms_appraisal_results(case, tmp_path):
    async with serve_offline("appraisal", tmp_path / "appraisal.db") as svc:
        ids, secrets = await _appraisal_world(svc)
        await _check_cases(svc, [case], svc.as_("m-stranger", "cm"), ids, secrets)
