"""HR: qualification applications (R-Q1, R-Q2) and grade proposals awaiting a second HR user (R-Q8)."""

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.pages.customers import manager_names
from services.console.pages.hr import HRPage, paged
from services.console.web import Page, form_data, refusal

router = APIRouter()
APPLICATION_STATUSES = ("ineligible", "pending_review", "approved", "rejected", "certified")
PROPOSAL_STATUSES = ("pending", "confirmed", "rejected")


async def _applications_page(
    page: Page, status: str | None, offset: int, code: int = 200, **extra: Any
) -> Response:
    size = page.settings.page_size
    answer, staff = await asyncio.gather(
        page.get("staffing", "/qualification-applications", status=status, limit=size + 1, offset=offset),
        page.get("staffing", "/managers", status="staff", limit=500),
    )
    rows, has_next, total = paged(answer, size)
    names = await manager_names(page)
    names.update({m["id"]: m["name"] for m in staff.or_default([])})
    return page.render(
        "hr_applications.html",
        code,
        rows=rows,
        names=names,
        staff_options=[
            (m["id"], f"{m['name']} · {m['employee_no']}")
            for m in sorted(staff.or_default([]), key=lambda m: m.get("name", ""))
        ],
        statuses=APPLICATION_STATUSES,
        status=status or "",
        offset=offset,
        limit=size,
        total=total,
        has_next=has_next,
        base=f"/hr/applications?status={status}&" if status else "/hr/applications?",
        form=extra.pop("form", {}),
        **(extra or refusal(answer.problem)),
    )


@router.get("/hr/applications")
async def applications(
    page: HRPage,
    status: Annotated[
        Literal["ineligible", "pending_review", "approved", "rejected", "certified", ""] | None, Query()
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Applications with each failed condition named (R-Q1) and their review (R-Q2)."""
    return await _applications_page(page, status, offset)


@router.post("/hr/applications")
async def apply(page: HRPage, request: Request) -> Response:
    """File an application; the service checks the conditions at once."""
    form = await form_data(request, page)
    body = {"staff_id": str(form.get("staff_id") or ""), "target_grade": str(form.get("target_grade") or "")}
    answer = await page.call(
        "staffing",
        "POST",
        "/qualification-applications",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        message = N_("The application is filed.")
        if answer.data.get("status") == "ineligible":
            message = N_("The application is filed; it does not meet the conditions (R-Q1).")
        return page.redirect("/hr/applications", translate(message))
    return await _applications_page(page, None, 0, 422, form=form, **refusal(answer.problem))


@router.post("/hr/applications/{application_id}/review")
async def review(page: HRPage, request: Request, application_id: str) -> Response:
    """Approve or reject with a reason; the service refuses the applicant reviewing themself (R-Q2)."""
    form = await form_data(request, page)
    body = {"approve": form.get("decision") == "approve", "reason": str(form.get("reason") or "").strip()}
    answer = await page.call(
        "staffing",
        "POST",
        f"/qualification-applications/{application_id}/review",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect("/hr/applications", translate(N_("The review is recorded.")))
    return await _applications_page(page, None, 0, 422, form=form, **refusal(answer.problem))


async def _proposals_page(
    page: Page, status: str | None, offset: int, code: int = 200, **extra: Any
) -> Response:
    size = page.settings.page_size
    answer, names = await asyncio.gather(
        page.get("staffing", "/grade-proposals", status=status, limit=size + 1, offset=offset),
        manager_names(page),
    )
    rows, has_next, total = paged(answer, size)
    return page.render(
        "hr_proposals.html",
        code,
        rows=rows,
        names=names,
        statuses=PROPOSAL_STATUSES,
        status=status or "",
        offset=offset,
        limit=size,
        total=total,
        has_next=has_next,
        base=f"/hr/grade-proposals?status={status}&" if status else "/hr/grade-proposals?",
        **(extra or refusal(answer.problem)),
    )


@router.get("/hr/grade-proposals")
async def proposals(
    page: HRPage,
    status: Annotated[Literal["pending", "confirmed", "rejected", ""] | None, Query()] = "pending",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Grade proposals; a second HR user confirms or rejects (R-Q8 maker-checker, enforced by the service)."""
    return await _proposals_page(page, status, offset)


@router.post("/hr/grade-proposals/{proposal_id}/decision")
async def decide(page: HRPage, request: Request, proposal_id: str) -> Response:
    """Send the decision; the maker's own attempt comes back refused with the rule."""
    form = await form_data(request, page)
    body = {"confirm": form.get("decision") == "confirm", "reason": str(form.get("reason") or "").strip()}
    answer = await page.call(
        "staffing",
        "POST",
        f"/grade-proposals/{proposal_id}/decision",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect("/hr/grade-proposals", translate(N_("The decision is recorded.")))
    return await _proposals_page(page, "pending", 0, 422, **refusal(answer.problem))


@router.get("/hr/grade-proposals/{proposal_id}/row")
async def proposal_row(
    page: HRPage, proposal_id: str, poll: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> Response:
    """One proposal's row alone: htmx polls it for its maker, boundedly, until it is decided (ADR 0009)."""
    answer, names = await asyncio.gather(
        page.get("staffing", f"/grade-proposals/{proposal_id}"), manager_names(page)
    )
    if answer.problem and answer.problem.status in (403, 404, 422):
        raise HTTPException(404)
    return page.render(
        "hr_proposal_row.html", p=answer.or_default({"id": proposal_id}), names=names, poll=poll
    )
