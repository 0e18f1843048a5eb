"""Staffing rules, free of I/O: a CM's status and the departure gate (R-I6)."""

from enum import StrEnum

from shared.errors import Conflict


class ManagerStatus(StrEnum):
    """Where a CM stands on the post."""

    ACTIVE = "active"
    DEPARTURE_PENDING = "departure_pending"
    DEPARTED = "departed"


class Grade(StrEnum):
    """The default grade ladder (R-Q3); the configurable ladder comes with the staffing issue."""

    SENIOR = "senior"
    CM = "cm"
    TRAINEE = "trainee"


def request_departure(status: ManagerStatus) -> ManagerStatus:
    """R-I6: an active CM may ask to leave; they stay until audit clears every customer."""
    if status is not ManagerStatus.ACTIVE:
        raise Conflict(f"a departure can only be requested for an active manager (status is {status.value})")
    return ManagerStatus.DEPARTURE_PENDING


def complete_departure(status: ManagerStatus) -> ManagerStatus:
    """R-I6: only audit's clearance moves a pending departure to departed."""
    if status is ManagerStatus.DEPARTED:
        return status
    if status is not ManagerStatus.DEPARTURE_PENDING:
        raise Conflict(f"departure cleared for a manager who is {status.value}, not departure_pending")
    return ManagerStatus.DEPARTED
