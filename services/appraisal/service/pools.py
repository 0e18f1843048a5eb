"""R-A4: the team lead splits the team's pooled profit among its members."""

from sqlalchemy import delete

from services.appraisal.domain.attribution import split_pool
from services.appraisal.models import PoolAllocationRow, PoolRow, TeamRow
from services.appraisal.queries.pools import pools_of
from services.appraisal.schemas.cycles import AllocationCreate, PoolRead
from services.appraisal.service.common import cycle_in_org, status_of
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
