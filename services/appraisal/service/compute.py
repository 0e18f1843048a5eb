"""R-A2..R-A4, R-P1, R-Q8: computing a cycle, with the heavy sums done by the database."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import delete, func, insert, select

from services.appraisal.domain import computation
from services.appraisal.domain import cycle as rules
from services.appraisal.domain.attribution import from_fen
from services.appraisal.domain.computation import Computed, Year
from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.evaluation import Source, mean_score
from services.appraisal.domain.pay import LossPolicy
from services.appraisal.domain.sheet import Attribution, pooled_profit, refresh_pools
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
from services.appraisal.service.common import grade_history, ladder_for_year
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
    allocations = await uow.session.execute(
        select(PoolAllocationRow.team_id, PoolAllocationRow.manager_id, PoolAllocationRow.amount).where(
            PoolAllocationRow.cycle_id == cycle_id
        )
    )
    return pooled_profit(allocations, valid)


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


async def _overspends(uow: UnitOfWork, cycle: CycleRow) -> dict[str, Decimal]:
    rows = await uow.session.execute(
        select(OverspendRow.manager_id, OverspendRow.overspend).where(
            OverspendRow.org_id == cycle.org_id, OverspendRow.year == cycle.year
        )
    )
    return dict(rows.all())


async def _carried_losses(uow: UnitOfWork, cycle: CycleRow) -> dict[str, Decimal]:
    if cycle.loss_policy != LossPolicy.CARRY_FORWARD.value:
        return {}
    previous = await uow.session.scalar(
        select(CycleRow.id).where(
            CycleRow.org_id == cycle.org_id,
            CycleRow.year == cycle.year - 1,
            CycleRow.status == CycleStatus.FINALIZED.value,
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
    status = rules.recompute(CycleStatus(cycle.status))
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
    attribution = await attribute_year(uow, cycle.org_id, cycle.year)
    year = Year(
        year=cycle.year,
        grades=grades,
        source_weights={k: Decimal(v) for k, v in cycle.source_weights.items()},
        policy=LossPolicy(cycle.loss_policy),
        history=await grade_history(uow, participants, cycle.year),
        known_grades={m: row.grade for m, row in managers.items()},
        attribution=attribution,
        pooled=await _pools(uow, cycle.id, attribution.teams),
        scores=await _scores(uow, cycle),
        overspends=await _overspends(uow, cycle),
        carried_losses=await _carried_losses(uow, cycle),
    )
    await uow.session.execute(delete(ResultRow).where(ResultRow.cycle_id == cycle.id))
    rows = [_row(cycle.id, managers.get(c.manager_id), c) for c in computation.compute(participants, year)]
    if rows:
        await uow.session.execute(insert(ResultRow), rows)
    cycle.status = status.value
    cycle.computed_at = utcnow()
    cycle.ladder_version = ladder_version
    cycle.unattributed_profit = from_fen(attribution.unattributed)
    return attribution, len(participants)


def _row(cycle_id: str, manager: ManagerRow | None, computed: Computed) -> dict[str, object]:
    """A result sheet as the `results` table keeps it."""
    sheet, scores = computed.sheet, computed.figures.scores
    return {
        "cycle_id": cycle_id,
        "manager_id": computed.manager_id,
        "name": manager.name if manager else "",
        "branch": manager.branch if manager else "",
        "grade": computed.figures.grade,
        "direct_profit": sheet.direct_profit,
        "pool_profit": sheet.pool_profit,
        "attributed_profit": sheet.profit,
        "source_scores": {s.value: str(v) for s, v in scores.items()},
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
