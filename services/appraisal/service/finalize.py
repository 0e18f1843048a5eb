"""Computing and finalizing a cycle; finalized results are published on `appraisal.results`."""

from sqlalchemy import select

from services.appraisal.domain import cycle as rules
from services.appraisal.domain.attribution import from_fen
from services.appraisal.domain.computation import attributed_total
from services.appraisal.models import CycleRow, ResultRow
from services.appraisal.queries.cycles import read_cycle
from services.appraisal.queries.pools import pools_of
from services.appraisal.schemas.cycles import ComputeRead
from services.appraisal.service.common import cycle_in_org, status_of
from services.appraisal.service.compute import compute
from services.appraisal.service.evaluations import missing_in
from shared.auth import Principal
from shared.contracts.appraisal import GradeProposed, ResultFinalized
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _computed(uow: UnitOfWork, cycle: CycleRow) -> ComputeRead:
    attribution, participants = await compute(uow, cycle)
    missing = await missing_in(uow, cycle)
    await uow.session.flush()
    return ComputeRead(
        cycle=await read_cycle(uow, cycle),
        participants=participants,
        attributed_profit=from_fen(attributed_total(attribution)),
        unattributed_profit=from_fen(attribution.unattributed),
        pools=await pools_of(uow, cycle.id),
        missing_evaluations=len(missing),
    )


async def compute_cycle(uow: UnitOfWork, cycle_id: str, caller: Principal) -> ComputeRead:
    """Compute (or recompute) a cycle's result sheets from the ledger and the evaluations so far."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        outcome = await _computed(uow, cycle)
        await uow.commit()
        return outcome


async def _previous_proposals(uow: UnitOfWork, cycle: CycleRow) -> dict[str, str]:
    if cycle.supersedes_id is None:
        return {}
    rows = await uow.session.execute(
        select(ResultRow.manager_id, ResultRow.proposal).where(ResultRow.cycle_id == cycle.supersedes_id)
    )
    return {m: p for m, p in rows}


async def finalize_cycle(uow: UnitOfWork, cycle_id: str, caller: Principal) -> ComputeRead:
    """R-A1: recompute, refuse while evaluations or pool splits are missing, then freeze and publish."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        outcome = await _computed(uow, cycle)
        results = list(
            await uow.session.scalars(
                select(ResultRow).where(ResultRow.cycle_id == cycle.id).order_by(ResultRow.manager_id)
            )
        )
        finalized = rules.finalize(
            cycle.id,
            status_of(cycle),
            cycle.supersedes_id is not None,
            outcome.missing_evaluations,
            [p.team_id for p in outcome.pools if not p.allocated],
            [(r.manager_id, r.proposal) for r in results],
            await _previous_proposals(uow, cycle),
        )
        for r, decided in zip(results, finalized.sheets, strict=True):
            _publish(uow, cycle, r, changed=decided.proposal_changed)
        old = await uow.session.get(CycleRow, cycle.supersedes_id) if cycle.supersedes_id else None
        if old is not None and finalized.superseded is not None:
            old.status = finalized.superseded.value
        cycle.status = finalized.status.value
        cycle.finalized_by, cycle.finalized_at = caller.user_id, utcnow()
        await uow.commit()
        return outcome.model_copy(update={"cycle": await read_cycle(uow, cycle)})


def _publish(uow: UnitOfWork, cycle: CycleRow, r: ResultRow, changed: bool) -> None:
    uow.emit(
        "appraisal.result-finalized",
        key=r.manager_id,
        org_id=cycle.org_id,
        payload=ResultFinalized(
            manager_id=r.manager_id,
            year=cycle.year,
            cycle_version=cycle.version,
            grade=r.grade,
            attributed_profit=r.attributed_profit,
            score=r.score,
            floating_rate=r.floating_rate,
            floating_pay=r.floating_pay,
            fixed_pay=r.fixed_pay,
            overspend=r.overspend,
            net_pay=r.net_pay,
            carried_loss=r.carried_loss_out,
            proposal=r.proposal,
            correction_reason=cycle.correction_reason,
        ),
    )
    if changed:
        uow.emit(
            "appraisal.grade-proposed",
            key=r.manager_id,
            org_id=cycle.org_id,
            payload=GradeProposed(
                manager_id=r.manager_id,
                year=cycle.year,
                kind=r.proposal,
                reason=r.proposal_reason[:1000],
                cycle_version=cycle.version,
            ),
        )
