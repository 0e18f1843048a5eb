"""CM teams (R-C2)."""

from fastapi import APIRouter, status

from services.staffing.api.deps import HR, AnyStaff
from services.staffing.queries import teams as team_reads
from services.staffing.schemas.teams import MemberAdd, TeamCreate, TeamMemberRead, TeamRead
from services.staffing.service import teams
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(prefix="/teams", tags=["teams"])


@router.post("", response_model=TeamRead, status_code=status.HTTP_201_CREATED, summary="Form a team (R-C2)")
async def form_team(body: TeamCreate, uow: UoW, caller: HR) -> TeamRead:
    """Led by a certified senior CM; members must be active and certified."""
    return await teams.form_team(uow, body, caller)


@router.get("", response_model=list[TeamRead], summary="List teams")
async def list_teams(
    uow: UoW, caller: AnyStaff, page: Paged, include_dissolved: bool = False
) -> list[TeamRead]:
    """Teams with their current members."""
    return await team_reads.list_teams(uow, caller, include_dissolved, page)


@router.get("/{team_id}/members", response_model=list[TeamMemberRead], summary="A team's members by name")
async def list_members(team_id: str, uow: UoW, caller: AnyStaff, page: Paged) -> list[TeamMemberRead]:
    """The current members with their names: for the team's lead (R-A4) and those who read the roll."""
    return page.window(await team_reads.members(uow, team_id, caller))


@router.post("/{team_id}/members", response_model=TeamRead, summary="Add a member")
async def add_member(team_id: str, body: MemberAdd, uow: UoW, caller: HR) -> TeamRead:
    """An active, certified CM joins."""
    return await teams.add_member(uow, team_id, body.manager_id, caller)


@router.delete("/{team_id}/members/{manager_id}", response_model=TeamRead, summary="Remove a member")
async def remove_member(team_id: str, manager_id: str, uow: UoW, caller: HR) -> TeamRead:
    """The membership ends; its history is kept."""
    return await teams.remove_member(uow, team_id, manager_id, caller)


@router.post("/{team_id}/dissolution", response_model=TeamRead, summary="Dissolve a team")
async def dissolve_team(team_id: str, uow: UoW, caller: HR) -> TeamRead:
    """Every membership ends."""
    return await teams.dissolve_team(uow, team_id, caller)
