"""The cooperative's compliance thresholds (R-M4, R-M5, R-I1): auditors read them, an admin sets them."""

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.web import Page, form_data, refusal, role_guard

router = APIRouter()
ThresholdsPage = Annotated[Page, role_guard("auditor", "admin")]
AdminPage = Annotated[Page, role_guard("admin")]
DAYS = (
    "visit_interval_core_days",
    "visit_interval_important_days",
    "visit_interval_ordinary_days",
    "visit_tolerance_days",
    "dissatisfaction_visit_days",
)


async def _page(page: Page, code: int = 200, **extra: Any) -> Response:
    answer = await page.get("audit", "/compliance/settings")
    return page.render(
        "audit_thresholds.html",
        code,
        config=answer.or_default({}),
        days=DAYS,
        form=extra.pop("form", {}),
        **(extra or refusal(answer.problem)),
    )


@router.get("/audit/thresholds")
async def thresholds(page: ThresholdsPage) -> Response:
    """The thresholds the audit service's compliance rules use for this cooperative."""
    return await _page(page)


@router.post("/audit/thresholds")
async def set_thresholds(page: AdminPage, request: Request) -> Response:
    """Send every threshold; the service validates the ranges."""
    form = await form_data(request, page)
    body: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in DAYS}
    body["rating_warnings"] = [
        r.strip() for r in str(form.get("rating_warnings") or "").split(",") if r.strip()
    ]
    answer = await page.call(
        "audit",
        "PUT",
        "/compliance/settings",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect("/audit/thresholds", translate(N_("The thresholds are saved.")))
    return await _page(page, 422, form=form, **refusal(answer.problem))
