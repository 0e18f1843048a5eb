"""The cooperative's appraisal at a glance: distributions by grade and branch, charts and a workbook."""

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select

from services.appraisal.domain.summary import group_figures, grouped, rising_bands, score_bands
from services.appraisal.models import ResultRow
from services.appraisal.queries import charts
from services.appraisal.schemas.results import GroupSummary, OfficeSummary, SummaryRead
from services.appraisal.service.common import cycle_in_org, ladder_for_year, today
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.offices import members_by_office, subtree
from shared.spreadsheet import Column, Language, Table, to_xlsx
from shared.uow import UnitOfWork


def _group(name: str, rows: Sequence[ResultRow]) -> GroupSummary:
    return GroupSummary(group=name, **asdict(group_figures(rows)))


def _by(
    rows: Sequence[ResultRow], key: Callable[[ResultRow], str], order: Sequence[str] = ()
) -> list[GroupSummary]:
    return [_group(name, members) for name, members in grouped(rows, key, order)]


async def _rows(uow: UnitOfWork, cycle_id: str, caller: Principal) -> list[ResultRow]:
    """The cycle's result rows inside the caller's office scope."""
    return list(
        await uow.session.scalars(
            select(ResultRow)
            .where(ResultRow.cycle_id == cycle_id, SCOPE.staff_in_scope(caller, ResultRow.manager_id))
            .order_by(ResultRow.manager_id)
        )
    )


async def summary(uow: UnitOfWork, cycle_id: str, caller: Principal) -> SummaryRead:
    """Distribution of profit and scores, by grade and by branch, with score bands."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        rows = await _rows(uow, cycle.id, caller)
        _, ladder = await ladder_for_year(uow, cycle.org_id, cycle.year)
        ladder_order = [g.code for g in sorted(ladder, key=lambda g: g.rank)]
        return SummaryRead(
            cycle_id=cycle.id,
            year=cycle.year,
            version=cycle.version,
            status=cycle.status,
            managers=len(rows),
            by_grade=_by(rows, lambda r: r.grade or "none", ladder_order),
            by_branch=_by(rows, lambda r: r.branch or "none"),
            score_bands=score_bands(r.score for r in rows),
        )


async def by_office(
    uow: UnitOfWork, cycle_id: str, caller: Principal, as_of: date | None = None
) -> list[OfficeSummary]:
    """Figures per office of the tree (today's, or as of a date) over the CMs placed at or below it."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        rows = {r.manager_id: r for r in await _rows(uow, cycle.id, caller)}
        tree = await SCOPE.tree(uow.session, caller.org_id, as_of or today())
        placed = await SCOPE.placements(uow.session, caller.org_id)
        own = await SCOPE.office_of(uow.session, caller)
        visible = set(subtree(tree, own)) if own is not None else set(tree)
        found = members_by_office(tree, {m: o for m, o in placed.items() if m in rows})
        return [
            OfficeSummary(
                **_group(tree[office].name, [rows[m] for m in members]).model_dump(),
                office_id=office,
                parent_id=tree[office].parent_id,
                code=tree[office].code,
                name=tree[office].name,
            )
            for office, members in found.items()
            if members and office in visible
        ]


GRADE_NAMES = {
    "zh-CN": {"senior": "高级客户经理", "cm": "客户经理", "trainee": "见习客户经理", "none": "无等级"},
    "en": {"senior": "Senior CM", "cm": "CM", "trainee": "Trainee CM", "none": "no grade"},
}
PROPOSALS = {
    "zh-CN": {"promote": "晋升", "keep": "保持", "demote": "降级", "remove": "取消资格"},
    "en": {},
}


def chart_svg(report: SummaryRead, lang: Language = "en") -> bytes:
    """Profit by grade (ladder order) and by branch, and the spread of scores, as one SVG."""
    return charts.summary_svg(report, lang, GRADE_NAMES[lang], rising_bands())


RESULT_COLUMNS = (
    Column("manager_id", "CM id", "客户经理编号"),
    Column("name", "CM", "客户经理"),
    Column("branch", "Branch", "网点"),
    Column("grade", "Grade", "等级"),
    Column("direct_profit", "Direct profit", "直接利润", "money"),
    Column("pool_profit", "Team pool profit", "小组利润分配", "money"),
    Column("attributed_profit", "Attributed profit", "归属利润", "money"),
    Column("score", "Non-profit score", "非利润考核得分", "number"),
    Column("floating_rate", "Floating pay rate", "浮动收入比例", "rate"),
    Column("floating_pay", "Floating pay", "浮动收入", "money"),
    Column("fixed_pay", "Fixed pay", "固定收入", "money"),
    Column("overspend", "Expense overspend", "超标费用", "money"),
    Column("net_pay", "Net pay", "应发收入", "money"),
    Column("carried_loss_out", "Loss carried forward", "结转亏损", "money"),
    Column("proposal", "Proposal", "等级建议"),
    Column("proposal_reason", "Reason", "建议理由"),
)
GROUP_COLUMNS = (
    Column("group", "Group", "分组"),
    Column("managers", "CMs", "客户经理人数", "integer"),
    Column("total_profit", "Total profit", "利润合计", "money"),
    Column("mean_profit", "Mean profit", "平均利润", "money"),
    Column("median_profit", "Median profit", "利润中位数", "money"),
    Column("min_profit", "Lowest profit", "最低利润", "money"),
    Column("max_profit", "Highest profit", "最高利润", "money"),
    Column("mean_score", "Mean score", "平均得分", "number"),
    Column("total_floating_pay", "Floating pay", "浮动收入合计", "money"),
)

OFFICE_COLUMNS = (
    Column("code", "Office code", "机构代码"),
    Column("name", "Office (with the offices below it)", "机构（含下辖机构）"),
    Column("parent_id", "Parent office id", "上级机构编号"),
    *GROUP_COLUMNS[1:],
)


def _result_values(r: ResultRow, lang: Language) -> dict[str, Any]:
    values = {c.key: getattr(r, c.key) for c in RESULT_COLUMNS}
    values["grade"] = GRADE_NAMES[lang].get(r.grade or "none", r.grade)
    values["proposal"] = PROPOSALS[lang].get(r.proposal, r.proposal)
    return values


def _group_values(g: GroupSummary, lang: Language, grades: bool) -> dict[str, Any]:
    values = g.model_dump()
    if grades:
        values["group"] = GRADE_NAMES[lang].get(g.group, g.group)
    return values


async def workbook(uow: UnitOfWork, cycle_id: str, caller: Principal, lang: Language = "en") -> bytes:
    """Every result sheet and the summaries as an Excel workbook, in the caller's language."""
    report = await summary(uow, cycle_id, caller)
    offices = [o.model_dump() for o in await by_office(uow, cycle_id, caller)]
    async with uow:
        results = [_result_values(r, lang) for r in await _rows(uow, cycle_id, caller)]
    return to_xlsx(
        [
            Table("Results", "考核结果", RESULT_COLUMNS, results),
            Table(
                "By grade",
                "按等级",
                GROUP_COLUMNS,
                [_group_values(g, lang, grades=True) for g in report.by_grade],
            ),
            Table(
                "By branch",
                "按网点",
                GROUP_COLUMNS,
                [_group_values(g, lang, grades=False) for g in report.by_branch],
            ),
            Table("By office", "按机构", OFFICE_COLUMNS, offices),  # a branch includes its outlets
        ],
        lang,
    )
