"""Issue 16: HR links a CM's sign-in login to their manager record; the other services resolve it.

Staffing keeps the link (one login per manager and cooperative, 409 on a login already linked) and
publishes `staff.login-linked` on `staffing.offices`; customer and appraisal (fed the event by hand, as
Kafka would hand it over) map the login in a provider's token to the manager id, on SQLite and PostgreSQL.
A CM whose login is not linked keeps today's "user id = manager id" convention.
"""

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.staffing.models import MESSAGING
from shared.consumer import Outcome
from shared.db import create_engine
from shared.timeutil import utcnow
from steward.issuer import LocalIssuer
from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.rules.test_appraisal_cycle import AT, YEAR
from tests.support import ORG, running

LOGIN = "zhang.san"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    """The identity provider on loopback."""
    running_issuer = LocalIssuer().start()
    yield running_issuer
    running_issuer.stop()


def _provider(issuer: LocalIssuer) -> dict[str, object]:
    """Settings trusting the provider, the login in `preferred_username` (shared-secret tokens still work)."""
    return {
        "oidc_jwks": issuer.jwks(),
        "oidc_issuer": issuer.url,
        "oidc_login_claim": "preferred_username",
        "login_link_cache_seconds": 0,  # a link is seen at once (by default an answer is reused 5 s)
    }


def _signed_in(issuer: LocalIssuer, login: str = LOGIN) -> dict[str, str]:
    """A CM's bearer header as the provider signs it: an opaque `sub`, the login in its own claim."""
    claims = {
        "sub": str(uuid.uuid4()),
        "preferred_username": login,
        "roles": ["cm"],
        "org_id": ORG,
        "iss": issuer.url,
        "aud": "steward",
        "iat": utcnow(),
        "exp": utcnow() + timedelta(minutes=5),
    }
    return {"Authorization": f"Bearer {issuer.sign(claims)}"}


async def _linked(svc: Offline, login: str, manager_id: str) -> None:
    body = {"login": login, "manager_id": manager_id}
    assert await svc.deliver("staffing.offices", "staff.login-linked", manager_id, body) == Outcome.APPLIED


async def test_hr_links_a_login_once_per_cooperative_and_staffing_publishes_it(database_url):
    settings = offline_settings("staffing", database_url)
    app = build_app("staffing", settings)
    async with running(app, migrations("staffing")) as c:
        svc = Offline("staffing", app, c, settings)
        hr = svc.as_("hr-1", "hr")
        ids = []
        for no in ("E-1", "E-2"):
            body = {"employee_no": no, "name": f"CM {no}", "grade": "cm", "branch": "north"}
            created = await c.post("/managers", headers=hr, json=body)
            assert created.status_code == 201, created.text
            ids.append(created.json()["id"])
        zhang, li = ids
        url = f"/managers/{zhang}/login"
        assert (await c.get(url, headers=hr)).status_code == 404
        linked = await c.put(url, headers=hr, json={"login": LOGIN})
        assert linked.status_code == 200, linked.text
        assert linked.json() == {"manager_id": zhang, "login": LOGIN}
        assert (await c.put(url, headers=hr, json={"login": LOGIN})).status_code == 200  # unchanged
        taken = await c.put(f"/managers/{li}/login", headers=hr, json={"login": LOGIN})
        assert taken.status_code == 409, taken.text
        assert taken.headers["content-type"].startswith("application/problem+json")
        assert zhang in taken.json()["detail"]
        assert (await c.put(url, headers=svc.as_(zhang, "cm"), json={"login": "x"})).status_code == 403
        assert (await c.put(url, headers=hr, json={"login": "two words"})).status_code == 422
        other_org = svc.as_("hr-9", "hr", org="another-rcc")
        assert (await c.put(url, headers=other_org, json={"login": "y"})).status_code == 404
        assert (await c.get(url, headers=svc.as_(zhang, "cm"))).json()["login"] == LOGIN
        assert (await c.get(url, headers=svc.as_(li, "cm"))).status_code == 404  # another CM's record

        engine = create_engine(database_url)
        try:
            async with engine.connect() as conn:
                rows = (
                    await conn.execute(
                        select(
                            MESSAGING.outbox.c.topic, MESSAGING.outbox.c.key, MESSAGING.outbox.c.value
                        ).where(MESSAGING.outbox.c.event_type == "staff.login-linked")
                    )
                ).all()
        finally:
            await engine.dispose()
        assert len(rows) == 1  # the repeat and the refused link published nothing
        topic, key, value = rows[0]
        assert topic.endswith("staffing.offices")
        assert key == zhang
        assert json.loads(value)["payload"] == {"login": LOGIN, "manager_id": zhang}


