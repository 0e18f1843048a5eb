"""R-A1: opening a year's cycle (by hand or on the configured January day), corrections, deadlines."""

import secrets

from sqlalchemy import select

from services.appraisal.domain import cycle as rules
from services.appraisal.models import (
    AssignmentPeriodRow,
    CycleRow,
    EvaluationRow,
    ManagerRow,
    ParticipantRow,
    PoolAllocationRow,
    PoolRow,
    SampleRow,
)
from services.appraisal.queries.cycles import read_cycle
from services.appraisal.schemas.cycles import CycleCorrection, CycleCreate, CycleRead, DeadlineUpdate
from services.appraisal.service.common import cycle_in_org, status_of, today
from services.appraisal.settings import AppraisalSettings
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _versions(uow: UnitOfWork, org_id: str, year: int) -> list[tuple[int, str]]:
    rows = await uow.session.execute(
        select(CycleRow.version, CycleRow.status).where(CycleRow.org_id == org_id, CycleRow.year == year)
    )
    return [(v, s) for v, s in rows]


async def _portfolios(uow: UnitOfWork, org_id: str) -> dict[str, list[str]]:
    """Each CM's customers now: every current assignment the CM is on."""
    rows = await uow.session.execute(
        select(AssignmentPeriodRow.customer_id, AssignmentPeriodRow.manager_ids).where(
            AssignmentPeriodRow.org_id == org_id, AssignmentPeriodRow.valid_to.is_(None)
        )
    )
    return rules.portfolios(rows)


async def _open(
    uow: UnitOfWork,
    settings: AppraisalSettings,
    org_id: str,
    year: int,
    by: str,
    cmd: CycleCreate,
) -> CycleRow:
    existing = await _versions(uow, org_id, year)
    staff = await uow.session.execute(
        select(ManagerRow.manager_id, ManagerRow.standing, ManagerRow.grade).where(
            ManagerRow.org_id == org_id
        )
    )
    managers = [m for m, standing, grade in staff if rules.takes_part(standing, grade)]
    seed = cmd.seed or secrets.token_hex(8)
    config = rules.OpeningConfig(
        settings.deadline_days, settings.customer_sample_size, settings.loss_policy.value
    )
    loss_policy = cmd.loss_policy.value if cmd.loss_policy else None
    opening = rules.open_cycle(
        existing, cmd.deadline, cmd.sample_size, loss_policy, seed,
        managers, await _portfolios(uow, org_id), config, today(),
    )  # fmt: skip
    row = CycleRow(
        id=f"cy-{year}-{secrets.token_hex(6)}",
        org_id=org_id,
        year=year,
        version=opening.version,
        status=rules.CycleStatus.OPEN.value,
        deadline=opening.deadline,
        seed=seed,
        sample_size=opening.sample_size,
        source_weights=settings.source_weights(),
        criteria_weights=settings.criteria_weights(),
        loss_policy=opening.loss_policy,
        opened_by=by,
        opened_at=utcnow(),
    )
    uow.session.add(row)
    for manager_id, sample in opening.samples.items():
        uow.session.add(ParticipantRow(cycle_id=row.id, manager_id=manager_id))
        for customer_id in sample:
            uow.session.add(SampleRow(cycle_id=row.id, manager_id=manager_id, customer_id=customer_id))
    await uow.session.flush()
    return row


async def open_cycle(
    uow: UnitOfWork, settings: AppraisalSettings, cmd: CycleCreate, caller: Principal
) -> CycleRead:
    """R-A1: a supervisor opens the appraisal of a year that has ended."""
    rules.check_year(cmd.year, today())
    async with uow:
        row = await _open(uow, settings, caller.org_id, cmd.year, caller.user_id, cmd)
        await uow.commit()
        return await read_cycle(uow, row)


async def open_due_cycles(uow: UnitOfWork, settings: AppraisalSettings) -> list[str]:
    """R-A1: on the configured January day, open last year's cycle for every cooperative that has none."""
    year = rules.auto_open_due(today(), settings.auto_open_month, settings.auto_open_day)
    if year is None:
        return []
    opened: list[str] = []
    async with uow:
        orgs = await uow.session.scalars(select(ManagerRow.org_id).distinct())
        for org_id in list(orgs):
            if await _versions(uow, org_id, year):
                continue
            row = await _open(uow, settings, org_id, year, "system:auto-open", CycleCreate(year=year))
            opened.append(row.id)
        await uow.commit()
    return opened


async def correct_cycle(
    uow: UnitOfWork, settings: AppraisalSettings, cycle_id: str, cmd: CycleCorrection, caller: Principal
) -> CycleRead:
    """A finalized cycle is corrected by a new version, with the reason; evaluations carry over."""
    async with uow:
        old = await cycle_in_org(uow, cycle_id, caller)
        versions = [v for v, _ in await _versions(uow, old.org_id, old.year)]
        fix = rules.correct(status_of(old), versions, cmd.deadline, settings.deadline_days, today())
        row = CycleRow(
            id=f"cy-{old.year}-{secrets.token_hex(6)}",
            org_id=old.org_id,
            year=old.year,
            version=fix.version,
            status=rules.CycleStatus.OPEN.value,
            deadline=fix.deadline,
            seed=old.seed,
            sample_size=old.sample_size,
            source_weights=old.source_weights,
            criteria_weights=old.criteria_weights,
            loss_policy=old.loss_policy,
            supersedes_id=old.id,
            correction_reason=cmd.reason,
            opened_by=caller.user_id,
            opened_at=utcnow(),
        )
        uow.session.add(row)
        await uow.session.flush()
        await _copy_inputs(uow, old.id, row.id)
        await uow.commit()
        return await read_cycle(uow, row)


async def _copy_inputs(uow: UnitOfWork, old_id: str, new_id: str) -> None:
    for p in await uow.session.scalars(select(ParticipantRow).where(ParticipantRow.cycle_id == old_id)):
        uow.session.add(ParticipantRow(cycle_id=new_id, manager_id=p.manager_id))
    for s in await uow.session.scalars(select(SampleRow).where(SampleRow.cycle_id == old_id)):
        uow.session.add(SampleRow(cycle_id=new_id, manager_id=s.manager_id, customer_id=s.customer_id))
    for e in await uow.session.scalars(select(EvaluationRow).where(EvaluationRow.cycle_id == old_id)):
        copy = {c.key: getattr(e, c.key) for c in EvaluationRow.__table__.columns if c.key != "id"}
        uow.session.add(EvaluationRow(**{**copy, "cycle_id": new_id}))
    for pool in await uow.session.scalars(select(PoolRow).where(PoolRow.cycle_id == old_id)):
        copy = {c.key: getattr(pool, c.key) for c in PoolRow.__table__.columns}
        uow.session.add(PoolRow(**{**copy, "cycle_id": new_id}))
    for a in await uow.session.scalars(select(PoolAllocationRow).where(PoolAllocationRow.cycle_id == old_id)):
        uow.session.add(
            PoolAllocationRow(cycle_id=new_id, team_id=a.team_id, manager_id=a.manager_id, amount=a.amount)
        )


async def set_deadline(uow: UnitOfWork, cycle_id: str, cmd: DeadlineUpdate, caller: Principal) -> CycleRead:
    """Move the evaluation deadline of a cycle that is not finalized."""
    async with uow:
        row = await cycle_in_org(uow, cycle_id, caller)
        row.deadline = rules.move_deadline(status_of(row), cmd.deadline, today())
        await uow.commit()
        return await read_cycle(uow, row)
