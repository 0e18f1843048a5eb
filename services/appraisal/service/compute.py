"""R-A2..R-A4, R-P1, R-Q8: computing a cycle, with the heavy sums done by the database."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select

from services.appraisal.domain.attribution import from_fen, to_fen
from services.appraisal.domain.evaluation import Source, mean_score
from services.appraisal.domain.pay import ZERO, LossPolicy
from services.appraisal.domain.sheet import Attribution, Figures, refresh_pools, result_sheet
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
from services.appraisal.service.attribution import attribute_year
from services.appraisal.service.common import days_in_grades, end_of_year, grades_at, ladder_for_year
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _pools(uow: UnitOfWork, cycle_id: str, teams: dict[str, int]) -> dict[str, int]:
    """Refresh the cycle's pools; the allocations that still fit their pool go to the members."""
    existing = {
        p.team_id: p for p in await uow.session.scalars(select(PoolRow).where(PoolRow.cycle_id == cycle_id))
    }
    gone, valid = refresh_pools({t: p.allocated_for for t, p in existing.items()}, teams)
    for team_id in gone:
        await uow.session.delete(existing[team_id])
    for team_id, fen in teams.items():
        pool = existing.get(team_id)
        if pool is None:
            uow.session.add(PoolRow(cycle_id=cycle_id, team_id=team_id, amount=from_fen(fen)))
        else:
            pool.amount = from_fen(fen)
    await uow.session.flush()
    allocated: dict[str, int] = defaultdict(int)
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
        found[manager_id][Source(source)] = mean_score(total, count)
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
        figures = Figures(
            grade=year_grades.get(manager_id) or (manager.grade if manager else None),
            direct_fen=attribution.managers.get(manager_id, 0),
            pool_fen=pooled.get(manager_id, 0),
            scores=scores.get(manager_id, {}),
            held=held.get(manager_id, {}),
            overspend=overspends.get(manager_id, ZERO),
            carried_loss=carried.get(manager_id, ZERO),
        )
        sheet = result_sheet(figures, grades, weights, policy, days_in_year)
        rows.append(
            {
                "cycle_id": cycle.id,
                "manager_id": manager_id,
                "name": manager.name if manager else "",
                "branch": manager.branch if manager else "",
                "grade": figures.grade,
                "direct_profit": sheet.direct_profit,
                "pool_profit": sheet.pool_profit,
                "attributed_profit": sheet.profit,
                "source_scores": {s.value: str(v) for s, v in scores.get(manager_id, {}).items()},
                "score": sheet.score,
                "carried_loss_in": sheet.pay.carried_loss_in,
                "floating_rate": str(sheet.pay.floating_rate),
                "floating_pay": sheet.pay.floating_pay,
                "carried_loss_out": sheet.pay.carried_loss_out,
                "fixed_pay": sheet.pay.fixed_pay,
                "overspend": sheet.pay.overspend,
                "net_pay": sheet.pay.net_pay,
                "proposal": sheet.proposal.value,
                "proposal_reason": sheet.proposal_reason,
                "explanation": sheet.pay.explanation,
            }
        )
    if rows:
        await uow.session.execute(insert(ResultRow), rows)
    cycle.status = "computed"
    cycle.computed_at = utcnow()
    cycle.ladder_version = ladder_version
    cycle.unattributed_profit = from_fen(attribution.unattributed)
    return attribution, len(participants)
