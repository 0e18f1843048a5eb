"""The cooperative's appraisal at a glance: distributions by grade and branch, charts and a workbook."""

import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select

from services.appraisal.models import ResultRow
from services.appraisal.schemas.results import GroupSummary, SummaryRead
from services.appraisal.service.common import cycle_in_org
from shared.auth import Principal
from shared.spreadsheet import safe_cell
from shared.uow import UnitOfWork

CENT = Decimal("0.01")
BANDS = ((90, "90-100"), (80, "80-89"), (70, "70-79"), (60, "60-69"), (0, "below 60"))


def _group(name: str, rows: Sequence[ResultRow]) -> GroupSummary:
    profits = sorted(r.attributed_profit for r in rows)
    scores = [r.score for r in rows if r.score is not None]
    return GroupSummary(
        group=name,
        managers=len(rows),
        total_profit=sum(profits, Decimal(0)),
        mean_profit=(sum(profits, Decimal(0)) / len(profits)).quantize(CENT),
        median_profit=Decimal(statistics.median(profits)).quantize(CENT),
        min_profit=profits[0],
        max_profit=profits[-1],
        mean_score=(sum(scores, Decimal(0)) / len(scores)).quantize(CENT) if scores else None,
        total_floating_pay=sum((r.floating_pay for r in rows), Decimal(0)),
        proposals=dict(Counter(r.proposal for r in rows)),
    )


def _by(rows: Sequence[ResultRow], key: Callable[[ResultRow], str]) -> list[GroupSummary]:
    groups: dict[str, list[ResultRow]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return [_group(name, members) for name, members in sorted(groups.items())]


def band(score: Decimal | None) -> str:
    """The score band a non-profit score falls in."""
    if score is None:
        return "no score"
    return next(label for floor, label in BANDS if score >= floor)


async def _rows(uow: UnitOfWork, cycle_id: str) -> list[ResultRow]:
    return list(
        await uow.session.scalars(
            select(ResultRow).where(ResultRow.cycle_id == cycle_id).order_by(ResultRow.manager_id)
        )
    )


async def summary(uow: UnitOfWork, cycle_id: str, caller: Principal) -> SummaryRead:
    """Distribution of profit and scores, by grade and by branch, with score bands."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        rows = await _rows(uow, cycle.id)
        return SummaryRead(
            cycle_id=cycle.id,
            year=cycle.year,
            version=cycle.version,
            status=cycle.status,
            managers=len(rows),
            by_grade=_by(rows, lambda r: r.grade or "none"),
            by_branch=_by(rows, lambda r: r.branch or "none"),
            score_bands=dict(Counter(band(r.score) for r in rows)),
        )


def chart_svg(report: SummaryRead) -> bytes:
    """Profit by grade and by branch, and the spread of scores, as one SVG made with matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, (by_grade, by_branch, bands) = plt.subplots(1, 3, figsize=(15, 4.5))
    try:
        for axis, groups, title in (
            (by_grade, report.by_grade, "Attributed profit by grade"),
            (by_branch, report.by_branch, "Attributed profit by branch"),
        ):
            axis.bar([g.group for g in groups], [float(g.total_profit) for g in groups], color="#3b6ea5")
            axis.set_title(title)
            axis.set_ylabel("yuan")
            axis.tick_params(axis="x", rotation=30)
        labels = [label for _, label in reversed(BANDS)] + ["no score"]
        bands.bar(labels, [report.score_bands.get(label, 0) for label in labels], color="#6a994e")
        bands.set_title("Non-profit scores")
        bands.set_ylabel("CMs")
        figure.suptitle(f"Appraisal {report.year} (version {report.version}, {report.status})")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg")
        return out.getvalue()
    finally:
        plt.close(figure)


RESULT_COLUMNS = (
    "manager_id",
    "name",
    "branch",
    "grade",
    "direct_profit",
    "pool_profit",
    "attributed_profit",
    "score",
    "floating_rate",
    "floating_pay",
    "fixed_pay",
    "overspend",
    "net_pay",
    "carried_loss_out",
    "proposal",
    "proposal_reason",
)


async def workbook(uow: UnitOfWork, cycle_id: str, caller: Principal) -> bytes:
    """Every result sheet and the summaries as an Excel workbook."""
    report = await summary(uow, cycle_id, caller)
    async with uow:
        rows = await _rows(uow, cycle_id)
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Results"
        sheet.append(list(RESULT_COLUMNS))
        for r in rows:
            values = [getattr(r, c) for c in RESULT_COLUMNS]
            sheet.append([v if isinstance(v, Decimal) else safe_cell(str(v or "")) for v in values])
    for title, groups in (("By grade", report.by_grade), ("By branch", report.by_branch)):
        page = book.create_sheet(title)
        page.append(["group", "managers", "total profit", "mean", "median", "min", "max", "mean score"])
        for g in groups:
            page.append(
                [
                    safe_cell(g.group),
                    g.managers,
                    g.total_profit,
                    g.mean_profit,
                    g.median_profit,
                    g.min_profit,
                    g.max_profit,
                    g.mean_score,
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
