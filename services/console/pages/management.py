"""Management's dashboard: appraisal by grade and by office (the tree), pay, findings, pipeline, exits."""

import asyncio
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response

from services.console.formatting import money
from services.console.labels import label
from services.console.offices import office_label, with_depth
from services.console.pages.customers import manager_names
from services.console.pages.supervisor import STAGES
from services.console.web import Page, role_guard

router = APIRouter()
DashboardPage = Annotated[Page, role_guard("management", "supervisor", "admin")]
BAR_WIDTH = 190  # units of the longest bar in a 320-wide chart; the SVG scales to the screen
INDENT = 14  # units an office's label moves right per level below the first office shown
PAY_BANDS = 5  # floating pay shown in five equal bands between the lowest and the highest


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def bars(rows: list[tuple[str, Any, str]]) -> list[dict[str, Any]]:
    """(label, value, shown) as bars scaled to the largest value (drawing only, no rule)."""
    top = max((abs(_number(v)) for _label, v, _shown in rows), default=Decimal(0))
    out = []
    for index, (text, value, shown) in enumerate(rows):
        width = int(abs(_number(value)) / top * BAR_WIDTH) if top else 0
        out.append(
            {"label": text, "width": max(width, 1 if _number(value) else 0), "shown": shown, "y": index * 38}
        )
    return out


def indented(drawn: list[dict[str, Any]], offices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Office bars with their label moved right by the office's depth in the tree."""
    return [{**bar, "x": o["indent"] * INDENT} for bar, o in zip(drawn, offices, strict=True)]


def pay_distribution(results: list[dict[str, Any]]) -> list[tuple[str, Any, str]]:
    """How many CMs fall in each of five equal floating-pay bands (a histogram of the service's figures)."""
    pays = sorted(_number(r.get("floating_pay")) for r in results)
    if not pays:
        return []
    low, high = pays[0], pays[-1]
    if low == high:
        return [(money(low), len(pays), str(len(pays)))]
    step = (high - low) / PAY_BANDS or Decimal(1)
    counts = [0] * PAY_BANDS
    for pay in pays:
        counts[min(int((pay - low) / step), PAY_BANDS - 1)] += 1
    bands = [(money(low + step * i), money(low + step * (i + 1))) for i in range(PAY_BANDS)]
    return [(f"{a} \u2013 {b}", n, str(n)) for (a, b), n in zip(bands, counts, strict=True)]


@router.get("/dashboard")
async def dashboard(page: DashboardPage) -> Response:
    """Charts drawn on the server as SVG with Chinese labels, readable at phone width."""
    cycles, summary_rows, targets, waiting, names = await asyncio.gather(
        page.get("appraisal", "/cycles", limit=20),
        page.get("audit", "/compliance/summary"),
        page.get("customer", "/targets/summary"),
        page.get("audit", "/departure-audits/waiting", limit=200),
        manager_names(page),
    )
    latest = next((c for c in cycles.or_default([]) if c.get("status") == "finalized"), None)
    latest = latest or next(iter(cycles.or_default([])), None)
    summary, results, offices = None, [], []
    if latest:
        got_summary, got_results, got_offices = await asyncio.gather(
            page.get("appraisal", f"/cycles/{latest['id']}/summary"),
            page.get("appraisal", f"/cycles/{latest['id']}/results", limit=500),
            page.get("appraisal", f"/cycles/{latest['id']}/summary/offices", limit=500),
        )
        summary, results = got_summary.data if got_summary.ok else None, got_results.or_default([])
        offices = with_depth(got_offices.or_default([]))
    charts: dict[str, list[dict[str, Any]]] = {}
    if summary:
        charts["grade"] = bars(
            [
                (label("grade", g["group"]), g["mean_profit"], money(g["mean_profit"]))
                for g in summary["by_grade"]
            ]
        )
    if offices:  # the tree: a branch's figures include its outlets'
        charts["office"] = indented(
            bars([(office_label(o), o["mean_profit"], money(o["mean_profit"])) for o in offices]), offices
        )
    elif summary:  # no office tree yet: the free-text branches staffing registered
        charts["branch"] = bars(
            [(g["group"], g["mean_profit"], money(g["mean_profit"])) for g in summary["by_branch"]]
        )
    charts["pay"] = bars(pay_distribution(results))
    by_rule: Counter[str] = Counter()
    for row in summary_rows.or_default([]):
        by_rule[row["rule_id"]] += int(row.get("open_findings", 0))
    charts["findings"] = bars([(f"{r} {label('rule', r)}", n, str(n)) for r, n in sorted(by_rule.items())])
    stages = {row["stage"]: int(row["count"]) for row in targets.or_default([])}
    charts["pipeline"] = (
        bars([(label("stage", s), stages.get(s, 0), str(stages.get(s, 0))) for s in STAGES])
        if targets.ok
        else []
    )
    return page.render(
        "dashboard.html",
        cycle=latest,
        charts=charts,
        offices=offices,
        waiting=waiting.or_default([]),
        names=names,
        pipeline_refused=bool(targets.problem and targets.problem.status == 403),
    )
