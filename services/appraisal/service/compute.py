"""R-A2..R-A4, R-P1, R-Q8: computing a cycle, with the heavy sums done by the database."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select

from services.appraisal.domain.attribution import from_fen, to_fen
from services.appraisal.domain.evaluation import Source, combined_score
from services.appraisal.domain.grading import GradeTerms, propose
from services.appraisal.domain.pay import ZERO, GradeTime, LossPolicy, YearTerms, pay_sheet, year_terms
from services.appraisal.models import (
    CycleRow,
    EvaluationRow,
    ManagerRow,
    OverspendRow,
    ParticipantRow,
    PoolAllocationRow,
    PoolRow,
    ResultRow,
)
from services.appraisal.service.attribution import Attribution, attribute_year
from services.appraisal.service.common import days_in_grades, end_of_year, grades_at, ladder_for_year
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _pools(uow: UnitOfWork, cycle_id: str, teams: dict[str, int]) -> dict[str, int]:
    """Refresh the cycle's pools; the allocations that still fit their pool go to the members."""
    existing = {
        p.team_id: p for p in await uow.session.scalars(select(PoolRow).where(PoolRow.cycle_id == cycle_id))
    }
    for team_id, gone in existing.items():
        if team_id not in teams:
            await uow.session.delete(gone)
    for team_id, fen in teams.items():
        pool = existing.get(team_id)
        if pool is None:
            uow.session.add(PoolRow(cycle_id=cycle_id, team_id=team_id, amount=from_fen(fen)))
        else:
            pool.amount = from_fen(fen)
    await uow.session.flush()
    allocated: dict[str, int] = defaultdict(int)
    valid = {t for t, p in existing.items() if t in teams and p.allocated_for == from_fen(teams[t])}
    for a in await uow.session.scalars(
        select(PoolAllocationRow).where(PoolAllocationRow.cycle_id == cycle_id)
    ):
        if a.team_id in valid:
            allocated[a.manager_id] += to_fen(a.amount)
    return allocated


async def _scores(uow: UnitOfWork, cycle: CycleRow) -> dict[str, dict[Source, Decimal]]:
    rows = await uow.session.execute(
        select(EvaluationRow.manager_id, EvaluationRow.source, func.sum(EvaluationRow.score), func.count())
        .where(EvaluationRow.cycle_id == cycle.id)
        .group_by(EvaluationRow.manager_id, EvaluationRow.source)
    )
    found: dict[str, dict[Source, Decimal]] = defaultdict(dict)
    for manager_id, source, total, count in rows:
        found[manager_id][Source(source)] = (total / count).quantize(Decimal("0.01"))
    return found


async def _carried_losses(uow: UnitOfWork, cycle: CycleRow) -> dict[str, Decimal]:
    if cycle.loss_policy != LossPolicy.CARRY_FORWARD.value:
        return {}
    previous = await uow.session.scalar(
        select(CycleRow.id).where(
            CycleRow.org_id == cycle.org_id, CycleRow.year == cycle.year - 1, CycleRow.status == "finalized"
        )
    )
    if previous is None:
        return {}
    rows = await uow.session.execute(
        select(ResultRow.manager_id, ResultRow.carried_loss_out).where(ResultRow.cycle_id == previous)
    )
    return {m: v for m, v in rows}


def _year_terms(
    held: dict[str, int], grade: str | None, by_code: dict[str, GradeTerms], days_in_year: int
) -> YearTerms:
    """R-P1: the grades held during the year; without a history for the year, the year-end grade."""
    spans = [
        GradeTime(code, days, by_code[code].floating_rate, by_code[code].fixed_pay)
        for code, days in held.items()
        if code in by_code
    ]
    if spans:
        return year_terms(spans, days_in_year)
    terms = by_code.get(grade or "")
    return YearTerms.whole_year(terms.floating_rate if terms else ZERO, terms.fixed_pay if terms else ZERO)


async def compute(uow: UnitOfWork, cycle: CycleRow) -> tuple[Attribution, int]:
    """Recompute every participant's result sheet; returns the attribution and the participant count."""
    participants = list(
        await uow.session.scalars(
            select(ParticipantRow.manager_id).where(ParticipantRow.cycle_id == cycle.id)
        )
    )
    managers = {
        m.manager_id: m
        for m in await uow.session.scalars(select(ManagerRow).where(ManagerRow.org_id == cycle.org_id))
    }
    ladder_version, grades = await ladder_for_year(uow, cycle.org_id, cycle.year)
    by_code = {g.code: g for g in grades}
    year_grades = await grades_at(uow, participants, end_of_year(cycle.year))
    held = await days_in_grades(uow, participants, cycle.year)
    days_in_year = (date(cycle.year + 1, 1, 1) - date(cycle.year, 1, 1)).days
    attribution = await attribute_year(uow, cycle.org_id, cycle.year)
    pooled = await _pools(uow, cycle.id, attribution.teams)
    scores = await _scores(uow, cycle)
    weights = {k: Decimal(v) for k, v in cycle.source_weights.items()}
    overspends = dict(
        (
            await uow.session.execute(
                select(OverspendRow.manager_id, OverspendRow.overspend).where(
                    OverspendRow.org_id == cycle.org_id, OverspendRow.year == cycle.year
                )
            )
        ).all()
    )
    carried = await _carried_losses(uow, cycle)
    policy = LossPolicy(cycle.loss_policy)
    await uow.session.execute(delete(ResultRow).where(ResultRow.cycle_id == cycle.id))
    rows: list[dict[str, object]] = []
    for manager_id in participants:
        manager = managers.get(manager_id)
        grade = year_grades.get(manager_id) or (manager.grade if manager else None)
        direct, pool = from_fen(attribution.managers.get(manager_id, 0)), from_fen(pooled.get(manager_id, 0))
        profit = direct + pool
        score = combined_score(scores.get(manager_id, {}), weights)
        sheet = pay_sheet(
            profit,
            _year_terms(held.get(manager_id, {}), grade, by_code, days_in_year),
            overspends.get(manager_id, ZERO),
            policy,
            carried.get(manager_id, ZERO),
        )
        kind, reason = propose(grades, grade or "", score, profit)
        rows.append(
            {
                "cycle_id": cycle.id,
                "manager_id": manager_id,
                "name": manager.name if manager else "",
                "branch": manager.branch if manager else "",
                "grade": grade,
                "direct_profit": direct,
                "pool_profit": pool,
                "attributed_profit": profit,
                "source_scores": {s.value: str(v) for s, v in scores.get(manager_id, {}).items()},
                "score": score,
                "carried_loss_in": sheet.carried_loss_in,
                "floating_rate": str(sheet.floating_rate),
                "floating_pay": sheet.floating_pay,
                "carried_loss_out": sheet.carried_loss_out,
                "fixed_pay": sheet.fixed_pay,
                "overspend": sheet.overspend,
                "net_pay": sheet.net_pay,
                "proposal": kind.value,
                "proposal_reason": reason,
                "explanation": sheet.explanation,
            }
        )
    if rows:
        await uow.session.execute(insert(ResultRow), rows)
    cycle.status = "computed"
    cycle.computed_at = utcnow()
    cycle.ladder_version = ladder_version
    cycle.unattributed_profit = from_fen(attribution.unattributed)
    return attribution, len(participants)
