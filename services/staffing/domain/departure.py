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
        raise Conflict(f"a departure can only be requested for an active manager (status is {status.value})")
    if intended_last_day is not None and intended_last_day < today:
        raise RuleViolation("the intended last day cannot be in the past")
    return ManagerStatus.DEPARTURE_PENDING


def withdraw_departure(status: ManagerStatus) -> ManagerStatus:
    """R-I6: a pending departure may be withdrawn; the CM is back on the post."""
    if status is not ManagerStatus.DEPARTURE_PENDING:
        raise Conflict(f"only a pending departure can be withdrawn (status is {status.value})")
    return ManagerStatus.ACTIVE


def complete_departure(status: ManagerStatus) -> ManagerStatus:
    """R-I6: only audit's clearance moves a pending departure to departed."""
    if status is ManagerStatus.DEPARTED:
        return status
    if status is not ManagerStatus.DEPARTURE_PENDING:
        raise Conflict(f"departure cleared for a manager who is {status.value}, not departure_pending")
    return ManagerStatus.DEPARTED


def check_on_post(status: ManagerStatus, what: str) -> None:
    """R-I6: a departing or departed CM takes no new customers, teams or certifications."""
    if status is not ManagerStatus.ACTIVE:
        raise RuleViolation(f"{what}: the manager is {status.value}, not active (R-I6)")
