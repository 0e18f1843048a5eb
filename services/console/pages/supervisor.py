"""A supervisor's branch: overview, assignments, bulk reassignment, teams (R-C1, R-C2, R-C3, R-Q5, R-M4)."""

import asyncio
import re
from collections import Counter, defaultdict
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console.backend import RULE_ID, Problem
from services.console.i18n import N_, translate
from services.console.pages.customers import manager_names
from services.console.web import Page, SupervisorPage, as_list, form_data, refusal

router = APIRouter()
STAGES = ("target", "contacted", "visited", "proposal", "won", "lost")


@router.get("/overview")
async def overview(page: SupervisorPage) -> Response:
    """Customers per CM, non-compliant customers with the reason, overdue visits by CM, waiting, pipeline."""
    schedule, noncompliant, recs, targets, managers = await asyncio.gather(
        page.get("customer", "/visit-schedule"),
        page.get("customer", "/customers", compliant="false", limit=200),
        page.get("customer", "/credit-recommendations"),
        page.get("customer", "/targets"),
        page.get("staffing", "/managers", status="active", limit=500),
    )
    names = {m["id"]: m["name"] for m in managers.or_default([])}
    per_cm: Counter[str] = Counter()
    overdue_by_cm: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in schedule.or_default([]):
        for mid in row.get("managers", []):
            per_cm[mid] += 1
            if row.get("overdue"):
                overdue_by_cm[mid].append(row)
    problems = []
    for c in noncompliant.or_default([]):
        issues = c.get("compliance_issues", [])
        rules = sorted({m.group(0) for i in issues for m in [RULE_ID.search(i)] if m})
        problems.append({"customer": c, "issues": issues, "rules": rules})
    pipeline = Counter(t.get("stage") for t in targets.or_default([]))
    waiting = [
        r
        for r in recs.or_default([])
        if r.get("status") in ("awaiting_cosign", "submitted", "info_requested")
    ]
    return page.render(
        "overview.html",
        names=names,
        per_cm=sorted(per_cm.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0]))),
        idle=[m for m in managers.or_default([]) if m["id"] not in per_cm],
        overdue_by_cm=sorted(overdue_by_cm.items(), key=lambda kv: -len(kv[1])),
        noncompliant=problems,
        waiting=waiting,
        pipeline=[(s, pipeline.get(s, 0)) for s in STAGES],
        schedule_ok=schedule.ok,
    )


async def _assignment_page(page: Page, customer_id: str, status: int = 200, **context: Any) -> Response:
    customer, managers, teams = await asyncio.gather(
        page.get("customer", f"/customers/{customer_id}"),
        page.get("staffing", "/managers", status="active", limit=500),
        page.get("staffing", "/teams"),
    )
    if customer.problem and customer.problem.status in (403, 404):
        raise HTTPException(404)
    return page.render(
        "assignment.html",
        status_code=status,
        customer_id=customer_id,
        customer=customer.data if customer.ok else None,
        managers=sorted(managers.or_default([]), key=lambda m: m.get("name", "")),
        teams=teams.or_default([]),
        form=context.pop("form", {}),
        **context,
    )


@router.get("/customers/{customer_id}/assignment")
async def assignment_form(page: SupervisorPage, customer_id: str) -> Response:
    """Primary, co-managers and team; the service checks R-C1, R-C3, R-Q5, R-Q7 and R-I6."""
    return await _assignment_page(page, customer_id)


