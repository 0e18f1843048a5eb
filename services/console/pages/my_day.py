"""A CM's day: plan and outcome (R-W4), visits due (R-M4), questions (R-R4), recommendations, budget."""

import asyncio
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.formatting import today_in
from services.console.i18n import N_, translate
from services.console.web import CMPage, Page, as_list, form_data, refusal

router = APIRouter()
IMPORTANCE_ORDER = ("core", "important", "ordinary")
WAITING = ("awaiting_cosign", "submitted", "info_requested")
TASK_ROWS = 3


def _by_importance(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Visits grouped by the customer's importance, highest first, each group by due date."""
    groups = []
    for level in IMPORTANCE_ORDER:
        members = sorted((r for r in rows if r.get("importance") == level), key=lambda r: r["next_due"])
        if members:
            groups.append((level, members))
    return groups


async def _my_day(page: Page, **context: Any) -> Response:
    me = page.user.user_id
    today = today_in(page.settings.zone)
    day, schedule, recs, budget = await asyncio.gather(
        page.get("customer", f"/managers/{me}/days/{today.isoformat()}"),
        page.get("customer", "/visit-schedule", manager_id=me),
        page.get("customer", "/credit-recommendations"),
        page.get("staffing", f"/managers/{me}/budget", year=today.year),
    )
    due_rows = schedule.or_default([])
    week_end = (today + timedelta(days=7)).isoformat()
    overdue = [r for r in due_rows if r.get("overdue")]
    due_week = [r for r in due_rows if not r.get("overdue") and r.get("next_due", "") <= week_end]
    all_recs = recs.or_default([])
    questions = [
        {"rec": rec, "question": q}
        for rec in all_recs
        for q in rec.get("questions", [])
        if q.get("answer") is None
    ]
    return page.render(
        "my_day.html",
        today=today,
        day=day.data if day.ok else None,
        day_missing=bool(day.problem and day.problem.status == 404),
        overdue=_by_importance(overdue),
        due_week=_by_importance(due_week),
        questions=sorted(questions, key=lambda q: q["question"].get("due_date", "")),
        waiting=[r for r in all_recs if r.get("status") in WAITING],
        cosign=[r for r in all_recs if r.get("status") == "awaiting_cosign" and r.get("author") != me],
        budget=budget.data if budget.ok else None,
        customer_options=[(r["customer_id"], r["name"]) for r in sorted(due_rows, key=lambda r: r["name"])],
        task_rows=range(TASK_ROWS),
        **context,
    )


@router.get("/my-day")
async def my_day(page: CMPage) -> Response:
    """The CM's first page."""
    return await _my_day(page)


@router.post("/my-day/plan")
async def plan(page: CMPage, request: Request) -> Response:
    """The morning plan: tasks by priority, customers to visit, expected results."""
    form = await form_data(request, page)
    tasks = []
    for i in range(TASK_ROWS):
        text = str(form.get(f"task_{i}_description", "")).strip()
        if text:
            tasks.append(
                {
                    "description": text,
                    "priority": form.get(f"task_{i}_priority") or "primary",
                    "customer_id": form.get(f"task_{i}_customer") or None,
                    "expected_result": str(form.get(f"task_{i}_expected", "")).strip(),
                }
            )
    today = today_in(page.settings.zone).isoformat()
    answer = await page.call(
        "customer",
        "PUT",
        f"/managers/{page.user.user_id}/days/{today}/plan",
        json={"tasks": tasks},
        idempotency_key=str(form.get("idempotency_key") or ""),
    )
    if answer.ok:
        return page.redirect("/my-day", translate(N_("Your plan for today is filed.")))
    return await _my_day(page, plan_form=form, **refusal(answer.problem))


@router.post("/my-day/outcome")
async def outcome(page: CMPage, request: Request) -> Response:
    """The evening report: what happened to each planned task."""
    form = await form_data(request, page)
    done = set(as_list(form.get("done")))
    count = int(str(form.get("task_count") or 0)) if str(form.get("task_count") or "0").isdigit() else 0
    outcomes = [
        {"task": i, "done": str(i) in done, "result": str(form.get(f"result_{i}", "")).strip()}
        for i in range(min(count, 50))
    ]
    today = today_in(page.settings.zone).isoformat()
    answer = await page.call(
        "customer",
        "PUT",
        f"/managers/{page.user.user_id}/days/{today}/outcome",
        json={"outcomes": outcomes},
        idempotency_key=str(form.get("idempotency_key") or ""),
    )
    if answer.ok:
        return page.redirect("/my-day", translate(N_("Your day's outcome is filed.")))
    return await _my_day(page, **refusal(answer.problem))
