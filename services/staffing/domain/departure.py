"""Departures (R-I6): a CM leaves only after audit has cleared every customer."""

from datetime import date
from enum import StrEnum

from shared.errors import Conflict, RuleViolation


class ManagerStatus(StrEnum):
    """Where a person stands: on the staff roll, on the CM post, leaving, gone."""

    STAFF = "staff"
    ACTIVE = "active"
    DEPARTURE_PENDING = "departure_pending"
    DEPARTED = "departed"
    REMOVED = "removed"


def request_departure(status: ManagerStatus, intended_last_day: date | None, today: date) -> ManagerStatus:
    """R-I6: an active CM may ask to leave; they stay until audit clears every customer."""
    if status is not ManagerStatus.ACTIVE:
        raise Conflict("staffing.departure.not_active", status=status.value)
    if intended_last_day is not None and intended_last_day < today:
        raise RuleViolation("staffing.departure.last_day_past")
    return ManagerStatus.DEPARTURE_PENDING


def withdraw_departure(status: ManagerStatus) -> ManagerStatus:
    """R-I6: a pending departure may be withdrawn; the CM is back on the post."""
    if status is not ManagerStatus.DEPARTURE_PENDING:
        raise Conflict("staffing.departure.not_pending", status=status.value)
    return ManagerStatus.ACTIVE


def complete_departure(status: ManagerStatus) -> ManagerStatus:
    """R-I6: only audit's clearance moves a pending departure to departed."""
    if status is ManagerStatus.DEPARTED:
        return status
    if status is not ManagerStatus.DEPARTURE_PENDING:
        raise Conflict("staffing.departure.cleared_not_pending", status=status.value)
    return ManagerStatus.DEPARTED


def check_on_post(status: ManagerStatus, what: str) -> None:
    """R-I6: a departing or departed CM takes no new customers, teams or certifications."""
    if status is not ManagerStatus.ACTIVE:
        raise RuleViolation("staffing.departure.manager_not_active", what=what, status=status.value)