@router.post("/customers/{customer_id}/assignment")
async def set_assignment(page: SupervisorPage, request: Request, customer_id: str) -> Response:
    """Send the new assignment; a refusal shows its rule and message."""
    form = await form_data(request, page)
    primary = str(form.get("primary_manager_id") or "")
    body = {
        "primary_manager_id": primary,
        "co_manager_ids": [m for m in as_list(form.get("co_manager_ids")) if m != primary],
        "team_id": str(form.get("team_id") or "") or None,
        "reason": str(form.get("reason") or "").strip(),
    }
    answer = await page.call(
        "customer",
        "PUT",
        f"/customers/{customer_id}/assignment",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect(f"/customers/{customer_id}", translate(N_("The assignment is changed.")))
    return await _assignment_page(page, customer_id, 422, form=form, **refusal(answer.problem))


async def _reassign_page(page: Page, status: int = 200, **context: Any) -> Response:
    form = context.pop("form", {})
    from_id = str(form.get("from_manager_id") or "")
    calls = [page.get("staffing", "/managers", status="active", limit=500)]
    if from_id:
        calls.append(page.get("customer", "/customers", manager_id=from_id, limit=500))
    managers, *rest = await asyncio.gather(*calls)
    customers = rest[0].or_default([]) if rest else []
    roll = managers.or_default([])
    to_id = str(form.get("to_manager_id") or "")
    return page.render(
        "reassign.html",
        to_name=next((m["name"] for m in roll if m["id"] == to_id), to_id),
        status_code=status,
        managers=sorted(managers.or_default([]), key=lambda m: m.get("name", "")),
        customers=customers,
        form=form,
        chosen=set(as_list(form.get("customer_ids"))),
        **context,
    )


@router.get("/reassignments")
async def reassign_form(page: SupervisorPage, request: Request) -> Response:
    """Choose whose customers move and to whom; the preview lists what will be asked."""
    query = dict(request.query_params)
    preview = bool(query.get("from_manager_id") and query.get("to_manager_id"))
    return await _reassign_page(page, form=query, preview=preview)


@router.post("/reassignments")
async def reassign(page: SupervisorPage, request: Request) -> Response:
    """All or nothing: the service moves every chosen customer or none, naming each refusal."""
    form = await form_data(request, page)
    chosen = as_list(form.get("customer_ids"))
    body = {
        "from_manager_id": str(form.get("from_manager_id") or ""),
        "to_manager_id": str(form.get("to_manager_id") or ""),
        "customer_ids": chosen or None,
        "reason": str(form.get("reason") or "").strip(),
    }
    answer = await page.call(
        "customer",
        "POST",
        "/reassignments",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        moved = len(answer.data.get("moved", []))
        return page.redirect("/overview", translate(N_("Reassigned %(n)s customers.")) % {"n": moved})
    return await _reassign_page(
        page,
        422,
        form=form,
        preview=True,
        refused=_refusals_by_file(answer.problem),
        **refusal(answer.problem),
    )


# "F0003:" in English, "档案 F0003\uff1a" (full-width colon) in zh-CN.
FILE_REFUSAL = re.compile("(?:\u6863\u6848\\s*)?\\b(F\\d+)\\s*[:\uff1a]")


def _refusals_by_file(problem: Problem | None) -> dict[str, dict[str, Any]]:
    """The service's per-customer refusals ("F0003: R-Q5 ...", in either language), by file number."""
    if problem is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for text in [problem.detail, *(e.message for e in problem.errors)]:
        marks = list(FILE_REFUSAL.finditer(text))
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            message = text[mark.end() : end].strip().rstrip("\uff1b;|").strip()
            found[mark.group(1)] = {"message": message, "rules": sorted(set(RULE_ID.findall(message)))}
    return found


@router.get("/teams")
async def teams(page: SupervisorPage) -> Response:
    """The CM teams and their leads (R-C2); HR forms them."""
    teams_answer, names = await asyncio.gather(page.get("staffing", "/teams"), manager_names(page))
    return page.render("teams.html", teams=teams_answer.or_default([]), names=names)


CLASSIFICATION_FLAGS = (
    "core",
    "major_value",
    "complex_needs",
    "investment_needs",
    "first_development",
    "risk_business",
    "potential_risk",
    "new_product_user",
    "control_requested",
)


async def _new_customer_page(page: Page, status: int = 200, **context: Any) -> Response:
    managers, teams_answer = await asyncio.gather(
        page.get("staffing", "/managers", status="active", limit=500), page.get("staffing", "/teams")
    )
    return page.render(
        "customer_new.html",
        status_code=status,
        managers=sorted(managers.or_default([]), key=lambda m: m.get("name", "")),
        teams=teams_answer.or_default([]),
        flags=CLASSIFICATION_FLAGS,
        form=context.pop("form", {}),
        **context,
    )


@router.get("/customers/new")
async def new_customer_form(page: SupervisorPage) -> Response:
    """Open a customer file: roster fields, classification and who serves it (R-C1, R-C3, R-C4)."""
    return await _new_customer_page(page)


@router.post("/customers/new")
async def open_customer(page: SupervisorPage, request: Request) -> Response:
    """The customer service numbers the file and checks every assignment rule."""
    form = await form_data(request, page)
    primary = str(form.get("primary_manager_id") or "")
    text = {
        k: str(form.get(k) or "").strip()
        for k in ("name", "kind", "branch", "address", "contact", "importance")
    }
    classification: dict[str, Any] = {flag: form.get(flag) == "true" for flag in CLASSIFICATION_FLAGS}
    classification["size"] = str(form.get("size") or "") or None
    classification["abnormal"] = str(form.get("abnormal") or "none")
    risk_amount = str(form.get("risk_amount") or "").replace(",", "").strip()
    if risk_amount:
        classification["risk_amount"] = risk_amount
    body = {
        **{k: v for k, v in text.items() if v},
        "classification": classification,
        "primary_manager_id": primary,
        "co_manager_ids": [m for m in as_list(form.get("co_manager_ids")) if m != primary],
        "team_id": str(form.get("team_id") or "") or None,
    }
    answer = await page.call(
        "customer",
        "POST",
        "/customers",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect(f"/customers/{answer.data['id']}", translate(N_("The customer file is opened.")))
    return await _new_customer_page(page, 422, form=form, **refusal(answer.problem))
