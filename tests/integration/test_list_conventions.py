"""Every list of every service: `limit` up to a documented maximum, the total, a `next` link (issue 14).

Lists keep a JSON array as body; `X-Total-Count` carries the total and `Link: <...>; rel="next"` (RFC 8288)
the next page. Every route refuses a query parameter it does not declare.
"""

import re
import typing
from typing import Any

import pytest

from shared.pagination import MAX_LIMIT, TOTAL_HEADER, page_params
from tests.inprocess import SERVICES, HttpRoute, _route_contexts, http_routes, serve_offline
from tests.integration.offline_support import offline, with_managers

NEXT = re.compile(r'^<([^>]+)>; rel="next"$')
REQUIRED: dict[str, dict[str, Any]] = {"/ledger/overspends": {"year": 2025}}  # required filters


def _uses(dependant: Any, call: Any) -> bool:
    return any(sub.call is call or _uses(sub, call) for sub in dependant.dependencies)


def list_routes(app: Any) -> list[tuple[HttpRoute, Any]]:
    """Every GET route whose answer is a JSON list, with its FastAPI route."""
    guarded = {(r.path, m): r for r in http_routes(app) for m in r.methods}
    found = []
    for ctx in _route_contexts(app):
        model = getattr(ctx, "response_model", None)
        if "GET" in (getattr(ctx, "methods", None) or ()) and typing.get_origin(model) is list:
            found.append((guarded[(str(ctx.path), "GET")], ctx))
    return found


async def _seed(svc: Any) -> None:
    """Two items in some root list of the service, so that a next link must appear."""
    if svc.name == "customer":
        sup = await with_managers(svc)
        for name in ("甲", "乙"):
            body = {"name": name, "kind": "farm_household", "primary_manager_id": "m-c"}
            assert (await svc.client.post("/customers", headers=sup, json=body)).status_code == 201
    elif svc.name == "staffing":
        for number in ("E-1", "E-2"):
            body = {"employee_no": number, "name": "王", "grade": "cm", "branch": "north"}
            assert (
                await svc.client.post("/managers", headers=svc.as_("hr-1", "hr"), json=body)
            ).status_code == 201
    elif svc.name == "appraisal":
        for manager_id in ("m-1", "m-2"):
            body = {"manager_id": manager_id, "employee_no": manager_id, "name": "王", "grade": "cm"}
            await svc.deliver(
                "staffing.managers",
                "manager.registered",
                manager_id,
                {**body, "branch": "n", "status": "active"},
            )
    else:
        for customer_id in ("c-1", "c-2"):
            balances = {"deposit": "0.00", "loan": "9.00", "overdue": "1.00", "as_of": "2026-01-31T00:00:00Z"}
            await svc.deliver(
                "corebanking.balances",
                "balance.reported",
                customer_id,
                {**balances, "customer_id": customer_id},
            )


@pytest.mark.parametrize("service", SERVICES)
async def test_every_list_route_pages_counts_links_and_refuses_unknown_parameters(service, tmp_path):
    problems: list[str] = []
    linked = 0
    async with serve_offline(service, tmp_path / "lists.db") as svc:
        await _seed(svc)
        routes = list_routes(svc.app)
        assert len(routes) >= 5
        spec = (await svc.client.get("/openapi.json")).json()
        for route, ctx in routes:
            where = f"GET {route.path}"
            if not _uses(ctx.dependant, page_params):
                problems.append(f"{where}: does not take the shared page (limit, offset)")
                continue
            limit = next(p for p in spec["paths"][route.path]["get"]["parameters"] if p["name"] == "limit")
            if limit["schema"].get("maximum") != MAX_LIMIT:
                problems.append(f"{where}: the maximum of limit is not documented")
            role = sorted(r.value for r in route.allowed)[0]
            headers = svc.as_(f"u-{role}", role)
            url = route.url()
            needed = REQUIRED.get(route.path, {})
            above = await svc.client.get(url, headers=headers, params={**needed, "limit": MAX_LIMIT + 1})
            if above.status_code != 422:
                problems.append(f"{where}: limit above {MAX_LIMIT} gave {above.status_code}")
            unknown = await svc.client.get(url, headers=headers, params={**needed, "limt": 5})
            if unknown.status_code != 422 or "limt" not in unknown.text:
                problems.append(f"{where}: an unknown parameter gave {unknown.status_code}")
            first = await svc.client.get(url, headers=headers, params={**needed, "limit": 1})
            if first.status_code == 404 and route.path_params:
                continue  # a random parent does not exist; the headers are checked where it does
            if first.status_code != 200:
                problems.append(f"{where}: {first.status_code} {first.text[:200]}")
                continue
            total = first.headers.get(TOTAL_HEADER)
            if total is None or not total.isdigit():
                problems.append(f"{where}: no {TOTAL_HEADER}")
                continue
            link = first.headers.get("Link")
            if int(total) > 1 and not (link and "offset=1" in link):
                problems.append(f"{where}: {total} items but no next link")
            linked += int(total) > 1
            if int(total) <= 1 and link:
                problems.append(f"{where}: a next link after the last page")
            if not isinstance(first.json(), list) or len(first.json()) > 1:
                problems.append(f"{where}: the body is not a list of at most `limit` items")
    assert problems == [], "\n".join(problems)
    assert linked, "no list had two items: the next link was never checked"


@pytest.mark.parametrize(("service", "path"), [("customer", "/healthz"), ("staffing", "/ladder")])
async def test_unknown_query_parameters_are_refused_on_every_route(service, path, tmp_path):
    async with serve_offline(service, tmp_path / "u.db") as svc:
        got = await svc.client.get(path, params={"brnach": "north"}, headers=svc.as_("hr-1", "hr"))
        assert got.status_code == 422, got.text
        assert "brnach" in got.text


async def _walk(client: Any, first: str, headers: dict[str, str]) -> tuple[list[Any], set[str]]:
    """Follow the next links from the first page; every item and the totals announced."""
    items: list[Any] = []
    totals: set[str] = set()
    url: str | None = first
    while url is not None:
        page = await client.get(url, headers=headers)
        assert page.status_code == 200, page.text
        items.extend(page.json())
        totals.add(page.headers[TOTAL_HEADER])
        link = NEXT.match(page.headers.get("Link", ""))
        url = link.group(1) if link else None
        assert len(items) < 100, "the links do not end"
    return items, totals


async def test_pages_follow_next_links_in_a_stable_order_on_both_databases(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        made = []
        for name in ("甲", "乙", "丙", "丁", "戊"):
            body = {"name": name, "kind": "farm_household", "primary_manager_id": "m-c", "branch": "north"}
            made.append((await svc.client.post("/customers", headers=sup, json=body)).json()["id"])
        items, totals = await _walk(svc.client, "/customers?branch=north&limit=2", sup)
        assert [i["id"] for i in items] == made  # file number order, each once
        assert totals == {"5"}
        items, totals = await _walk(
            svc.client, "/customers?q=%E4%B8%99&limit=2", sup
        )  # q=丙 survives the link
        assert [i["name"] for i in items] == ["丙"]
        assert totals == {"1"}
        rest = await svc.client.get("/customers", headers=sup, params={"limit": 2, "offset": 4})
        assert [i["id"] for i in rest.json()] == made[4:]
        assert "Link" not in rest.headers
