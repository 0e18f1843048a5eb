"""CM teams (R-C2): led by a certified senior CM; departing or uncertified CMs cannot lead or join."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from services.staffing.domain.certification import is_certified
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import GradeSpec, Ladder
from shared.errors import Conflict, NotFound, RuleViolation


def check_can_lead(manager_id: str, status: ManagerStatus, grade: GradeSpec | None, certified: bool) -> None:
    """R-C2: only an active, certified CM of a grade that may lead teams leads one."""
    if status is not ManagerStatus.ACTIVE:
        raise RuleViolation("staffing.team.lead_inactive", manager_id=manager_id, status=status.value)
    if not certified:
        raise RuleViolation("staffing.team.lead_not_certified", manager_id=manager_id)
    if grade is None or not grade.may_lead_teams:
        raise RuleViolation("staffing.team.lead_not_senior", manager_id=manager_id)


def check_can_join(manager_id: str, status: ManagerStatus, certified: bool, members: set[str]) -> None:
    """R-C2: an active, certified CM joins a team once."""
    if status is not ManagerStatus.ACTIVE:
        raise RuleViolation("staffing.team.member_inactive", manager_id=manager_id, status=status.value)
    if not certified:
        raise RuleViolation("staffing.team.member_not_certified", manager_id=manager_id)
    if manager_id in members:
        raise Conflict("staffing.team.already_member", manager_id=manager_id)


@dataclass(frozen=True)
class Member:
    """What a team decision knows of a CM: status, grade and certification."""

    manager_id: str
    status: ManagerStatus
    grade: str | None
    certified_until: date | None


def _grade(ladder: Ladder, code: str | None) -> GradeSpec | None:
    return next((g for g in ladder.grades if g.code == code), None) if code is not None else None


@dataclass(frozen=True)
class TeamFormed:
    """R-C2: a new team: its lead (also its first member) and the members who join with them."""

    lead_id: str
    member_ids: tuple[str, ...]
    at: datetime


def form_team(
    lead: Member, wanted: Iterable[str], people: Mapping[str, Member | None], ladder: Ladder, now: datetime
) -> TeamFormed:
    """R-C2: the lead may lead under the ladder in force; each other member, in order, may join once."""
    today = now.date()
    certified = is_certified(lead.certified_until, today)
    check_can_lead(lead.manager_id, lead.status, _grade(ladder, lead.grade), certified)
    members = {lead.manager_id}
    joining: list[str] = []
    for manager_id in dict.fromkeys(wanted):
        if manager_id != lead.manager_id:
            members.add(join(people.get(manager_id), manager_id, members, today))
            joining.append(manager_id)
    return TeamFormed(lead.manager_id, (lead.manager_id, *joining), now)


def join(member: Member | None, manager_id: str, members: set[str], today: date) -> str:
    """R-C2: a known, active, certified CM joins the team once; their id."""
    if member is None:
        raise NotFound("staffing.manager.not_found", manager_id=manager_id)
    certified = is_certified(member.certified_until, today)
    check_can_join(member.manager_id, member.status, certified, members)
    return member.manager_id


def check_open(team_id: str, known: bool, dissolved: bool) -> None:
    """A team of the cooperative that is not dissolved (else 404, or 409 once dissolved)."""
    if not known:
        raise NotFound("staffing.team.not_found", team_id=team_id)
    if dissolved:
        raise Conflict("staffing.team.dissolved", team_id=team_id)


def check_can_leave(team_id: str, lead_id: str, manager_id: str, is_member: bool) -> None:
    """The lead stays until the team is dissolved; only a current member leaves."""
    if manager_id == lead_id:
        raise Conflict("staffing.team.lead_leaves")
    if not is_member:
        raise NotFound("staffing.team.not_member", manager_id=manager_id, team_id=team_id)
