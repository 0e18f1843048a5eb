"""My customers / the roster: search, filters, pages; one customer's file; exports (R-C4, R-C6, R-C7)."""

import asyncio
import time
from collections.abc import Awaitable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from services.console.backend import Answer
from services.console.i18n import N_, translate
from services.console.web import Page, StaffPage, form_data, refusal

router = APIRouter()
SECTIONS = ("finance", "production", "sales", "management", "industry_market")
Text = Annotated[str | None, Query(max_length=100)]


NAMES_SECONDS = 60.0


async def manager_names(page: Page) -> dict[str, str]:
    """Names of the cooperative's CMs as far as the user may read the roll (a CM: only themself).

    Kept on the session for a minute: every list and customer page shows them.
    """
    cached = page.user.cache.get("names")
    if cached and cached[0] > time.monotonic() and isinstance(cached[1], dict):
        return dict(cached[1])
    answer = await page.get("staffing", "/managers", limit=500)
    names = {m["id"]: m["name"] for m in answer.or_default([])}
    if page.user.has("cm"):
        names.setdefault(page.user.user_id, page.user.display_name)
    if answer.ok:
        page.user.cache["names"] = (time.monotonic() + NAMES_SECONDS, names)
    return names


@router.get("/customers")
async def customer_list(
    page: StaffPage,
    q: Text = None,
    importance: Annotated[Literal["core", "important", "ordinary", ""] | None, Query()] = None,
    compliant: Annotated[Literal["true", "false", ""] | None, Query()] = None,
    manager_id: Text = None,
    branch: Text = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Search by name, file number, phone or external id; filter; one page at a time."""
    size = page.settings.page_size
    filters = {
        "q": q,
        "importance": importance,
        "compliant": compliant,
        "manager_id": manager_id,
        "branch": branch,
    }
    answer, names = await asyncio.gather(
        page.get("customer", "/customers", limit=size + 1, offset=offset, **filters), manager_names(page)
    )
    rows = answer.or_default([])
    total = answer.headers.get("x-total-count")
    has_next = 'rel="next"' in answer.headers.get("link", "") or len(rows) > size
    query = urlencode({k: v for k, v in filters.items() if v})
    return page.render(
        "customers.html",
        rows=rows[:size],
        filters=filters,
        names=names,
        offset=offset,
        limit=size,
        total=int(total) if total and total.isdigit() else None,
        has_next=has_next,
        base=f"/customers?{query}&" if query else "/customers?",
        export_query=query,
        **refusal(answer.problem),
    )


@router.get("/customers/export")
async def export(
    page: StaffPage,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
    importance: Annotated[Literal["core", "important", "ordinary", ""] | None, Query()] = None,
    manager_id: Text = None,
    branch: Text = None,
) -> Response:
    """The roster as the customer service exports it, passed through to the browser."""
    answer = await page.call(
        "customer",
        "GET",
        "/customers/export",
        params={"format": format, "importance": importance, "manager_id": manager_id, "branch": branch},
        raw=True,
    )
    if not answer.ok:
        return page.render("error.html", status_code=502 if answer.unavailable else 400, status=502)
    media = answer.headers.get("content-type", "application/octet-stream")
    return Response(
        answer.content,
        media_type=media,
        headers={"Content-Disposition": answer.headers.get("content-disposition", "attachment")},
    )


async def customer_context(page: Page, customer_id: str) -> dict[str, Any]:
    """Everything one customer's page shows, fetched in parallel."""
    path = f"/customers/{customer_id}"
    calls: list[Awaitable[Answer]] = [
        page.get("customer", path),
        page.get("customer", f"{path}/assignments"),
        page.get("customer", f"{path}/visits"),
        page.get("customer", "/reports", customer_id=customer_id),
        page.get("customer", "/credit-recommendations"),
    ]
    answers, names = await asyncio.gather(asyncio.gather(*calls), manager_names(page))
    customer, history, visits, reports, recs = answers
    if customer.problem and customer.problem.status in (403, 404):
        raise HTTPException(404)
    return {
        "customer": customer.data if customer.ok else None,
        "history": history.or_default([]),
        "visits": visits.or_default([]),
        "reports": reports.or_default([]),
        "recommendations": [r for r in recs.or_default([]) if r.get("customer_id") == customer_id],
        "names": names,
        "customer_id": customer_id,
    }


@router.get("/customers/{customer_id}")
async def customer_page(page: StaffPage, customer_id: str) -> Response:
    """Roster, assignments, visits, reports, recommendations; value and file sections load when shown."""
    return page.render("customer.html", **await customer_context(page, customer_id))


@router.get("/customers/{customer_id}/value")
async def customer_value(page: StaffPage, customer_id: str) -> Response:
    """Value from balances and profit (R-C7) and satisfaction (R-M5); loaded into the customer page."""
    path = f"/customers/{customer_id}"
    customer, value, satisfaction = await asyncio.gather(
        page.get("customer", path),
        page.get("customer", f"{path}/value"),
        page.get("customer", f"{path}/satisfaction"),
    )
    if customer.problem and customer.problem.status in (403, 404):
        raise HTTPException(404)
    return page.render(
        "customer_value.html",
        customer_id=customer_id,
        customer_name=customer.data.get("name", customer_id) if customer.ok else customer_id,
        value=value.data if value.ok else None,
        satisfaction=satisfaction.data if satisfaction.ok else None,
    )


async def _file_page(page: Page, customer_id: str, status: int = 200, **context: Any) -> Response:
    path = f"/customers/{customer_id}"
    (customer, *sections), names = await asyncio.gather(
        asyncio.gather(
            page.get("customer", path), *(page.get("customer", f"{path}/sections/{s}") for s in SECTIONS)
        ),
        manager_names(page),
    )
    if customer.problem and customer.problem.status in (403, 404):
        raise HTTPException(404)
    return page.render(
        "customer_file.html",
        status_code=status,
        customer_id=customer_id,
        customer=customer.data if customer.ok else None,
        names=names,
        sections={s: a.or_default([]) for s, a in zip(SECTIONS, sections, strict=True)},
        **context,
    )


@router.get("/customers/{customer_id}/file")
async def customer_file(page: StaffPage, customer_id: str) -> Response:
    """The file sections with every version (R-C6); the customer page loads it when scrolled to."""
    return await _file_page(page, customer_id)


@router.post("/customers/{customer_id}/sections/{section}")
async def write_section(page: StaffPage, request: Request, customer_id: str, section: str) -> Response:
    """A new version of a file section (R-C6); the earlier ones stay."""
    if section not in SECTIONS:
        raise HTTPException(404)
    form = await form_data(request, page)
    answer = await page.call(
        "customer",
        "POST",
        f"/customers/{customer_id}/sections/{section}",
        json={"content": str(form.get("content", "")).strip()},
        idempotency_key=str(form.get("idempotency_key") or ""),
    )
    if answer.ok:
        return page.redirect(
            f"/customers/{customer_id}/file#{section}", translate(N_("Saved as a new version."))
        )
    return await _file_page(page, customer_id, 422, section_open=section, **refusal(answer.problem))


@router.get("/recommendations/{rec_id}/status")
async def recommendation_fragment(
    page: StaffPage, rec_id: str, poll: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> Response:
    """One recommendation alone: htmx polls it, boundedly, while risk has not decided (ADR 0009)."""
    answer = await page.get("customer", f"/credit-recommendations/{rec_id}")
    if answer.problem and answer.problem.status in (403, 404, 422):
        raise HTTPException(404)
    return page.render("recommendation.html", r=answer.or_default({"id": rec_id}), poll=poll)
