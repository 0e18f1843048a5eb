"""A branch supervisor brings in their own branch's customers: rows outside their office subtree are refused.

Customer service alone, on SQLite and PostgreSQL, with the tree and the staff fed as `staffing.offices`
would hand them over (the world of test_office_scope). Management imports anywhere, as before.
"""

from typing import Any

from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.integration.test_office_scope import _world
from tests.support import running


def _row(external_id: str, cm: str, office: str = "") -> dict[str, str]:
    return {
        "external_id": external_id,
        "name": f"茶园 {external_id}",
        "kind": "农户",
        "primary_employee_no": cm,
        "office_code": office,
    }


async def _post(svc: Offline, who: dict[str, str], rows: list[dict[str, str]], dry_run: bool) -> Any:
    body = {
        "file": "customers.csv",
        "dry_run": dry_run,
        "rows": [{"line": i + 2, "values": r} for i, r in enumerate(rows)],
    }
    response = await svc.client.post(
        "/imports/customers", json=body, headers=who | {"Accept-Language": "zh-CN"}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_branch_supervisor_imports_only_into_their_branch(database_url):
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as client:
        svc = Offline("customer", app, client, settings)
        await _world(svc)
        north = svc.as_("sup-n", "supervisor")
        inside = [_row("70001", "M-N"), _row("70002", "M-N1A", "N1")]
        outside = [_row("70003", "M-S"), _row("70004", "M-N", "S")]

        refused = await _post(svc, north, inside + outside, dry_run=False)
        assert (refused["refused"], refused["created"]) == (2, 0)  # the whole file or nothing
        assert {(p["line"], p["column"]) for p in refused["problems"]} == {
            (4, "office_code"),
            (5, "office_code"),
        }
        assert all("管辖" in p["message"] for p in refused["problems"])
        assert (await client.get("/customers?q=茶园", headers=north)).json() == []  # nothing was written

        done = await _post(svc, north, inside, dry_run=False)
        assert (done["created"], done["refused"]) == (2, 0)
        # a customer of the south branch, imported by management, is not the north supervisor's to change
        assert (await _post(svc, svc.as_("admin-1", "admin"), [_row("70005", "M-S")], dry_run=False))[
            "created"
        ] == 1
        moved = await _post(svc, north, [_row("70005", "M-N")], dry_run=True)
        assert [(p["line"], p["column"]) for p in moved["problems"]] == [(2, "external_id")]
        south = await _post(svc, svc.as_("sup-s", "supervisor"), [_row("70001", "M-S")], dry_run=True)
        assert [(p["line"], p["column"]) for p in south["problems"]] == [(2, "external_id")]
