"""`GET /customers/{id}` on its short path answers exactly as the ORM path does (issue 20), on both databases.

The read runs the visibility statement on the driver (services.customer.queries.reading). For every kind
of caller (a CM directly or through their team R-C2, office scope, the whole cooperative, another
cooperative) its answer is the one `files.get_customer` gives through the ORM, field for field, and a
customer the caller may not see answers 404 like an unknown one. On PostgreSQL, connections the database
dropped answer 503 (never 500) and are replaced at once.
"""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.customer.queries import files
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.runtime import Runtime
from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.support import ORG, running

OFFICES = (("o-hq", None), ("o-n", "o-hq"), ("o-s", "o-hq"))
CMS = {"m-a": "o-n", "m-b": "o-n", "m-c": "o-s", "m-d": "o-s"}
STAFF = {"sup-n": "o-n", "sup-s": "o-s", **CMS}
CALLERS = (  # user, role, cooperative
    ("admin-1", "admin", ORG),
    ("sup-n", "supervisor", ORG),
    ("sup-s", "supervisor", ORG),
    ("mgmt-1", "management", ORG),
    ("aud-1", "auditor", ORG),
    ("risk-1", "risk", ORG),
    ("m-a", "cm", ORG),
    ("m-b", "cm", ORG),
    ("m-c", "cm", ORG),
    ("m-d", "cm", ORG),  # serves nobody directly; a member of the team serving "pooled"
    ("admin-x", "admin", "rcc-other"),
)


async def _world(svc: Offline) -> dict[str, str]:
    """Offices, staff, four CMs, a team; a file reassigned once (an ended assignment) with balances."""
    for office_id, parent in OFFICES:
        body = {"office_id": office_id, "code": office_id, "name": office_id, "parent_id": parent}
        await svc.deliver(
            "staffing.offices", "office.changed", office_id, body | {"effective_from": "2020-01-01"}
        )
    for user, office in STAFF.items():
        body = {"user_id": user, "office_id": office, "scope": "default"}
        await svc.deliver("staffing.offices", "office.staff-assigned", user, body)
    for manager_id in CMS:
        registered = {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": manager_id,
            "grade": "senior",
            "branch": "north",
            "status": "active",
            "certified_until": "2099-01-01",
        }
        await svc.deliver("staffing.managers", "manager.registered", manager_id, registered)
    team = {
        "team_id": "t-1",
        "name": "South",
        "lead_id": "m-c",
        "member_ids": ["m-c", "m-d"],
        "change": "formed",
    }
    await svc.deliver("staffing.managers", "team.changed", "t-1", team)
    admin = svc.as_("admin-1", "admin")
    opened = {}
    for name, body in {
        "shared": {"primary_manager_id": "m-a", "co_manager_ids": ["m-b"], "address": "1 River Rd"},
        "pooled": {"primary_manager_id": "m-c", "team_id": "t-1", "classification": {"size": "small"}},
    }.items():
        created = await svc.client.post(
            "/customers",
            headers=admin,
            json={"name": f"Orchard {name}", "kind": "corporate", "id_document": "11010519491231002X"} | body,
        )
        assert created.status_code == 201, created.text
        opened[name] = created.json()["id"]
    moved = await svc.client.put(
        f"/customers/{opened['shared']}/assignment",
        headers=admin,
        json={"primary_manager_id": "m-b", "co_manager_ids": ["m-a"], "reason": "m-b knows the farm"},
    )
    assert moved.status_code == 200, moved.text
    balances = {
        "deposit": "1234.56",
        "loan": "100.00",
        "overdue": "0.05",
        "as_of": "2026-01-05T08:00:00+00:00",
    }
    await svc.deliver(
        "corebanking.balances",
        "balance.reported",
        opened["shared"],
        {"customer_id": opened["shared"], **balances},
    )
    return opened


async def _orm_answer(svc: Offline, customer_id: str, caller: Principal) -> dict[str, object] | None:
    runtime: Runtime = svc.app.state.runtime
    try:
        return (await files.get_customer(runtime.uow(), customer_id, caller)).model_dump(mode="json")
    except NotFound:
        return None


async def test_the_short_read_answers_as_the_orm_for_every_caller_and_hides_what_it_must(database_url):
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as client:
        svc = Offline("customer", app, client, settings)
        opened = await _world(svc)
        unknown = f"c-{uuid.uuid4().hex[:12]}"
        seen: dict[str, set[str]] = {}
        for user, role, org in CALLERS:
            caller = Principal(user_id=user, roles=frozenset({Role(role)}), org_id=org)
            for name, customer_id in (*opened.items(), ("unknown", unknown)):
                answer = await client.get(f"/customers/{customer_id}", headers=svc.as_(user, role, org=org))
                expected = await _orm_answer(svc, customer_id, caller)
                if expected is None:
                    assert answer.status_code == 404, (user, name, answer.text)
                    assert answer.json()["code"] == "not_found"
                else:
                    assert answer.status_code == 200, (user, name, answer.text)
                    assert answer.json() == expected, (user, name)
                    seen.setdefault(user, set()).add(name)
        # what the callers see follows role, office scope, service and team (not only agreement)
        assert seen == {
            "admin-1": {"shared", "pooled"},
            "sup-n": {"shared"},
            "sup-s": {"pooled"},
            "mgmt-1": {"shared", "pooled"},
            "aud-1": {"shared", "pooled"},
            "risk-1": {"shared", "pooled"},
            "m-a": {"shared"},
            "m-b": {"shared"},
            "m-c": {"pooled"},
            "m-d": {"pooled"},  # through team t-1 (R-C2)
        }
        shared = (await client.get(f"/customers/{opened['shared']}", headers=svc.as_("m-a", "cm"))).json()
        assert [(m["manager_id"], m["role"], m["share"]) for m in shared["managers"]] == [
            ("m-b", "primary", "50.00"),
            ("m-a", "co_manager", "50.00"),
        ]
        assert (shared["deposit_balance"], shared["overdue_balance"]) == ("1234.56", "0.05")
        assert shared["balances_as_of"] == "2026-01-05T08:00:00Z"
        assert shared["has_id_document"] is True


async def test_connections_the_database_dropped_answer_503_and_are_replaced(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL drops connections; SQLite has none to drop")
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as client:
        svc = Offline("customer", app, client, settings)
        opened = await _world(svc)
        path, admin = f"/customers/{opened['shared']}", svc.as_("admin-1", "admin")
        for _ in range(3):  # connections just used: the next checkout skips its ping
            assert (await client.get(path, headers=admin)).status_code == 200
        killer = create_async_engine(database_url)
        try:
            async with killer.connect() as conn:
                await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
        finally:
            await killer.dispose()
        statuses = [(await client.get(path, headers=admin)).status_code for _ in range(3)]
        assert set(statuses) <= {200, 503}, statuses
        assert statuses[-1] == 200, statuses
