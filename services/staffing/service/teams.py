"""CM teams (R-C2): formed under a certified senior CM; membership changes are events."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import certification
from services.staffing.domain import teams as rules
from services.staffing.domain.ladder import GradeSpec
from services.staffing.models import ManagerRow, TeamMemberRow, TeamRow
from services.staffing.schemas.teams import TeamCreate, TeamRead
from services.staffing.service.common import ladder_in_force, manager_in_org, status_of, today
from shared.auth import Principal
from shared.contracts.staffing import TeamChanged
from shared.errors import Conflict, NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _grade(uow: UnitOfWork, row: ManagerRow) -> GradeSpec | None:
    if row.grade is None:
        return None
    ladder = await ladder_in_force(uow, row.org_id, today())
    return next((g for g in ladder.grades if g.code == row.grade), None)


async def _members(uow: UnitOfWork, team_id: str) -> list[str]:
    rows = await uow.session.scalars(
        select(TeamMemberRow.manager_id)
        .where(TeamMemberRow.team_id == team_id, TeamMemberRow.left_at.is_(None))
        .order_by(TeamMemberRow.id)
    )
    return list(rows)


async def _read(uow: UnitOfWork, team: TeamRow) -> TeamRead:
    return TeamRead(
        id=team.id,
        name=team.name,
        lead_id=team.lead_id,
        member_ids=await _members(uow, team.id),
        created_at=team.created_at,
        dissolved_at=team.dissolved_at,
    )


async def _emit(uow: UnitOfWork, team: TeamRow, change: str, manager_id: str | None) -> None:
    uow.emit(
        "team.changed",
        key=team.id,
        org_id=team.org_id,
        payload=TeamChanged(
            team_id=team.id,
            name=team.name,
            lead_id=team.lead_id,
            member_ids=tuple(await _members(uow, team.id)),
            change=change,
            manager_id=manager_id,
        ),
    )


async def _join(uow: UnitOfWork, team: TeamRow, manager_id: str, members: set[str]) -> None:
    row = await manager_in_org(uow, manager_id, team.org_id)
    rules.check_can_join(
        row.id, status_of(row), certification.is_certified(row.certified_until, today()), members
    )
    uow.session.add(TeamMemberRow(team_id=team.id, manager_id=row.id, joined_at=utcnow()))
    members.add(row.id)


async def form_team(uow: UnitOfWork, cmd: TeamCreate, caller: Principal) -> TeamRead:
    """R-C2: a team led by a certified senior CM, with its first members."""
    async with uow:
        lead = await manager_in_org(uow, cmd.lead_id, caller.org_id)
        rules.check_can_lead(
            lead.id,
            status_of(lead),
            await _grade(uow, lead),
            certification.is_certified(lead.certified_until, today()),
        )
        team = TeamRow(
            id=f"t-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            name=cmd.name,
            lead_id=lead.id,
            created_at=utcnow(),
        )
        uow.session.add(team)
        await uow.session.flush()  # the team row first: memberships refer to it
        members: set[str] = {lead.id}
        uow.session.add(TeamMemberRow(team_id=team.id, manager_id=lead.id, joined_at=team.created_at))
        for manager_id in dict.fromkeys(cmd.member_ids):
            if manager_id != lead.id:
                await _join(uow, team, manager_id, members)
        await uow.session.flush()
        await _emit(uow, team, "formed", None)
        await uow.commit()
        return await _read(uow, team)


async def _open_team(uow: UnitOfWork, team_id: str, caller: Principal) -> TeamRow:
    team = await uow.session.get(TeamRow, team_id)
    if team is None or team.org_id != caller.org_id:
        raise NotFound("staffing.team.not_found", team_id=team_id)
    if team.dissolved_at is not None:
        raise Conflict("staffing.team.dissolved", team_id=team_id)
    return team


async def add_member(uow: UnitOfWork, team_id: str, manager_id: str, caller: Principal) -> TeamRead:
    """R-C2: an active, certified CM joins the team."""
    async with uow:
        team = await _open_team(uow, team_id, caller)
        await _join(uow, team, manager_id, set(await _members(uow, team.id)))
        await uow.session.flush()
        await _emit(uow, team, "member-joined", manager_id)
        await uow.commit()
        return await _read(uow, team)


async def remove_member(uow: UnitOfWork, team_id: str, manager_id: str, caller: Principal) -> TeamRead:
    """A CM leaves the team; the lead stays until the team is dissolved."""
    async with uow:
        team = await _open_team(uow, team_id, caller)
        if manager_id == team.lead_id:
            raise Conflict("staffing.team.lead_leaves")
        membership = await uow.session.scalar(
            select(TeamMemberRow).where(
                TeamMemberRow.team_id == team.id,
                TeamMemberRow.manager_id == manager_id,
                TeamMemberRow.left_at.is_(None),
            )
        )
        if membership is None:
            raise NotFound("staffing.team.not_member", manager_id=manager_id, team_id=team_id)
        membership.left_at = utcnow()
        await uow.session.flush()
        await _emit(uow, team, "member-left", manager_id)
        await uow.commit()
        return await _read(uow, team)


async def dissolve_team(uow: UnitOfWork, team_id: str, caller: Principal) -> TeamRead:
    """End a team; its history is kept."""
    async with uow:
        team = await _open_team(uow, team_id, caller)
        now = utcnow()
        for membership in await uow.session.scalars(
            select(TeamMemberRow).where(TeamMemberRow.team_id == team.id, TeamMemberRow.left_at.is_(None))
        ):
            membership.left_at = now
        team.dissolved_at = now
        await uow.session.flush()
        await _emit(uow, team, "dissolved", None)
        await uow.commit()
        return await _read(uow, team)


async def list_teams(uow: UnitOfWork, caller: Principal, include_dissolved: bool) -> list[TeamRead]:
    """Teams of the cooperative."""
    query = select(TeamRow).where(TeamRow.org_id == caller.org_id)
    if not include_dissolved:
        query = query.where(TeamRow.dissolved_at.is_(None))
    async with uow:
        teams = list(await uow.session.scalars(query.order_by(TeamRow.created_at).limit(500)))
        return [await _read(uow, t) for t in teams]
