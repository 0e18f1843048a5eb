"""Visits, visit plans and satisfaction (R-D2, R-D3, R-M1..R-M5, R-R3), and the daily report (R-W4)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from shared.errors import Conflict, Forbidden, NotFound, RuleViolation


class VisitKind(StrEnum):
    """A sales visit (R-D2, R-D3), a maintenance visit (R-M3), or a phone contact (R-M1)."""

    SALES = "sales"
    MAINTENANCE = "maintenance"
    PHONE = "phone"


IN_PERSON = frozenset({VisitKind.SALES, VisitKind.MAINTENANCE})


class Priority(StrEnum):
    """R-W4 task priority."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    MINOR = "minor"


OLDEST_DAYS = 5 * 366
"""Bounds: a visit older than this is a typing error (year 1), not a late report."""
FURTHEST_PLAN_DAYS = 366
"""Bounds: a day's plan is made at most a year ahead (not for 9999)."""


def check_filed_in_time(occurred_at: datetime, now: datetime, next_visit_on: date | None = None) -> None:
    """R-M2: a report is filed after the visit, never for a visit still to come nor one in a far past."""
    if occurred_at > now:
        raise RuleViolation("customer.visit.in_future")
    if occurred_at < now - timedelta(days=OLDEST_DAYS):
        raise RuleViolation("customer.visit.too_old", days=OLDEST_DAYS)
    if next_visit_on is not None and next_visit_on < occurred_at.date():
        raise RuleViolation("customer.visit.next_before_visit")


def filed_late(occurred_at: datetime, filed_at: datetime, delay: timedelta) -> bool:
    """R-M2: a report is filed right after the visit; one filed later than the delay is flagged."""
    return filed_at - occurred_at > delay


def check_correction(previous_customer: str, customer_id: str, previous_kind: str, kind: str) -> None:
    """R-R3: a correction is a new version of a report on the same customer and kind."""
    if previous_customer != customer_id or previous_kind != kind:
        raise RuleViolation("customer.visit.correction_mismatch")


@dataclass(frozen=True)
class PriorVisit:
    """The report a correction names, as stored."""

    visit_id: str
    customer_id: str
    org_id: str
    kind: str
    version: int


def version_of(
    corrects_id: str | None, prior: PriorVisit | None, customer_id: str, org_id: str, kind: str
) -> tuple[int, str | None]:
    """R-R3: a first report is version 1; a correction is the next version of the report it supersedes.

    Another customer's report (another CM's, another cooperative's) is not the caller's to know: 404.
    """
    if corrects_id is None:
        return 1, None
    if prior is None or prior.customer_id != customer_id or prior.org_id != org_id:
        raise NotFound("customer.visit.not_found", supersedes_id=corrects_id)
    check_correction(prior.customer_id, customer_id, prior.kind, kind)
    return prior.version + 1, prior.visit_id


def next_due(last_in_person: date | None, since: date, interval_days: int) -> date:
    """R-M4: due `interval_days` after the last in-person visit (a phone call does not count)."""
    return (last_in_person or since) + timedelta(days=interval_days)


def is_overdue(due: date, today: date, tolerance_days: int = 0) -> bool:
    """R-M4: overdue once the due date plus the tolerance has passed."""
    return today > due + timedelta(days=tolerance_days)


def due(
    last_in_person: date | None, since: date, interval_days: int, today: date, tolerance_days: int
) -> tuple[date, bool]:
    """R-M4: the next visit's due date and whether it is overdue today."""
    when = next_due(last_in_person, since, interval_days)
    return when, is_overdue(when, today, tolerance_days)


def rolling(scores: Sequence[int], window: int) -> Decimal | None:
    """R-M5: the average of the latest `window` scores (oldest first in `scores`)."""
    recent = list(scores)[-window:]
    if not recent:
        return None
    return (Decimal(sum(recent)) / len(recent)).quantize(Decimal("0.01"))


def dissatisfaction_crossed(before: Decimal | None, after: Decimal | None, threshold: Decimal) -> bool:
    """R-M5: warn when the rolling satisfaction falls below the threshold, once per fall."""
    return after is not None and after < threshold and (before is None or before >= threshold)


def warned(average: Decimal | None, threshold: Decimal) -> bool:
    """R-M5: the customer is in the warning state while its rolling score is below the threshold."""
    return average is not None and average < threshold


def check_own_day(caller: str, manager_id: str) -> None:
    """R-W4: a CM plans and reports their own day only."""
    if caller != manager_id:
        raise Forbidden("customer.day.own_report")


def check_day_plan(day: date, today: date, has_plan: bool) -> None:
    """R-W4: one morning plan per day, for today or a coming day."""
    if has_plan:
        raise Conflict("customer.day.plan_submitted", day=day)
    if day < today:
        raise RuleViolation("customer.day.plan_late")
    if day > today + timedelta(days=FURTHEST_PLAN_DAYS):
        raise RuleViolation("customer.day.plan_too_far", days=FURTHEST_PLAN_DAYS)


def check_day_outcome(day: date, today: date, has_plan: bool, has_outcome: bool) -> None:
    """R-W4: the evening outcome follows the plan, on or after the day, once."""
    if not has_plan:
        raise RuleViolation("customer.day.outcome_before_plan")
    if has_outcome:
        raise Conflict("customer.day.outcome_submitted", day=day)
    if day > today:
        raise RuleViolation("customer.day.outcome_early")


def check_tasks_planned(tasks: Iterable[int], planned: int, day: date) -> None:
    """R-W4: an outcome reports on a task of the morning plan."""
    for task in tasks:
        if task >= planned:
            raise RuleViolation("customer.day.task_not_planned", task=task, day=day)
