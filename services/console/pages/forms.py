"""A CM files work: visits (R-D2, R-D3, R-M1, R-M3, R-M5), reports (R-W3), credit (R-R2, R-I1, R-R4)."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console.formatting import today_in
from services.console.i18n import N_, translate
from services.console.web import CMPage, Page, form_data, refusal, safe_path

router = APIRouter()
VISIT_KINDS = ("maintenance", "phone", "sales")
CHECKLIST = (
    "greeted",
    "summarized_agreement",
    "asked_satisfaction",
    "stated_objectives",
    "listened",
    "asked_comments",
)
REPORT_KINDS = ("comprehensive_evaluation", "risk_analysis", "business_proposal", "risk_control")
CATEGORIES = ("communication", "entertainment", "activities", "gifts")


def _flag(form: dict[str, Any], name: str) -> bool:
    return form.get(name) == "true"


def _text(form: dict[str, Any], name: str) -> str:
    return str(form.get(name) or "").strip()


def _number(form: dict[str, Any], name: str) -> int | str | None:
    """An integer field as a number; anything else as typed, so the service names the error."""
    raw = _text(form, name)
    if not raw:
        return None
    return int(raw) if raw.isdigit() else raw


def _local_moment(page: Page, raw: str) -> str:
    """A datetime-local value, read in the cooperative's zone, as an aware ISO time; now if blank."""
    zone = page.settings.zone
    try:
        moment = datetime.fromisoformat(raw).replace(tzinfo=zone) if raw else datetime.now(zone)
    except ValueError:
        return raw
    return moment.isoformat()


