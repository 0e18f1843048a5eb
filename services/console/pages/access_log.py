"""Who read which customer (the customer service's access log), for auditors: filters and pages."""

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.pages.customers import manager_names
from services.console.pages.hr import paged
from services.console.web import Page, refusal, role_guard

router = APIRouter()
AuditorPage = Annotated[Page, role_guard("auditor", "admin")]
Day = Annotated[str | None, Query(max_length=10)]


def _day(text: str | None) -> date | None:
    """A yyyy-mm-dd from the form, or None (blank or not a date)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/audit/access-log")
async def access_log(
    page: AuditorPage,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    user: Annotated[str | None, Query(max_length=128)] = None,
    since: Day = None,
    until: Day = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Reads of customers, newest first, by customer, user and a date range (both days included, UTC)."""
    first, last = _day(since), _day(until)
    bad = [name for name, text, day in (("since", since, first), ("until", until, last)) if text and not day]
    filters = {"customer_id": customer_id or None, "user": user or None, "since": since, "until": until}
    params: dict[str, str | None] = {"customer_id": filters["customer_id"], "user": filters["user"]}
    if first:
        params["from"] = datetime.combine(first, time.min).isoformat() + "+00:00"
    if last:
        params["to"] = datetime.combine(last + timedelta(days=1), time.min).isoformat() + "+00:00"
    size = page.settings.page_size
    answer, names = await asyncio.gather(
        page.get("customer", "/access-log", limit=size + 1, offset=offset, **params), manager_names(page)
    )
    rows, has_next, total = paged(answer, size)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = refusal(answer.problem)
    context["field_errors"] |= {name: translate(N_("Enter a date as yyyy-mm-dd.")) for name in bad}
    return page.render(
        "access_log.html",
        422 if bad else 200,
        rows=rows,
        names=names,
        filters=filters,
        offset=offset,
        limit=size,
        total=total,
        has_next=has_next,
        base=f"/audit/access-log?{query}&" if query else "/audit/access-log?",
        **context,
    )
