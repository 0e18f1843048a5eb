"""R-A4: a cycle's team pools as read: each pool's amount and, once its lead split it, the split."""

from decimal import Decimal

from sqlalchemy import select

from services.appraisal.domain.attribution import split_in_force
from services.appraisal.models import PoolAllocationRow, PoolRow, TeamRow
from services.appraisal.schemas.cycles import PoolRead
from services.appraisal.service.common import cycle_in_org, may_read_all
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.uow import UnitOfWork


async def pools_of(uow: UnitOfWork, cycle_id: str) -> list[PoolRead]:
    """R-A4: the cycle's team pools and their allocations."""
    allocations: dict[str, dict[str, Decimal]] = {}
    for a in await uow.session.scalars(
        select(PoolAllocationRow).where(PoolAllocationRow.cycle_id == cycle_id)
    ):
        allocations.setdefault(a.team_id, {})[a.manager_id] = a.amount
    pools = await uow.session.scalars(
        select(PoolRow).where(PoolRow.cycle_id == cycle_id).order_by(PoolRow.team_id)
    )
    read: list[PoolRead] = []
    for p in pools:
        allocated, split = split_in_force(p.amount, p.allocated_for, allocations.get(p.team_id, {}))
        read.append(PoolRead(team_id=p.team_id, amount=p.amount, allocated=allocated, allocations=split))
    return read


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