async def test_a_cm_signed_in_with_a_linked_login_sees_exactly_their_customers(database_url, issuer):
    settings = offline_settings("customer", database_url, **_provider(issuer))
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as c:
        svc = Offline("customer", app, c, settings)
        admin = svc.as_("admin-1", "admin")
        mine = set()
        for manager_id in ("m-zhang", "m-li"):
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
            for n in range(2):
                body = {
                    "name": f"Orchard {manager_id} {n}",
                    "kind": "corporate",
                    "primary_manager_id": manager_id,
                }
                created = await c.post("/customers", headers=admin, json=body)
                assert created.status_code == 201, created.text
                if manager_id == "m-zhang":
                    mine.add(created.json()["id"])

        zhang = _signed_in(issuer)
        before = await c.get("/customers", headers=zhang)
        assert before.status_code == 200
        assert before.json() == []  # not linked: the login is no manager id
        await _linked(svc, LOGIN, "m-zhang")
        listed = await c.get("/customers", headers=zhang)
        assert {x["id"] for x in listed.json()} == mine
        li_customer = (await c.get("/customers", headers=svc.as_("m-li", "cm"))).json()[0]["id"]
        assert (await c.get(f"/customers/{li_customer}", headers=zhang)).status_code == 404
        assert (await c.get("/customers", headers=_signed_in(issuer, "li.si"))).json() == []
        # the convention still holds for a CM whose login is not linked
        assert {x["id"] for x in (await c.get("/customers", headers=svc.as_("m-zhang", "cm"))).json()} == mine


async def test_a_cm_signed_in_with_a_linked_login_sees_their_own_appraisal_result(database_url, issuer):
    settings = offline_settings("appraisal", database_url, **_provider(issuer))
    app = build_app("appraisal", settings)
    async with running(app, migrations("appraisal")) as c:
        svc = Offline("appraisal", app, c, settings)
        for manager_id, customer in (("m-zhang", "c-1"), ("m-li", "c-2")):
            payload = {
                "manager_id": manager_id,
                "employee_no": manager_id.upper(),
                "name": f"CM {manager_id}",
                "grade": "cm",
                "branch": "north",
                "status": "active",
            }
            await svc.deliver("staffing.managers", "manager.registered", manager_id, payload, occurred_at=AT)
            assignment = {
                "customer_id": customer,
                "primary_manager_id": manager_id,
                "attribution_mode": "shares",
                "shares": {manager_id: "100"},
                "effective_from": AT,
            }
            await svc.deliver("customer.customers", "customer.assignment-changed", customer, assignment)
        await _linked(svc, LOGIN, "m-zhang")
        sup = svc.as_("sup-1", "supervisor")
        cycle = (await c.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 0})).json()
        scores = {"performance": "95", "ability": "90", "quality": "92"}
        zhang = _signed_in(issuer)
        for manager_id, own in (("m-zhang", zhang), ("m-li", svc.as_("m-li", "cm"))):
            url = f"/cycles/{cycle['id']}/managers/{manager_id}/evaluations"
            made = await c.post(url, headers=own, json={"source": "self", **scores})
            assert made.status_code == 201, made.text  # zhang.san evaluates themself as m-zhang
            assert (
                await c.post(url, headers=sup, json={"source": "supervisor", **scores})
            ).status_code == 201
        final = await c.post(f"/cycles/{cycle['id']}/finalize", headers=sup)
        assert final.status_code == 200, final.text

        assert [r["manager_id"] for r in (await c.get("/me/results", headers=zhang)).json()] == ["m-zhang"]
        base = f"/cycles/{cycle['id']}/results"
        assert (await c.get(f"{base}/m-zhang", headers=zhang)).status_code == 200
        assert (await c.get(f"{base}/m-li", headers=zhang)).status_code == 404
        assert [r["manager_id"] for r in (await c.get(base, headers=zhang)).json()] == ["m-zhang"]


async def test_audit_follows_the_link_and_a_relink_replaces_the_managers_old_login(database_url, issuer):
    settings = offline_settings("audit", database_url, **_provider(issuer))
    app = build_app("audit", settings)
    async with running(app, migrations("audit")) as c:
        svc = Offline("audit", app, c, settings)
        links, sessions = app.state.login_links, app.state.runtime.session_factory
        await _linked(svc, LOGIN, "m-zhang")
        assert await links.manager_of(sessions, ORG, LOGIN) == "m-zhang"
        await _linked(svc, "zhang.san2", "m-zhang")  # HR gave the CM a new login: the old one stops
        assert await links.manager_of(sessions, ORG, LOGIN) is None
        assert await links.manager_of(sessions, ORG, "zhang.san2") == "m-zhang"
        assert await links.manager_of(sessions, "another-rcc", "zhang.san2") is None
        mine = await c.get("/findings", headers=_signed_in(issuer, "zhang.san2"))
        assert mine.status_code == 200, mine.text
