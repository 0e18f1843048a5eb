"""Customer rules, free of I/O: who may be assigned, and a departing CM's portfolio."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.errors import RuleViolation


class CustomerKind(StrEnum):
    """Customer kinds of the source text."""

    CORPORATE = "corporate"
    INSTITUTIONAL = "institutional"
    INDIVIDUAL = "individual"
    FARM_HOUSEHOLD = "farm_household"


class AssignmentRole(StrEnum):
    """A CM's role for one customer (R-C3)."""

    PRIMARY = "primary"
    CO_MANAGER = "co_manager"


@dataclass(frozen=True)
class ManagerView:
    """What customer service knows of a CM, from `staffing.managers`."""

    manager_id: str
    org_id: str
    status: str
    certified_until: date | None = None


def check_assignable(manager: ManagerView | None, manager_id: str, org_id: str, today: date) -> None:
    """A customer may only be given to a known, active, certified CM of the same cooperative."""
    if manager is None or manager.org_id != org_id:
        raise RuleViolation(f"manager {manager_id} is not known to customer service")
    if manager.status != "active":
        raise RuleViolation(
            f"manager {manager_id} is {manager.status}; no new customers may be assigned (R-I6)"
        )
    if manager.certified_until is None or manager.certified_until < today:
        raise RuleViolation(
            f"manager {manager_id} is not certified; an expired CM serves no new customers (R-Q7)"
        )


def check_team(primary_id: str, co_manager_ids: Iterable[str]) -> tuple[str, ...]:
    """The primary responsible CM is named once and is not also a co-manager (R-C3)."""
    co = tuple(dict.fromkeys(co_manager_ids))
    if primary_id in co:
        raise RuleViolation("the primary responsible manager cannot also be a co-manager (R-C3)")
    return co
