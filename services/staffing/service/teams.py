"""CM teams (R-C2): formed under a certified senior CM; membership changes are events."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import teams as rules
from services.staffing.domain.access import in_org
from services.staffing.models import ManagerRow, TeamMemberRow, TeamRow
from services.staffing.queries.access import ladder_in_force, manager_in_org, today
from services.staffing.queries.teams import member_ids, read
from services.staffing.schemas.teams import TeamCreate, TeamRead
from services.staffing.service.common import status_of
from shared.auth import Principal
from shared.contracts.staffing import TeamChanged
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _member(row: ManagerRow | None) -> rules.Member | None:
    return rules.Member(row.id, status_of(row), row.grade, row.certified_until) if row is not None else None


async def _person(uow: UnitOfWork, manager_id: str, org_id: str) -> rules.Member | None:
    row = await uow.session.get(ManagerRow, manager_id)
    return _member(row if row is not None and in_org(row.org_id, org_id) else None)


async def _emit(uow: UnitOfWork, team: TeamRow, change: str, manager_id: str | None) -> None:
    uow.emit(
        "team.changed",
        key=team.id,
        org_id=team.org_id,
        payload=TeamChanged(
            team_id=team.id,
            name=team.name,
            lead_id=team.lead_id,
            member_ids=tuple(await member_ids(uow, team.id)),
            change=change,
            manager_id=manager_id,
        ),
    )


async def form_team(uow: UnitOfWork, cmd: TeamCreate, caller: Principal) -> TeamRead:
    """R-C2: a team led by a certified senior CM, with its first members."""
    async with uow:
        lead = await manager_in_org(uow, cmd.lead_id, caller.org_id)
        people = {m: await _person(uow, m, caller.org_id) for m in cmd.member_ids}
        ladder = await ladder_in_force(uow, caller.org_id, today())
        lead_member = _member(lead)
        assert lead_member is not None
        formed = rules.form_team(lead_member, cmd.member_ids, people, ladder, utcnow())
        team = TeamRow(
            id=f"t-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            name=cmd.name,
            lead_id=lead.id,
            created_at=formed.at,
        )
        uow.session.add(team)
        await uow.session.flush()  # the team row first: memberships refer to it
        for manager_id in formed.member_ids:
            uow.session.add(TeamMemberRow(team_id=team.id, manager_id=manager_id, joined_at=formed.at))
        await uow.session.flush()
        await _emit(uow, team, "formed", None)
        await uow.commit()
        return await read(uow, team)


async def _open_team(uow: UnitOfWork, team_id: str, caller: Principal) -> TeamRow:
    team = await uow.session.get(TeamRow, team_id)
    known = team is not None and in_org(team.org_id, caller.org_id)
    rules.check_open(team_id, known, team is not None and team.dissolved_at is not None)
    assert team is not None
    return team


async def add_member(uow: UnitOfWork, team_id: str, manager_id: str, caller: Principal) -> TeamRead:
    """R-C2: an active, certified CM joins the team."""
    async with uow:
        team = await _open_team(uow, team_id, caller)
        person = await _person(uow, manager_id, team.org_id)
        joined = rules.join(person, manager_id, set(await member_ids(uow, team.id)), today())
        uow.session.add(TeamMemberRow(team_id=team.id, manager_id=joined, joined_at=utcnow()))
        await uow.session.flush()
        await _emit(uow, team, "member-joined", manager_id)
        await uow.commit()
        return await read(uow, team)


async def remove_member(uow: UnitOfWork, team_id: str, manager_id: str, caller: Principal) -> TeamRead:
    """A CM leaves the team; the lead stays until the team is dissolved."""
    async with uow:
        team = await _open_team(uow, team_id, caller)
        membership = await uow.session.scalar(
            select(TeamMemberRow).where(
                TeamMemberRow.team_id == team.id,
                TeamMemberRow.manager_id == manager_id,
                TeamMemberRow.left_at.is_(None),
            )
        )
        rules.check_can_leave(team_id, team.lead_id, manager_id, membership is not None)
        assert membership is not None
        membership.left_at = utcnow()
        await uow.session.flush()
        await _emit(uow, team, "member-left", manager_id)
        await uow.commit()
        return await read(uow, team)


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
        return await read(uow, team)
