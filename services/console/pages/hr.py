"""HR: the roll, one CM's page, departures and their audit's progress (R-Q7, R-I6)."""

import asyncio
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from services.console.formatting import today_in
from services.console.i18n import N_, translate
from services.console.web import Page, form_data, refusal, role_guard

router = APIRouter()
HRPage = Annotated[Page, role_guard("hr", "admin")]
Text = Annotated[str | None, Query(max_length=64)]
STATUSES = ("staff", "active", "departure_pending", "departed", "removed")
GRADES = ("senior", "cm", "trainee")
# The expiry warning window shown by default (R-Q7); the sweep's own setting decides the warnings.
EXPIRY_DAYS = 60


def paged(answer: Any, size: int) -> tuple[list[Any], bool, int | None]:
    """A page of rows, whether there is a next one, and the total when the service gives it."""
    rows = answer.or_default([])
    total = answer.headers.get("x-total-count")
    has_next = 'rel="next"' in answer.headers.get("link", "") or len(rows) > size
    return rows[:size], has_next, int(total) if total and total.isdigit() else None


@router.get("/hr/managers")
async def roll(
    page: HRPage,
    status: Annotated[
        Literal["staff", "active", "departure_pending", "departed", "removed", ""] | None, Query()
    ] = None,
    grade: Text = None,
    branch: Text = None,
    certification_expiring_before: Annotated[str | None, Query(max_length=10)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """The roll filtered by status, grade, branch and certification expiring before a date."""
    size = page.settings.page_size
    filters = {
        "status": status,
        "grade": grade,
        "branch": branch,
        "certification_expiring_before": certification_expiring_before,
    }
    answer = await page.get("staffing", "/managers", limit=size + 1, offset=offset, **filters)
    rows, has_next, total = paged(answer, size)
    query = urlencode({k: v for k, v in filters.items() if v})
    soon = today_in(page.settings.zone) + timedelta(days=EXPIRY_DAYS)
    return page.render(
        "hr_roll.html",
        rows=rows,
        filters=filters,
        statuses=STATUSES,
        grades=GRADES,
        offset=offset,
        limit=size,
        total=total,
        has_next=has_next,
        base=f"/hr/managers?{query}&" if query else "/hr/managers?",
        expiring_link=f"/hr/managers?status=active&certification_expiring_before={soon.isoformat()}",
        **refusal(answer.problem),
    )


async def manager_context(page: Page, manager_id: str) -> dict[str, Any]:
    """Everything a CM's HR page shows, fetched in parallel."""
    path = f"/managers/{manager_id}"
    record, grades, certs, teams, expenses, budget, audits = await asyncio.gather(
        page.get("staffing", path),
        page.get("staffing", f"{path}/grade-history"),
        page.get("staffing", f"{path}/certifications"),
        page.get("staffing", "/teams"),
        page.get("staffing", f"{path}/expenses"),
        page.get("staffing", f"{path}/budget"),
        page.get("audit", "/departure-audits", manager_id=manager_id),
    )
    if record.problem and record.problem.status in (403, 404, 422):
        raise HTTPException(404)
    manager = record.data if record.ok else {"id": manager_id}
    audit_list = audits.or_default([])
    return {
        "manager": manager,
        "grades": grades.or_default([]),
        "certs": certs.or_default([]),
        "teams": [
            t
            for t in teams.or_default([])
            if manager_id in t.get("member_ids", []) or t.get("lead_id") == manager_id
        ],
        "expenses": expenses.or_default([]),
        "budget": budget.data if budget.ok else None,
        "audit": audit_list[-1] if audit_list else None,
    }


@router.get("/hr/managers/{manager_id}")
async def manager_page(page: HRPage, manager_id: str) -> Response:
    """Grade history, certifications, teams, expenses against budget, departure and its audit."""
    return page.render("hr_manager.html", **await manager_context(page, manager_id), form={})


@router.get("/hr/managers/{manager_id}/departure")
async def departure_fragment(
    page: HRPage, manager_id: str, poll: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> Response:
    """The departure part of the page alone: htmx polls it, boundedly, while the audit runs (ADR 0009)."""
    record, audits = await asyncio.gather(
        page.get("staffing", f"/managers/{manager_id}"),
        page.get("audit", "/departure-audits", manager_id=manager_id),
    )
    if record.problem and record.problem.status in (403, 404, 422):
        raise HTTPException(404)
    audit_list = audits.or_default([])
    return page.render(
        "hr_departure.html",
        manager=record.data if record.ok else {"id": manager_id},
        audit=audit_list[-1] if audit_list else None,
        poll=poll,
    )


async def _post(page: Page, request: Request, path: str, body_of: Any) -> tuple[Any, dict[str, Any]]:
    form = await form_data(request, page)
    answer = await page.call(
        "staffing",
        "POST",
        path,
        json=body_of(form),
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    return answer, form


@router.post("/hr/managers/{manager_id}/departure")
async def request_departure(page: HRPage, request: Request, manager_id: str) -> Response:
    """The CM becomes departure-pending; audit opens the checklist (R-I6)."""
    answer, form = await _post(
        page,
        request,
        f"/managers/{manager_id}/departure",
        lambda f: {
            "reason": str(f.get("reason") or "").strip(),
            "intended_last_day": str(f.get("intended_last_day") or "") or None,
        },
    )
    if answer.ok:
        return page.redirect(f"/hr/managers/{manager_id}", translate(N_("The departure is requested.")))
    context = await manager_context(page, manager_id)
    return page.render("hr_manager.html", 422, **context, form=form, **refusal(answer.problem))


@router.post("/hr/managers/{manager_id}/departure/withdrawal")
async def withdraw_departure(page: HRPage, request: Request, manager_id: str) -> Response:
    """The CM stays; audit cancels the departure audit."""
    answer, form = await _post(
        page,
        request,
        f"/managers/{manager_id}/departure/withdrawal",
        lambda f: {"reason": str(f.get("reason") or "").strip()},
    )
    if answer.ok:
        return page.redirect(f"/hr/managers/{manager_id}", translate(N_("The departure is withdrawn.")))
    context = await manager_context(page, manager_id)
    return page.render("hr_manager.html", 422, **context, form=form, **refusal(answer.problem))


@router.post("/hr/managers/{manager_id}/certifications")
async def record_exam(page: HRPage, request: Request, manager_id: str) -> Response:
    """Exam results; the service weighs them against the grade's pass mark (R-Q6)."""
    answer, form = await _post(
        page,
        request,
        f"/managers/{manager_id}/certifications",
        lambda f: {
            k: str(f.get(k) or "").strip() for k in ("grade", "exam_date", "performance", "ability", "exam")
        },
    )
    if answer.ok:
        outcome = N_("Passed.") if answer.data.get("passed") else N_("Not passed.")
        return page.redirect(f"/hr/managers/{manager_id}", translate(outcome))
    context = await manager_context(page, manager_id)
    return page.render("hr_manager.html", 422, **context, form=form, **refusal(answer.problem))
