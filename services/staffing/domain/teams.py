"""CM teams (R-C2): led by a certified senior CM; departing or uncertified CMs cannot lead or join."""

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import GradeSpec
from shared.errors import Conflict, RuleViolation


def check_can_lead(manager_id: str, status: ManagerStatus, grade: GradeSpec | None, certified: bool) -> None:
    """R-C2: only an active, certified CM of a grade that may lead teams leads one."""
    if status is not ManagerStatus.ACTIVE:
        raise RuleViolation(f"manager {manager_id} is {status.value} and cannot lead a team (R-C2, R-I6)")
    if not certified:
        raise RuleViolation(f"manager {manager_id} is not certified and cannot lead a team (R-C2, R-Q7)")
    if grade is None or not grade.may_lead_teams:
        raise RuleViolation(f"manager {manager_id} is not of a senior grade and cannot lead a team (R-C2)")


def check_can_join(manager_id: str, status: ManagerStatus, certified: bool, members: set[str]) -> None:
    """R-C2: an active, certified CM joins a team once."""
    if status is not ManagerStatus.ACTIVE:
        raise RuleViolation(f"manager {manager_id} is {status.value} and cannot join a team (R-I6)")
    if not certified:
        raise RuleViolation(f"manager {manager_id} is not certified and cannot join a team (R-Q7)")
    if manager_id in members:
        raise Conflict(f"manager {manager_id} is already in this team")
