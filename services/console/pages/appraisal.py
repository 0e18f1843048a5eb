"""The yearly appraisal (R-A1..R-A4): cycles, missing evaluations, compute, finalize, corrections, sheets."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console.i18n import N_, translate
from services.console.offices import with_depth
from services.console.pages.customers import manager_names
from services.console.web import CMPage, Page, form_data, refusal, role_guard

router = APIRouter()
# Who may read every sheet (the appraisal service's READ_ALL); only supervisors and admins run a cycle.
ReaderPage = Annotated[Page, role_guard("supervisor", "admin", "management", "hr", "auditor")]
RunnerPage = Annotated[Page, role_guard("supervisor", "admin")]


def _key(form: dict[str, Any]) -> str | None:
    return str(form.get("idempotency_key") or "") or None


async def _cycles_page(page: Page, code: int = 200, **extra: Any) -> Response:
    answer = await page.get("appraisal", "/cycles", limit=50)
    return page.render(
        "appraisal_cycles.html",
        code,
        cycles=answer.or_default([]),
        form=extra.pop("form", {}),
        **(extra or refusal(answer.problem)),
    )


@router.get("/appraisal")
async def cycles(page: ReaderPage) -> Response:
    """Every year's cycle and its versions; a supervisor opens the next one."""
    return await _cycles_page(page)


@router.post("/appraisal")
async def open_cycle(page: RunnerPage, request: Request) -> Response:
    """Open a past year's appraisal; the service enrols the CMs and draws the customer samples."""
    form = await form_data(request, page)
    body = {"year": str(form.get("year") or "").strip(), "deadline": str(form.get("deadline") or "") or None}
    answer = await page.call("appraisal", "POST", "/cycles", json=body, idempotency_key=_key(form))
    if answer.ok:
        return page.redirect(f"/appraisal/{answer.data['id']}", translate(N_("The appraisal is opened.")))
    return await _cycles_page(page, 422, form=form, **refusal(answer.problem))


async def _cycle_page(page: Page, cycle_id: str, code: int = 200, **extra: Any) -> Response:
    path = f"/cycles/{cycle_id}"
    (cycle, missing, pools, results, reminders, offices), names = await asyncio.gather(
        asyncio.gather(
            page.get("appraisal", path),
            page.get("appraisal", f"{path}/missing-evaluations", limit=500),
            page.get("appraisal", f"{path}/pools"),
            page.get("appraisal", f"{path}/results", limit=500),
            page.get("appraisal", f"{path}/reminders", limit=100),
            page.get("appraisal", f"{path}/summary/offices", limit=500),
        ),
        manager_names(page),
    )
    if cycle.problem and cycle.problem.status in (403, 404, 422):
        raise HTTPException(404)
    return page.render(
        "appraisal_cycle.html",
        code,
        cycle=cycle.or_default({"id": cycle_id}),
        owed=missing.or_default([]),
        pools=pools.or_default([]),
        results=results.or_default([]),
        names=names,
        reminders=reminders.or_default([]),
        offices=with_depth(offices.or_default([])),
        computed=extra.pop("computed", None),
        **extra,
    )


@router.get("/appraisal/{cycle_id}")
async def cycle(page: ReaderPage, cycle_id: str) -> Response:
    """Status, evaluations still owed (R-A3), team pools (R-A4), results."""
    return await _cycle_page(page, cycle_id)


async def _run(page: Page, request: Request, cycle_id: str, step: str, done: str) -> Response:
    form = await form_data(request, page)
    answer = await page.call("appraisal", "POST", f"/cycles/{cycle_id}/{step}", idempotency_key=_key(form))
    if answer.ok:
        return await _cycle_page(page, cycle_id, computed=answer.data, flash_now=translate(done))
    return await _cycle_page(page, cycle_id, 422, **refusal(answer.problem))


@router.post("/appraisal/{cycle_id}/compute")
async def compute(page: RunnerPage, request: Request, cycle_id: str) -> Response:
    """Attribute the year's profit and combine the scores; shows what is still missing."""
    return await _run(page, request, cycle_id, "compute", N_("The results are computed."))


@router.post("/appraisal/{cycle_id}/finalize")
async def finalize(page: RunnerPage, request: Request, cycle_id: str) -> Response:
    """Freeze and publish; the service refuses while an evaluation or a pool split is missing."""
    return await _run(page, request, cycle_id, "finalize", N_("The results are final and published."))


