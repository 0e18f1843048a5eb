"""Departures (R-I6): a CM leaves only after audit has cleared every customer."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.errors import Conflict, Forbidden, NotFound, RuleViolation


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


@dataclass(frozen=True)
class DepartureRequested:
    """R-I6: the CM asked to leave; they are departure-pending until audit clears their customers."""

    manager_id: str
    status: ManagerStatus
    requested_at: datetime
    reason: str
    intended_last_day: date | None


@dataclass(frozen=True)
class DepartureWithdrawn:
    """R-I6: the CM stays; audit cancels the departure audit."""

    manager_id: str
    status: ManagerStatus
    reason: str


@dataclass(frozen=True)
class Clearance:
    """Audit's `departure.cleared`: who sent it, which request it answers, when and by which audit."""

    producer: str
    departure_event_id: str | None
    cleared_at: datetime
    audit_id: str


@dataclass(frozen=True)
class Departed:
    """R-I6: audit cleared every customer; the CM has departed."""

    manager_id: str
    status: ManagerStatus
    departed_at: datetime
    audit_id: str


def when_requested(
    manager_id: str, status: ManagerStatus, reason: str, intended_last_day: date | None, now: datetime
) -> DepartureRequested:
    """R-I6: an active CM's request to leave, decided on `now`'s date."""
    new = request_departure(status, intended_last_day, now.date())
    return DepartureRequested(manager_id, new, now, reason, intended_last_day)


def when_withdrawn(manager_id: str, status: ManagerStatus, reason: str) -> DepartureWithdrawn:
    """R-I6: a pending departure withdrawn."""
    return DepartureWithdrawn(manager_id, withdraw_departure(status), reason)


def check_known(manager_id: str, known: bool) -> None:
    """R-I6: a clearance names a CM of the cooperative."""
    if not known:
        raise NotFound("staffing.departure.unknown_manager", manager_id=manager_id)


def check_cleared_by_audit(producer: str) -> None:
    """R-I6: a clearance from any service but audit is refused."""
    if producer != "audit":
        raise Forbidden("staffing.departure.cleared_by_other", producer=producer)


def when_cleared(
    manager_id: str, status: ManagerStatus, pending_event_id: str | None, clearance: Clearance
) -> Departed | None:
    """R-I6: only audit's clearance of the pending request departs the CM; None when nothing changes.

    The clearance of a request since withdrawn is ignored (a request made before requests were tracked
    has no pending id and is cleared by any audit); a repeated clearance changes nothing.
    """
    check_cleared_by_audit(clearance.producer)
    answered = clearance.departure_event_id
    if answered is not None and pending_event_id is not None and answered != pending_event_id:
        return None
    new = complete_departure(status)
    if new is status:
        return None
    return Departed(manager_id, new, clearance.cleared_at, clearance.audit_id)
