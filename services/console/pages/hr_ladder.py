"""HR: the grade ladder's versions by date (R-Q3..R-Q5) and a new version effective from a future date."""

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.pages.hr import HRPage
from services.console.web import Page, form_data, refusal

router = APIRouter()
# The figures HR may change per grade in the form; every other field is copied from the version in force.
EDITABLE = ("pass_mark", "fixed_pay", "floating_rate", "authorization_limit")


async def _ladder_page(page: Page, code: int = 200, **extra: Any) -> Response:
    current, versions = await asyncio.gather(
        page.get("staffing", "/ladder"), page.get("staffing", "/ladder/versions", limit=100)
    )
    published = versions.or_default([])
    in_force = current.data if current.ok else None
    # the built-in default ladder is in force until a version is published; it is not in the versions list
    if in_force and all(v.get("version") != in_force.get("version") for v in published):
        published = [in_force, *published]
    return page.render(
        "hr_ladder.html",
        code,
        current=in_force,
        versions=list(reversed(published)),
        editable=EDITABLE,
        form=extra.pop("form", {}),
        **(extra or refusal(current.problem or versions.problem)),
    )


@router.get("/hr/ladder")
async def ladder(page: HRPage) -> Response:
    """The version in force, every version with its effective date, and the form for the next one."""
    return await _ladder_page(page)


@router.post("/hr/ladder")
async def publish(page: HRPage, request: Request) -> Response:
    """Publish a new version: the one in force with the figures HR changed; the service validates it."""
    form = await form_data(request, page)
    current = await page.get("staffing", "/ladder")
    if not current.ok:
        return await _ladder_page(page, 422, form=form, **refusal(current.problem))
    grades = []
    for grade in current.data.get("grades", []):
        changed = dict(grade)
        for name in EDITABLE:
            value = str(form.get(f"{grade['code']}.{name}") or "").replace(",", "").strip()
            if value:
                changed[name] = value
        grades.append(changed)
    body = {
        "effective_from": str(form.get("effective_from") or ""),
        "reason": str(form.get("reason") or "").strip(),
        "grades": grades,
    }
    answer = await page.call(
        "staffing",
        "POST",
        "/ladder/versions",
        json=body,
        idempotency_key=str(form.get("idempotency_key") or "") or None,
    )
    if answer.ok:
        return page.redirect("/hr/ladder", translate(N_("The new ladder version is published.")))
    return await _ladder_page(page, 422, form=form, **refusal(answer.problem))
