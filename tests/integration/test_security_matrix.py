"""Role-by-endpoint matrix: every route of every service, called with a token of every role.

Routes are enumerated from each app, so endpoints added later are covered without touching this file.
The allowed roles of a route are those the explicit policy table `role_policy.json` lists (not what the
guards say: the guards are what is tested); a route missing from the table, or whose guards admit other
roles than the table, fails. A disallowed role must get the
guard's 403 (before the body or the path is even validated); an allowed role must get past the guard:
any answer but 401, the guard's 403 or a 5xx (with random ids and an empty body that is mostly 404 or
422). A route with no role guard fails the test unless it is one of the public operations routes.

In-process, without a broker, on SQLite only: role checks do not depend on the database, and the
service tests run both databases.
"""

from typing import Any

import httpx
import pytest

from shared.auth import ROLE_DENIED_PREFIX, Role
from tests.inprocess import (
    PUBLIC_PATHS,
    PUBLIC_PROBE,
    SERVICES,
    HttpRoute,
    Offline,
    build_app,
    http_routes,
    offline_settings,
    serve_offline,
)
from tests.integration.role_policy import expected, route_key

WRITE = {"POST", "PUT", "PATCH", "DELETE"}


def _routes(service: str, tmp_path: Any) -> list[HttpRoute]:
    app = build_app(service, offline_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'routes.db'}"))
    return http_routes(app)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_has_a_role_guard_unless_it_is_public(service, tmp_path):
    routes = _routes(service, tmp_path)
    assert any(r.guards for r in routes), "no guarded route found: is the enumeration broken?"
    unguarded = [
        f"{'/'.join(sorted(r.methods)) or 'MOUNT'} {r.path}"
        for r in routes
        if not r.guards and r.path not in PUBLIC_PATHS
    ]
    assert unguarded == [], f"routes of {service} without require_roles(...): {unguarded}"
    empty = [r.path for r in routes if r.guards and not r.allowed]
    assert empty == [], f"routes no role can call: {empty}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_guards_implement_the_expected_policy_table(service, tmp_path):
    table = expected()[service]
    implemented = {
        route_key(method, r.path): sorted(role.value for role in r.allowed)
        for r in _routes(service, tmp_path)
        if r.guards
        for method in r.methods
    }
    missing = sorted(set(implemented) - set(table))
    assert missing == [], f"routes of {service} not in tests/integration/role_policy.json: {missing}"
    stale = sorted(set(table) - set(implemented))
    assert stale == [], f"policy entries of {service} with no route: {stale}"
    differ = {k: (table[k], v) for k, v in implemented.items() if table[k] != v}
    assert differ == {}, f"{service}: expected roles vs what the guards admit: {differ}"


def _is_guard_denial(response: httpx.Response) -> bool:
    if response.status_code != 403:
        return False
    problem = response.json()
    detail = problem.get("detail")
    return problem.get("code") == "role_required" and detail.startswith(ROLE_DENIED_PREFIX)


async def _call(
    svc: Offline, method: str, url: str, body: Any, headers: dict[str, str]
) -> httpx.Response | str:
    try:
        return await svc.client.request(method, url, json=body, headers=headers)
    except Exception as exc:  # an unhandled error in the app: the 500 a client would see
        return f"raised {type(exc).__name__}: {exc}"


@pytest.mark.parametrize("service", SERVICES)
async def test_only_the_allowed_roles_pass_the_role_check_of_every_route(service, tmp_path):
    problems: list[str] = []
    calls = 0
    table = expected()[service]
    async with serve_offline(service, tmp_path / "matrix.db") as svc:
        for route in http_routes(svc.app):
            if not route.guards:
                continue
            for method in sorted(route.methods):
                listed = table.get(route_key(method, route.path))
                if listed is None:
                    problems.append(f"{method} {route.path}: not in the policy table")
                    continue
                allowed = {Role(r) for r in listed}
                url = route.url()
                body = {} if route.has_body or method in WRITE else None
                where = f"{method} {route.path}"
                callers: list[tuple[str, dict[str, str], bool]] = [
                    ("no token", {}, False),
                    ("no role", svc.as_("u-none"), False),
                    *((role.value, svc.as_(f"u-{role.value}", role.value), role in allowed) for role in Role),
                ]
                for who, headers, may in callers:
                    calls += 1
                    got = await _call(svc, method, url, body, headers)
                    if isinstance(got, str):
                        problems.append(f"{where} as {who}: {got}")
                        continue
                    status = got.status_code
                    if status >= 500:
                        problems.append(f"{where} as {who}: {status} {got.text[:200]}")
                    elif who == "no token":
                        if status != 401:
                            problems.append(f"{where} without a token: {status}, expected 401")
                    elif may and (status == 401 or _is_guard_denial(got)):
                        problems.append(f"{where} as allowed {who}: {status} {got.text[:200]}")
                    elif not may and not _is_guard_denial(got):
                        problems.append(f"{where} as disallowed {who}: {status}, expected the role 403")
        for path in sorted(PUBLIC_PATHS):
            response = await svc.client.get(PUBLIC_PROBE.get(path, path))
            # /readyz is 503 here by design: there is no broker.
            if response.status_code not in ((200, 503) if path == "/readyz" else (200,)):
                problems.append(f"public GET {path}: {response.status_code}")
    assert calls > 0
    assert problems == [], f"{len(problems)} of {calls} calls went wrong:\n" + "\n".join(problems)


async def test_a_disallowed_role_gets_403_even_with_a_malformed_body_and_path(tmp_path):
    """The role check runs before validation: a caller without the role learns nothing about the input."""
    async with serve_offline("audit", tmp_path / "order.db") as svc:
        cm = svc.as_("m-1", "cm")
        for method, url, body in (
            ("POST", "/departure-audits/a-1/items/not-a-number/clear", {"note": 12345}),
            ("PUT", "/compliance/settings", {"visit_interval_days": "many"}),
            ("POST", "/spot-checks", ["not", "an", "object"]),
        ):
            response = await svc.client.request(method, url, json=body, headers=cm)
            assert _is_guard_denial(response), (method, url, response.status_code, response.text)
