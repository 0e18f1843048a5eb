"""R-A1: the yearly appraisal cycle: opened in January for the year before, then computed and finalized."""

from datetime import date, timedelta
from enum import StrEnum

from shared.errors import Conflict, RuleViolation


class CycleStatus(StrEnum):
    """Where a cycle stands; finalized results never change."""

    OPEN = "open"
    COMPUTED = "computed"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"


def check_year(year: int, today: date) -> None:
    """A cycle appraises a year that has ended (R-A1: the previous year, in January)."""
    if year >= today.year:
        raise RuleViolation("appraisal.cycle.year_not_ended", year=year)
    if year < 2000:
        raise RuleViolation("appraisal.cycle.year_out_of_range", year=year)


def check_can_open(existing: list[tuple[int, str]]) -> int:
    """The next version for a year; refused while one is open or once finalized (use a correction)."""
    for _version, status in existing:
        if status in (CycleStatus.OPEN, CycleStatus.COMPUTED):
            raise Conflict("appraisal.cycle.already_open")
        if status == CycleStatus.FINALIZED:
            raise Conflict("appraisal.cycle.finalized")
    return max((v for v, _ in existing), default=0) + 1


def check_editable(status: CycleStatus) -> None:
    """Evaluations and allocations change only before finalization."""
    if status not in (CycleStatus.OPEN, CycleStatus.COMPUTED):
        raise Conflict("appraisal.cycle.immutable", status=status.value)


def check_before_deadline(deadline: date, today: date) -> None:
    """Evaluations are collected until the deadline (a supervisor may extend it)."""
    if today > deadline:
        raise Conflict("appraisal.cycle.deadline_passed", deadline=deadline.isoformat())


def default_deadline(opened_on: date, days: int) -> date:
    """The deadline of a cycle opened on a date."""
    return opened_on + timedelta(days=days)


def auto_open_due(today: date, month: int, day: int) -> int | None:
    """The year whose cycle is due to open automatically today, or None before the configured date."""
    return today.year - 1 if today >= date(today.year, month, day) else None