def visit_body(page: Page, kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """The visit as the customer service takes it; the service checks the rules."""
    body: dict[str, Any] = {
        "kind": kind,
        "occurred_at": _local_moment(page, _text(form, "occurred_at")),
        "satisfaction": _number(form, "satisfaction"),
    }
    if kind == "maintenance":
        body["maintenance"] = {
            **{item: _flag(form, item) for item in CHECKLIST},
            "problems_found": _text(form, "problems_found"),
            "data_discussed": _text(form, "data_discussed"),
            "cross_sell_opportunities": _text(form, "cross_sell_opportunities"),
            "next_visit_on": _text(form, "next_visit_on") or None,
        }
    elif kind == "phone":
        body["phone"] = {"summary": _text(form, "summary")}
    else:
        body["sales_plan"] = {
            "preliminary_value_assessment": _text(form, "preliminary_value_assessment"),
            "attendees": [{"manager_id": page.user.user_id, "role": _text(form, "attendee_role") or "lead"}],
            "scheduled_for": _local_moment(page, _text(form, "scheduled_for")),
            "method": _text(form, "method"),
            "customer_needs": _text(form, "customer_needs"),
        }
        body["sales"] = {
            "introductions_made": _flag(form, "introductions_made"),
            "rapport": _text(form, "rapport"),
            "qualified_as": _text(form, "qualified_as") or "ordinary",
            "pitch": _text(form, "pitch"),
            "agreement_checked": _flag(form, "agreement_checked"),
        }
    return body


async def _customer_name(page: Page, customer_id: str) -> str:
    answer = await page.get("customer", f"/customers/{customer_id}")
    if answer.problem and answer.problem.status in (403, 404):
        raise HTTPException(404)
    return str(answer.data.get("name", customer_id)) if answer.ok else customer_id


async def _form_page(
    page: Page, template: str, customer_id: str, status: int = 200, **context: Any
) -> Response:
    name = await _customer_name(page, customer_id)
    return page.render(
        template,
        status_code=status,
        customer_id=customer_id,
        customer_name=name,
        form=context.pop("form", {}),
        today=today_in(page.settings.zone),
        **context,
    )


async def _submit(
    page: Page, request: Request, service: str, path: str, build: Any
) -> tuple[Any, dict[str, Any]]:
    form = await form_data(request, page)
    answer = await page.call(
        service, "POST", path, json=build(form), idempotency_key=_text(form, "idempotency_key") or None
    )
    return answer, form


@router.get("/customers/{customer_id}/visits/new")
async def visit_form(page: CMPage, customer_id: str, kind: str = "maintenance") -> Response:
    """A visit form for its kind: checklist (R-M3), phone summary (R-M1) or plan and record (R-D2, R-D3)."""
    if kind not in VISIT_KINDS:
        raise HTTPException(404)
    return await _form_page(page, "visit_form.html", customer_id, kind=kind, checklist=CHECKLIST)


@router.post("/customers/{customer_id}/visits/new")
async def file_visit(page: CMPage, request: Request, customer_id: str, kind: str = "maintenance") -> Response:
    """File the visit; a refusal shows next to the fields, in the user's language."""
    if kind not in VISIT_KINDS:
        raise HTTPException(404)
    answer, form = await _submit(
        page, request, "customer", f"/customers/{customer_id}/visits", lambda f: visit_body(page, kind, f)
    )
    if answer.ok:
        return page.redirect(f"/customers/{customer_id}", translate(N_("The visit is filed.")))
    return await _form_page(
        page,
        "visit_form.html",
        customer_id,
        422,
        kind=kind,
        checklist=CHECKLIST,
        form=form,
        **refusal(answer.problem),
    )


@router.get("/customers/{customer_id}/reports/new")
async def report_form(page: CMPage, customer_id: str) -> Response:
    """Comprehensive evaluation, risk analysis, business proposal or risk control report (R-W3)."""
    return await _form_page(page, "report_form.html", customer_id, kinds=REPORT_KINDS)


@router.post("/customers/{customer_id}/reports/new")
async def file_report(page: CMPage, request: Request, customer_id: str) -> Response:
    """Submit the report; the service routes it to the departments."""
    answer, form = await _submit(
        page,
        request,
        "customer",
        f"/customers/{customer_id}/reports",
        lambda f: {"kind": _text(f, "kind"), "title": _text(f, "title"), "body": _text(f, "body")},
    )
    if answer.ok:
        return page.redirect(f"/customers/{customer_id}", translate(N_("The report is filed.")))
    return await _form_page(
        page, "report_form.html", customer_id, 422, kinds=REPORT_KINDS, form=form, **refusal(answer.problem)
    )


@router.get("/customers/{customer_id}/recommendations/new")
async def recommendation_form(page: CMPage, customer_id: str) -> Response:
    """Recommend credit (R-R2): the CM recommends; risk decides."""
    return await _form_page(page, "recommendation_form.html", customer_id)


@router.post("/customers/{customer_id}/recommendations/new")
async def recommend(page: CMPage, request: Request, customer_id: str) -> Response:
    """Send it; above the CM's limit the service holds it for a senior's co-sign (R-I1)."""
    answer, form = await _submit(
        page,
        request,
        "customer",
        f"/customers/{customer_id}/credit-recommendations",
        lambda f: {
            "product": _text(f, "product"),
            "amount": _text(f, "amount").replace(",", "").replace("¥", ""),
            "term_months": _number(f, "term_months"),
            "purpose": _text(f, "purpose"),
            "rationale": _text(f, "rationale"),
        },
    )
    if answer.ok:
        message = N_("The recommendation is sent to risk.")
        if answer.data.get("status") == "awaiting_cosign":
            message = N_(
                "Above your authorization limit: a senior CM must co-sign before it goes to risk (R-I1)."
            )
        return page.redirect(f"/customers/{customer_id}#recommendations", translate(message))
    return await _form_page(
        page, "recommendation_form.html", customer_id, 422, form=form, **refusal(answer.problem)
    )


@router.post("/recommendations/{rec_id}/answers")
async def answer_question(page: CMPage, request: Request, rec_id: str) -> Response:
    """Answer one of risk's questions (R-R4)."""
    answer, form = await _submit(
        page,
        request,
        "customer",
        f"/credit-recommendations/{rec_id}/answers",
        lambda f: {"question_id": _number(f, "question_id"), "answer": _text(f, "answer")},
    )
    back = safe_path(_text(form, "back"), "/my-day")
    if answer.ok:
        return page.redirect(back, translate(N_("Your answer is sent to risk.")))
    return page.redirect(back, _refused_text(answer))


@router.post("/recommendations/{rec_id}/cosign")
async def cosign(page: CMPage, request: Request, rec_id: str) -> Response:
    """Co-sign a recommendation above its author's limit (R-I1); the service decides who may."""
    answer, form = await _submit(
        page, request, "customer", f"/credit-recommendations/{rec_id}/cosign", lambda f: None
    )
    back = safe_path(_text(form, "back"), "/my-day")
    if answer.ok:
        return page.redirect(back, translate(N_("Co-signed; the recommendation goes to risk.")))
    return page.redirect(back, _refused_text(answer))


def _refused_text(answer: Any) -> str:
    if answer.problem is None:
        return translate(N_("The service is not answering; nothing was changed."))
    rule = f"{answer.problem.rule_id} " if answer.problem.rule_id else ""
    refused = translate(N_("Refused"))
    return f"{refused}: {rule}{answer.problem.detail}"


@router.get("/expenses/new")
async def expense_form(page: CMPage) -> Response:
    """Record a marketing expense (R-P2); the budget shows on My day (R-I4)."""
    return page.render(
        "expense_form.html", form={}, categories=CATEGORIES, today=today_in(page.settings.zone)
    )


@router.post("/expenses/new")
async def record_expense(page: CMPage, request: Request) -> Response:
    """Record it with the staffing service."""
    answer, form = await _submit(
        page,
        request,
        "staffing",
        f"/managers/{page.user.user_id}/expenses",
        lambda f: {
            "category": _text(f, "category"),
            "amount": _text(f, "amount").replace(",", "").replace("¥", ""),
            "spent_on": _text(f, "spent_on"),
            "customer_id": _text(f, "customer_id") or None,
            "receipt_ref": _text(f, "receipt_ref") or None,
            "description": _text(f, "description") or None,
        },
    )
    if answer.ok:
        return page.redirect("/my-day", translate(N_("The expense is recorded.")))
    return page.render(
        "expense_form.html",
        status_code=422,
        form=form,
        categories=CATEGORIES,
        today=today_in(page.settings.zone),
        **refusal(answer.problem),
    )
