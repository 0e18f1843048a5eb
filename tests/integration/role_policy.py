"""The expected role policy of every guarded route, written out (issue 19): who may call what.

The security matrix compares each route's guards with this table and calls each route with every role,
expecting exactly the roles listed here to pass. A new route, or a changed guard, fails the matrix until
this table says so too: a reviewer sees the policy change in the diff. To print the table of the code
as it is now (then review it before pasting): `python -m tests.integration.role_policy`.
"""

import json
import sys
import tempfile
from pathlib import Path

POLICY_FILE = Path(__file__).with_name("role_policy.json")


def expected() -> dict[str, dict[str, list[str]]]:
    """service -> "METHOD /path" -> the roles allowed, sorted."""
    policy: dict[str, dict[str, list[str]]] = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    return policy


def route_key(method: str, path: str) -> str:
    """How the table names a route."""
    return f"{method} {path}"


def current() -> dict[str, dict[str, list[str]]]:
    """The policy the guards implement today (for writing the table, never for the test)."""
    from tests.inprocess import SERVICES, build_app, http_routes, offline_settings

    table: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for service in SERVICES:
            app = build_app(service, offline_settings(service, f"sqlite+aiosqlite:///{tmp}/{service}.db"))
            rows = table.setdefault(service, {})
            for route in http_routes(app):
                if route.guards:
                    for method in sorted(route.methods):
                        rows[route_key(method, route.path)] = sorted(r.value for r in route.allowed)
    return {s: dict(sorted(rows.items())) for s, rows in table.items()}


if __name__ == "__main__":
    json.dump(current(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
