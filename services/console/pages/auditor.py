"""Auditor: departure audits (R-I6), findings, compliance summary, spot checks (R-I5), the journal."""

import asyncio
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.pages.customers import manager_names
from services.console.pages.hr import paged
from services.console.web import Page, form_data, refusal, role_guard

router = APIRouter()
AuditorPage = Annotated[Page, role_guard("auditor", "admin")]
Text = Annotated[str | None, Query(max_length=64)]
SEVERITIES = ("low", "medium", "high", "critical")


def _key(form: dict[str, Any]) -> str | None:
    return str(form.get("idempotency_key") or "") or None


@router.get("/audit/departures")
async def waiting(page: AuditorPage) -> Response:
    """Departures waiting on audit, oldest first, with their age and open findings."""
    answer, names = await asyncio.gather(
        page.get("audit", "/departure-audits/waiting", limit=200), manager_names(page)
    )
    return page.render(
        "audit_waiting.html", rows=answer.or_default([]), names=names, **refusal(answer.problem)
    )


async def _audit_page(page: Page, audit_id: str, code: int = 200, **extra: Any) -> Response:
    answer, findings, names = await asyncio.gather(
        page.get("audit", f"/departure-audits/{audit_id}"),
        page.get("audit", "/findings", limit=200),
        manager_names(page),
    )
    if answer.problem and answer.problem.status in (403, 404, 422):
        raise HTTPException(404)
    audit: dict[str, Any] = answer.data if answer.ok else {"id": audit_id, "items": []}
    item_ids = {i["id"] for i in audit.get("items", [])}
    by_item: dict[int, list[Any]] = {}
    for f in findings.or_default([]):
        if f.get("audit_item_id") in item_ids:
            by_item.setdefault(f["audit_item_id"], []).append(f)
    return page.render(
        "audit_checklist.html",
        code,
        audit=audit,
        names=names,
        by_item=by_item,
        severities=SEVERITIES,
        **extra,
    )


@router.get("/audit/departures/{audit_id}")
async def checklist(page: AuditorPage, audit_id: str) -> Response:
    """The departing CM's customers: clear each with a note, or raise a finding and resolve it."""
    return await _audit_page(page, audit_id)


@router.post("/audit/departures/{audit_id}/items/{item_id}/clear")
async def clear_item(page: AuditorPage, request: Request, audit_id: str, item_id: int) -> Response:
    """Clear one customer; the service refuses while a finding is open."""
    form = await form_data(request, page)
    answer = await page.call(
        "audit",
        "POST",
        f"/departure-audits/{audit_id}/items/{item_id}/clear",
        json={"note": str(form.get("note") or "").strip()},
        idempotency_key=_key(form),
    )
    if answer.ok:
        return page.redirect(f"/audit/departures/{audit_id}", translate(N_("The customer is cleared.")))
    return await _audit_page(page, audit_id, 422, **refusal(answer.problem))


@router.post("/audit/departures/{audit_id}/items/{item_id}/findings")
async def raise_finding(page: AuditorPage, request: Request, audit_id: str, item_id: int) -> Response:
    """Record a finding on one customer; the departure stays blocked until it is resolved."""
    form = await form_data(request, page)
    body = {
        "description": str(form.get("description") or "").strip(),
        "severity": str(form.get("severity") or "medium"),
        "amount_at_risk": str(form.get("amount_at_risk") or "").replace(",", "").strip() or None,
        "evidence": str(form.get("evidence") or "").strip(),
    }
    answer = await page.call(
        "audit",
        "POST",
        f"/departure-audits/{audit_id}/items/{item_id}/findings",
        json=body,
        idempotency_key=_key(form),
    )
    if answer.ok:
        return page.redirect(f"/audit/departures/{audit_id}", translate(N_("The finding is recorded.")))
    return await _audit_page(page, audit_id, 422, **refusal(answer.problem))


@router.post("/audit/findings/{finding_id}/resolution")
async def resolve(page: AuditorPage, request: Request, finding_id: str) -> Response:
    """Record the remediation; back to where the auditor came from."""
    form = await form_data(request, page)
    answer = await page.call(
        "audit",
        "POST",
        f"/findings/{finding_id}/resolution",
        json={"remediation": str(form.get("remediation") or "").strip()},
        idempotency_key=_key(form),
    )
    back = str(form.get("back") or "/audit/findings")
    back = back if back.startswith("/audit/") else "/audit/findings"
    if answer.ok:
        return page.redirect(back, translate(N_("The finding is resolved.")))
    return await _findings(page, {}, 0, 422, **refusal(answer.problem))


