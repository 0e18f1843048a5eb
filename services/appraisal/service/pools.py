"""R-A4: the team lead splits the team's pooled profit among its members."""

from sqlalchemy import delete, select

from services.appraisal.domain.attribution import split_pool
from services.appraisal.models import PoolAllocationRow, PoolRow, TeamRow
from services.appraisal.schemas.cycles import AllocationCreate, PoolRead
from services.appraisal.service.common import cycle_in_org, may_read_all, status_of
from services.appraisal.service.finalize import pools_of
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def allocate(
    uow: UnitOfWork, cycle_id: str, team_id: str, cmd: AllocationCreate, caller: Principal
) -> PoolRead:
    """Only the team's lead splits its pool; the split adds up exactly to the pool as computed."""
    async with uow:
        # Only the lead learns that the pool exists: anyone else is answered as for an unknown pool.
        missing = NotFound("appraisal.pool.not_led", team_id=team_id, cycle_id=cycle_id)
        cycle = await cycle_in_org(uow, cycle_id, caller, missing)
        team = await uow.session.get(TeamRow, team_id)
        pool = await uow.session.get(PoolRow, (cycle.id, team_id))
        if team is None or team.org_id != caller.org_id or pool is None or team.lead_id != caller.user_id:
            raise missing
        split = split_pool(status_of(cycle), pool.amount, cmd.allocations, set(team.member_ids))
        await uow.session.execute(
            delete(PoolAllocationRow).where(
                PoolAllocationRow.cycle_id == cycle.id, PoolAllocationRow.team_id == team_id
            )
        )
        for manager_id, amount in split:
            uow.session.add(
                PoolAllocationRow(cycle_id=cycle.id, team_id=team_id, manager_id=manager_id, amount=amount)
            )
        pool.allocated_for, pool.allocated_by, pool.allocated_at = pool.amount, caller.user_id, utcnow()
        await uow.commit()
        return next(p for p in await pools_of(uow, cycle.id) if p.team_id == team_id)


async def list_pools(uow: UnitOfWork, cycle_id: str, caller: Principal) -> list[PoolRead]:
    """The pools of a cycle: every one for readers, a lead's own team's for a CM."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        pools = await pools_of(uow, cycle.id)
        if may_read_all(caller):
            inside = await SCOPE.staff_ids(uow.session, caller)
            if inside is None:
                return pools
            teams = select(TeamRow.team_id).where(
                TeamRow.org_id == caller.org_id, TeamRow.lead_id.in_(inside)
            )
            ours = set(await uow.session.scalars(teams))  # a team's pool is its lead's office's
            return [p for p in pools if p.team_id in ours]
        led = set(await uow.session.scalars(select(TeamRow.team_id).where(TeamRow.lead_id == caller.user_id)))
        return [p for p in pools if p.team_id in led]
