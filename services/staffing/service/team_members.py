"""A team's current members with their names, for its lead (R-A4 pool splits) and those who read the roll."""

from sqlalchemy import select

from services.staffing.models import ManagerRow, TeamMemberRow, TeamRow
from services.staffing.schemas.teams import TeamMemberRead
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.uow import UnitOfWork

ROLL_READERS = (Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.AUDITOR)


async def members(uow: UnitOfWork, team_id: str, caller: Principal) -> list[TeamMemberRead]:
    """The lead reads their own team; a CM who does not lead it gets the answer for an unknown team."""
    async with uow:
        team = await uow.session.get(TeamRow, team_id)
        if (
            team is None
            or team.org_id != caller.org_id
            or (team.lead_id != caller.user_id and not caller.has_any(ROLL_READERS))
        ):
            raise NotFound("staffing.team.not_found", team_id=team_id)
        rows = await uow.session.execute(
            select(TeamMemberRow.manager_id, ManagerRow.name, ManagerRow.grade, TeamMemberRow.joined_at)
            .join(ManagerRow, ManagerRow.id == TeamMemberRow.manager_id)
            .where(TeamMemberRow.team_id == team.id, TeamMemberRow.left_at.is_(None))
            .order_by(TeamMemberRow.id)
        )
        return [
            TeamMemberRead(manager_id=m, name=name, grade=grade, joined_at=joined)
            for m, name, grade, joined in rows
        ]