@router.post("/appraisal/{cycle_id}/reminders")
async def remind(page: RunnerPage, request: Request, cycle_id: str) -> Response:
    """R-A3: remind everyone who still owes an evaluation; the service records and publishes each."""
    form = await form_data(request, page)
    answer = await page.call("appraisal", "POST", f"/cycles/{cycle_id}/reminders", idempotency_key=_key(form))
    if answer.ok:
        sent = translate(N_("Reminders sent: %(n)s.")) % {"n": len(answer.data)}
        return page.redirect(f"/appraisal/{cycle_id}", sent)
    return await _cycle_page(page, cycle_id, 422, **refusal(answer.problem))


@router.post("/appraisal/{cycle_id}/corrections")
async def correct(page: RunnerPage, request: Request, cycle_id: str) -> Response:
    """A new version of a finalized cycle, with the reason (R-A1)."""
    form = await form_data(request, page)
    answer = await page.call(
        "appraisal",
        "POST",
        f"/cycles/{cycle_id}/corrections",
        json={"reason": str(form.get("reason") or "").strip()},
        idempotency_key=_key(form),
    )
    if answer.ok:
        return page.redirect(
            f"/appraisal/{answer.data['id']}", translate(N_("A corrected version is opened."))
        )
    return await _cycle_page(page, cycle_id, 422, **refusal(answer.problem))


@router.get("/appraisal/{cycle_id}/results/{manager_id}")
async def sheet(page: ReaderPage, cycle_id: str, manager_id: str) -> Response:
    """One CM's result sheet as the service computed it, with its explanation."""
    answer = await page.get("appraisal", f"/cycles/{cycle_id}/results/{manager_id}")
    if answer.problem and answer.problem.status in (403, 404, 422):
        raise HTTPException(404)
    return page.render("appraisal_sheet.html", results=[answer.or_default({})], cycle_id=cycle_id, mine=False)


async def _my_page(page: Page, code: int = 200, **extra: Any) -> Response:
    mine, cycles_answer, teams = await asyncio.gather(
        page.get("appraisal", "/me/results"),
        page.get("appraisal", "/cycles", limit=20),
        page.get("staffing", "/teams"),
    )
    running = [c for c in cycles_answer.or_default([]) if c.get("status") in ("open", "computed")]
    pools = await asyncio.gather(*(page.get("appraisal", f"/cycles/{c['id']}/pools") for c in running))
    members = {t["id"]: t.get("member_ids", []) for t in teams.or_default([])}
    team_names = {t["id"]: t.get("name", t["id"]) for t in teams.or_default([])}
    splits = [
        {
            "cycle": c,
            "pool": p,
            "members": members.get(p["team_id"], []),
            "team": team_names.get(p["team_id"]),
        }
        for c, answer in zip(running, pools, strict=True)
        for p in answer.or_default([])
    ]
    names = await manager_names(page)
    led = sorted({s["pool"]["team_id"] for s in splits})
    rosters = await asyncio.gather(*(page.get("staffing", f"/teams/{t}/members") for t in led))
    for roster in rosters:  # the lead reads their members' names (staffing checks that they lead it)
        names.update({m["manager_id"]: m["name"] for m in roster.or_default([])})
    return page.render(
        "appraisal_sheet.html",
        code,
        results=mine.or_default([]),
        cycle_id=None,
        mine=True,
        splits=splits,
        names=names,
        **extra,
    )


@router.get("/my-results")
async def my_results(page: CMPage) -> Response:
    """A CM's own finalized results (the service gives nobody else's) and the team pools they split."""
    return await _my_page(page)


@router.post("/my-results/pools/{cycle_id}/{team_id}")
async def split_pool(page: CMPage, request: Request, cycle_id: str, team_id: str) -> Response:
    """The team lead splits the pool; the service checks the parts add up to it exactly (R-A4)."""
    form = await form_data(request, page)
    parts = {
        key.removeprefix("share."): str(value).replace(",", "").strip()
        for key, value in form.items()
        if key.startswith("share.") and str(value).strip()
    }
    answer = await page.call(
        "appraisal",
        "PUT",
        f"/cycles/{cycle_id}/pools/{team_id}",
        json={"allocations": parts},
        idempotency_key=_key(form),
    )
    if answer.ok:
        return page.redirect("/my-results", translate(N_("The team pool is split.")))
    return await _my_page(page, 422, **refusal(answer.problem))
