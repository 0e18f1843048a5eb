"""Deadlines compliance rules wait on (R-R4, R-M4, R-M5): when one is set, moved, met, and re-planned.

A `Watch` is a deadline to remember; a `Met` forgets it and resolves its finding. The sweep raises a
finding for a watch whose deadline passed (`compliance.deadline_passed`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from services.audit.domain.compliance import (
    Resolve,
    VisitPlan,
    customer_subject,
    follow_up_due,
    visit_due,
)
from shared.rules import RuleId

ORDINARY = "ordinary"


@dataclass(frozen=True)
class Watch:
    """Remember a deadline of (rule, subject); `moves`: a later plan moves it, else the first one stays."""

    rule: RuleId
    subject: str
    due: datetime
    manager_id: str | None = None
    customer_id: str | None = None
    moves: bool = False


@dataclass(frozen=True)
class Met:
    """The deadline of (rule, subject) was met: forget it and resolve its open finding."""

    rule: RuleId
    subject: str
    reason: str

    def resolve(self) -> Resolve:
        """The finding the met deadline resolves."""
        return Resolve(self.rule, self.subject, self.reason)


def question_subject(recommendation_id: str) -> str:
    """The subject of a recommendation's questions (R-R4)."""
    return f"recommendation:{recommendation_id}"


def questions_due(recommendation_id: str, due_dates: Sequence[date]) -> Watch | None:
    """R-R4: questions from risk must be answered by the end (UTC) of the earliest due date."""
    if not due_dates:
        return None
    due = datetime.combine(min(due_dates), time.max, tzinfo=UTC)
    return Watch(RuleId.R_R4, question_subject(recommendation_id), due)


def answered(recommendation_id: str) -> Met:
    """R-R4: an answer clears the questions' deadline and any overdue finding."""
    return Met(RuleId.R_R4, question_subject(recommendation_id), "the question was answered")


def follow_up(customer_id: str, warned_at: datetime, days: int, responsible: str | None) -> Watch:
    """R-M5: a dissatisfaction warning expects a visit within `days` of the warning itself."""
    due = follow_up_due(warned_at, days)
    return Watch(RuleId.R_M5, customer_subject(customer_id), due, responsible, customer_id)


def answers_warning(visit_kind: str) -> bool:
    """R-M5, R-M4: a visit in person counts; a phone call does not."""
    return visit_kind != "phone"


def visited(customer_id: str) -> Met:
    """R-M5: a visit in person answers the dissatisfaction warning."""
    return Met(RuleId.R_M5, customer_subject(customer_id), "the customer was visited")


def plan_after(
    plan: VisitPlan | None, since: datetime, importance: str | None, visited_at: datetime | None
) -> VisitPlan:
    """R-M4: the visit plan after a classification or a visit; a new plan starts now, ordinary by default.

    An older visit reported late does not move the plan back.
    """
    plan = plan or VisitPlan(importance or ORDINARY, since)
    if importance is not None:
        plan = replace(plan, importance=importance)
    if visited_at is not None and (plan.last_visit is None or visited_at > plan.last_visit):
        plan = replace(plan, last_visit=visited_at)
    return plan


def next_visit(
    customer_id: str,
    plan: VisitPlan,
    interval_days: int,
    tolerance_days: int,
    now: datetime,
    responsible: str | None,
) -> tuple[Watch, Resolve | None]:
    """R-M4: the next visit's deadline under the settings in force `now`; one ahead clears the finding."""
    due = visit_due(plan, interval_days, tolerance_days)
    subject = customer_subject(customer_id)
    watch = Watch(RuleId.R_M4, subject, due, responsible, customer_id, moves=True)
    cleared = Resolve(RuleId.R_M4, subject, "visited within the plan") if due > now else None
    return watch, cleared


def taking_effect(versions: Iterable[tuple[str, datetime]]) -> dict[str, datetime]:
    """R-M4: each cooperative whose settings took effect, and the latest such moment (the evidence)."""
    since: dict[str, datetime] = {}
    for org_id, effective in versions:
        since[org_id] = max(effective, since.get(org_id, effective))
    return dict(sorted(since.items()))
