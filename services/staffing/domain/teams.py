"""CM teams (R-C2): led by a certified senior CM; departing or uncertified CMs cannot lead or join."""

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import GradeSpec
from shared.errors import Conflict, RuleViolation


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
