"""The cooperative's compliance thresholds (R-M2, R-M4, R-M5, R-I1): auditors read, an admin sets them."""

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.web import Page, form_data, refusal, role_guard

router = APIRouter()
ThresholdsPage = Annotated[Page, role_guard("auditor", "admin")]
AdminPage = Annotated[Page, role_guard("admin")]
# Audit's CooperativeSettings, field by field, grouped by the rule each one parameterizes.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        N_("Visit intervals"),
        "R-M4",
        (
            "visit_interval_core_days",
            "visit_interval_important_days",
            "visit_interval_ordinary_days",
            "visit_tolerance_days",
        ),
    ),
    (N_("Visit reports"), "R-M2", ("report_delay_hours",)),
    (
        N_("Satisfaction"),
        "R-M5",
        ("satisfaction_window", "satisfaction_threshold", "dissatisfaction_visit_days"),
    ),
)
FIELDS = tuple(name for _title, _rule, names in GROUPS for name in names)
DAYS = FIELDS  # every numeric field (the name the page used before the satisfaction and report fields)
LABELS = {
    "visit_interval_core_days": N_("Days between visits, core customers"),
    "visit_interval_important_days": N_("Days between visits, important customers"),
    "visit_interval_ordinary_days": N_("Days between visits, ordinary customers"),
    "visit_tolerance_days": N_("Days of tolerance before a visit is overdue"),
    "report_delay_hours": N_("Hours after a visit within which its visit report is due"),
    "satisfaction_window": N_("Satisfaction scores in the rolling average"),
    "satisfaction_threshold": N_("Warn when the satisfaction average falls below (1 to 5)"),
    "dissatisfaction_visit_days": N_("Days to visit a customer after a satisfaction warning"),
    "rating_warnings": N_("Ratings that raise an early warning (comma-separated)"),
}
# Browser hints only; the audit service validates every value and its range.
INPUTS = {name: 'min="0" step="1" inputmode="numeric"' for name in FIELDS} | {
    "satisfaction_threshold": 'min="1" max="5" step="0.01" inputmode="decimal"'
}


async def _page(page: Page, code: int = 200, **extra: Any) -> Response:
    answer = await page.get("audit", "/compliance/settings")
    return page.render(
        "audit_thresholds.html",
        code,
        config=answer.or_default({}),
        groups=GROUPS,
        labels=LABELS,
        inputs=INPUTS,
        form=extra.pop("form", {}),
        **(extra or refusal(answer.problem)),
    )


def settings_body(form: dict[str, Any]) -> dict[str, Any]:
    """The PUT body from the form: every field as typed (the service checks numbers and ranges)."""
    body: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FIELDS}
    body["rating_warnings"] = [
        r.strip() for r in str(form.get("rating_warnings") or "").replace("，", ",").split(",") if r.strip()
    ]
    return body


@router.get("/audit/thresholds")
async def thresholds(page: ThresholdsPage) -> Response:
    """The thresholds the audit service's compliance rules use for this cooperative."""
    return await _page(page)


@router.post("/audit/thresholds")
async def set_thresholds(page: AdminPage, request: Request) -> Response:
    """Send every threshold; the service validates the ranges."""
    form = await form_data(request, page)
    answer = await page.call(
        "audit",
        "PUT",
        "/compliance/settings",
        json=settings_body(form),
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect("/audit/thresholds", translate(N_("The thresholds are saved.")))
    return await _page(page, 422, form=form, **refusal(answer.problem))
