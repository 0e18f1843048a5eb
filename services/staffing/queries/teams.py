"""Teams as callers read them: the cooperative's teams, and a team's roll with names (R-C2, R-A4)."""

from sqlalchemy import select

from services.staffing.domain import access
from services.staffing.models import ManagerRow, TeamMemberRow, TeamRow
from services.staffing.schemas.teams import TeamMemberRead, TeamRead
from shared.auth import Principal
from shared.pagination import Page
from shared.uow import UnitOfWork


async def member_ids(uow: UnitOfWork, team_id: str) -> list[str]:
    """The team's current members, in the order they joined."""
    rows = await uow.session.scalars(
        select(TeamMemberRow.manager_id)
        .where(TeamMemberRow.team_id == team_id, TeamMemberRow.left_at.is_(None))
        .order_by(TeamMemberRow.id)
    )
    return list(rows)


async def read(uow: UnitOfWork, team: TeamRow) -> TeamRead:
    """A team with its current members."""
    return TeamRead(
        id=team.id,
        name=team.name,
        lead_id=team.lead_id,
        member_ids=await member_ids(uow, team.id),
        created_at=team.created_at,
        dissolved_at=team.dissolved_at,
    )


async def list_teams(
    uow: UnitOfWork, caller: Principal, include_dissolved: bool, page: Page
) -> list[TeamRead]:
    """Teams of the cooperative."""
    query = select(TeamRow).where(TeamRow.org_id == caller.org_id)
    if not include_dissolved:
        query = query.where(TeamRow.dissolved_at.is_(None))
    async with uow:
        teams = await page.rows(uow.session, query.order_by(TeamRow.created_at, TeamRow.id))
        return [await read(uow, t) for t in teams]


async def members(uow: UnitOfWork, team_id: str, caller: Principal) -> list[TeamMemberRead]:
    """The lead reads their own team; a CM who does not lead it gets the answer for an unknown team."""
    async with uow:
        team = await uow.session.get(TeamRow, team_id)
        known = team is not None and access.in_org(team.org_id, caller.org_id)
        access.check_roll_reader(team_id, known, team.lead_id if team else None, caller.user_id, caller.roles)
        rows = await uow.session.execute(
            select(TeamMemberRow.manager_id, ManagerRow.name, ManagerRow.grade, TeamMemberRow.joined_at)
            .join(ManagerRow, ManagerRow.id == TeamMemberRow.manager_id)
            .where(TeamMemberRow.team_id == team_id, TeamMemberRow.left_at.is_(None))
            .order_by(TeamMemberRow.id)
        )
        return [
            TeamMemberRead(manager_id=m, name=name, grade=grade, joined_at=joined)
            for m, name, grade, joined in rows
        ]