@router.get("/audit/findings")
async def findings_page(
    page: AuditorPage,
    rule_id: Annotated[str | None, Query(max_length=16)] = None,
    manager_id: Text = None,
    severity: Annotated[Literal["low", "medium", "high", "critical", ""] | None, Query()] = None,
    status: Annotated[Literal["open", "resolved", ""] | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Findings by rule, CM, severity and status, with their evidence."""
    filters = {"rule_id": rule_id, "manager_id": manager_id, "severity": severity, "status": status}
    return await _findings(page, filters, offset)


async def _findings(
    page: Page, filters: dict[str, Any], offset: int, code: int = 200, **extra: Any
) -> Response:
    size = page.settings.page_size
    answer, names = await asyncio.gather(
        page.get("audit", "/findings", limit=size + 1, offset=offset, **filters), manager_names(page)
    )
    rows, has_next, total = paged(answer, size)
    query = urlencode({k: v for k, v in filters.items() if v})
    return page.render(
        "audit_findings.html",
        code,
        rows=rows,
        names=names,
        filters=filters,
        severities=SEVERITIES,
        offset=offset,
        limit=size,
        total=total,
        has_next=has_next,
        base=f"/audit/findings?{query}&" if query else "/audit/findings?",
        **(extra or refusal(answer.problem)),
    )


@router.get("/audit/compliance")
async def compliance(page: AuditorPage) -> Response:
    """Open findings per CM and rule, as the audit service sums them."""
    answer, names = await asyncio.gather(page.get("audit", "/compliance/summary"), manager_names(page))
    return page.render(
        "audit_compliance.html", rows=answer.or_default([]), names=names, **refusal(answer.problem)
    )


async def _spot_page(page: Page, code: int = 200, **extra: Any) -> Response:
    answer = await page.get("audit", "/spot-checks", limit=50)
    return page.render(
        "audit_spot_checks.html",
        code,
        rows=answer.or_default([]),
        form=extra.pop("form", {}),
        **(extra or refusal(answer.problem)),
    )


@router.get("/audit/spot-checks")
async def spot_checks(page: AuditorPage) -> Response:
    """Draws so far and the form for a new one (R-I5)."""
    return await _spot_page(page)


@router.post("/audit/spot-checks")
async def draw(page: AuditorPage, request: Request) -> Response:
    """Draw regular or random, stratified, seeded; the service records what reproduces it."""
    form = await form_data(request, page)
    seed = str(form.get("seed") or "").strip()
    body: dict[str, Any] = {
        "kind": str(form.get("kind") or "random"),
        "population": str(form.get("population") or "customers"),
        "sample_size": str(form.get("sample_size") or "").strip(),
        "strata": str(form.get("strata") or "none"),
        "seed": seed or None,
    }
    answer = await page.call("audit", "POST", "/spot-checks", json=body, idempotency_key=_key(form))
    if answer.ok:
        return page.redirect(f"/audit/spot-checks/{answer.data['id']}", translate(N_("The sample is drawn.")))
    return await _spot_page(page, 422, form=form, **refusal(answer.problem))


@router.get("/audit/spot-checks/{check_id}")
async def spot_check(page: AuditorPage, check_id: str, reproduce: bool = False) -> Response:
    """One draw: its seed, population and items; on request, the service draws it again and compares."""
    calls = [page.get("audit", f"/spot-checks/{check_id}")]
    if reproduce:
        calls.append(page.get("audit", f"/spot-checks/{check_id}/reproduction"))
    check, *rest = await asyncio.gather(*calls)
    if check.problem and check.problem.status in (403, 404, 422):
        raise HTTPException(404)
    reproduction = rest[0].data if rest and rest[0].ok else None
    return page.render("audit_spot_check.html", check=check.or_default({}), reproduction=reproduction)


@router.get("/audit/journal")
async def journal(page: AuditorPage, run: bool = False) -> Response:
    """Verify the journal's hash chain on request and show the first broken row if any."""
    result = None
    problem = None
    if run:
        answer = await page.get("audit", "/journal/verification")
        result, problem = (answer.data if answer.ok else None), answer.problem
    return page.render("audit_journal.html", result=result, problem=problem)
