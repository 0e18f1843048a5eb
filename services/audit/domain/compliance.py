"""Audit's compliance decisions (R-I1, R-I2, R-I4, R-Q7, R-C1, R-C3, R-Q5, R-M4, R-M5) as pure functions.

Each takes the state audit keeps, the event's facts, the configuration in force and `now`, and returns
the new state and the decisions: `Raise` (open a finding for a rule and subject, or add evidence to the
open one) or `Resolve` (the condition cleared). `services/audit/service/compliance.py` only loads the
state, calls these and persists what they decide.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from shared.default_ladder import DEFAULT_GRADES
from shared.rules import RuleId, Violation, in_force

HIGH, MEDIUM = "high", "medium"
DEFAULT_LIMITS = {g.code: Decimal(g.authorization_limit) for g in DEFAULT_GRADES}


@dataclass(frozen=True)
class Raise:
    """Open a finding for (rule, subject) unless one is open; name the CM responsible at the time."""

    violation: Violation
    subject: str
    severity: str = MEDIUM
    manager_id: str | None = None
    customer_id: str | None = None

    @property
    def rule(self) -> RuleId:
        """The rule broken."""
        return self.violation.rule


@dataclass(frozen=True)
class Resolve:
    """The condition of (rule, subject) cleared: resolve its open finding, if any."""

    rule: RuleId
    subject: str
    reason: str


Decision = Raise | Resolve


@dataclass(frozen=True)
class ManagerState:
    """What audit keeps of a CM: grade, certification and branch (from `staffing.managers`)."""

    grade: str = ""
    certified: bool = True
    branch: str | None = None


def customer_subject(customer_id: str) -> str:
    """The subject of a customer's team rules and visit deadlines."""
    return f"customer:{customer_id}"


TEAM_RULES = (RuleId.R_C3, RuleId.R_C2, RuleId.R_C1, RuleId.R_Q5)


def team_compliance(
    customer_id: str, compliant: bool, broken: Sequence[tuple[RuleId | None, str]], responsible: str | None
) -> list[Decision]:
    """R-C3, R-C2, R-C1, R-Q5: mirror the customer's compliance, rule by rule; a cleared rule resolves.

    `broken` is each issue's rule and English text, as `customer.compliance-changed` v2 structures them
    (`issues_of` reads a v1 message's lines as the fallback).
    """
    subject = customer_subject(customer_id)
    decisions: list[Decision] = []
    for rule in TEAM_RULES:
        texts = [text for found, text in broken if found is rule]
        if texts and not compliant:
            violation = Violation(rule, "audit.compliance.team", {"issues": "; ".join(texts)})
            decisions.append(Raise(violation, subject, HIGH, responsible, customer_id))
        else:
            decisions.append(Resolve(rule, subject, "the team complies again"))
    return decisions


def issues_of(
    violations: Sequence[tuple[RuleId | None, str]], lines: Sequence[str]
) -> list[tuple[RuleId | None, str]]:
    """The issues of a compliance change: structured (v2) when given, else the rule each v1 line names."""
    if violations:
        return list(violations)
    return [(RuleId.of_issue(line), line) for line in lines]


def late_report(manager_id: str, customer_id: str, filed_late: bool) -> list[Decision]:
    """R-M2: a report filed late is counted against its CM: one open finding, one evidence per report."""
    if not filed_late:
        return []
    violation = Violation(RuleId.R_M2, "audit.compliance.late_report")
    return [Raise(violation, f"manager:{manager_id}:late-reports", MEDIUM, manager_id, customer_id)]


def manager_registered(
    state: ManagerState, manager_id: str, grade: str, branch: str
) -> tuple[ManagerState, list[Decision]]:
    """R-Q7: a CM who took up the post is certified in their grade and branch."""
    return manager_certified(replace(state, branch=branch), manager_id, grade)


def manager_certified(
    state: ManagerState, manager_id: str, grade: str
) -> tuple[ManagerState, list[Decision]]:
    """R-Q7: a CM certified (again) in a grade; an open expiry finding is resolved."""
    state = replace(state, grade=grade, certified=True)
    return state, [Resolve(RuleId.R_Q7, f"manager:{manager_id}", "certification renewed")]


def grade_changed(state: ManagerState, to_grade: str | None) -> tuple[ManagerState, list[Decision]]:
    """R-Q8: keep the CM's new grade (one moved off the post keeps the last grade held)."""
    return (replace(state, grade=to_grade), []) if to_grade else (state, [])


def certification_expired(
    state: ManagerState, manager_id: str, serves_anyone: bool
) -> tuple[ManagerState, list[Decision]]:
    """R-Q7: an expired CM who still serves customers is a finding."""
    return replace(state, certified=False), [_expired_serving(manager_id)] if serves_anyone else []


def _expired_serving(manager_id: str) -> Raise:
    violation = Violation(RuleId.R_Q7, "audit.compliance.expired_serving")
    return Raise(violation, f"manager:{manager_id}", HIGH, manager_id)


def assignment_certification(certified: Mapping[str, bool]) -> list[Decision]:
    """R-Q7: a customer given to a CM whose certification has expired."""
    return [_expired_serving(m) for m, ok in sorted(certified.items()) if not ok]


@dataclass(frozen=True)
class Recommendation:
    """The facts of a submitted credit recommendation audit checks (R-I1)."""

    recommendation_id: str
    customer_id: str
    author: str
    amount: Decimal
    cosigned_by: str | None


@dataclass(frozen=True)
class LadderLimits:
    """One ladder version's authorization limits by grade, in force from a date."""

    version: int
    effective_from: date
    limits: Mapping[str, Decimal]


def limit_on(
    ladders: Sequence[LadderLimits], grade: str, on: date, legacy: Mapping[str, Decimal] | None = None
) -> Decimal:
    """R-I1: the grade's authorization limit in the ladder in force on the date of the act (finding 1).

    Before any version is in force: the limits kept before versions were (a database from before
    0008), else the default ladder's.
    """
    chosen = in_force([(ladder.version, ladder.effective_from) for ladder in ladders], on)
    default = legacy or DEFAULT_LIMITS
    limits = next((ladder.limits for ladder in ladders if ladder.version == chosen), default)
    return limits.get(grade, Decimal("0"))


def ladder_limits(
    version: int, effective_from: date, grades: Iterable[tuple[str, Decimal | str]]
) -> LadderLimits:
    """R-I1: what audit keeps of a published ladder version: each grade's authorization limit."""
    return LadderLimits(version, effective_from, {code: Decimal(limit) for code, limit in grades})


def responsible(serving: Iterable[tuple[str, str | None]]) -> str | None:
    """The CM answerable for a customer: the primary, else any serving CM (rows from before roles)."""
    rows = list(serving)
    return next((m for m, role in rows if role == "primary"), None) or next((m for m, _ in rows), None)


def recommendation(
    rec: Recommendation, author_serves: bool, anyone_serves: bool, limit: Decimal
) -> list[Decision]:
    """R-I1: by a CM not serving the customer, or above the author's limit in force without a co-sign."""
    subject = f"recommendation:{rec.recommendation_id}"
    decisions: list[Decision] = []
    if not author_serves and anyone_serves:
        violation = Violation(RuleId.R_I1, "audit.compliance.not_serving")
        decisions.append(Raise(violation, subject, HIGH, rec.author, rec.customer_id))
    if rec.amount > limit and rec.cosigned_by is None:
        violation = Violation(
            RuleId.R_I1, "audit.compliance.over_limit", {"amount": rec.amount, "limit": limit}
        )
        decisions.append(Raise(violation, subject + ":limit", HIGH, rec.author, rec.customer_id))
    return decisions


def budget_exceeded(manager_id: str, year: int, spent: Decimal, budget: Decimal) -> list[Decision]:
    """R-I4/R-P2: a CM over their yearly budget."""
    violation = Violation(RuleId.R_I4, "audit.compliance.over_budget", {"spent": spent, "budget": budget})
    return [Raise(violation, _expenses_subject(manager_id, year), MEDIUM, manager_id)]


def year_closed(manager_id: str, year: int, overspend: Decimal) -> list[Decision]:
    """R-I4/R-P2: the year closed and its overspend deducted from pay clears the budget finding."""
    reason = f"year closed; overspend {overspend} deducted"
    return [Resolve(RuleId.R_I4, _expenses_subject(manager_id, year), reason)]


def _expenses_subject(manager_id: str, year: int) -> str:
    return f"expenses:{manager_id}:{year}"


def rating(
    customer_id: str,
    grade: str,
    flags: Sequence[str],
    warning_ratings: Iterable[str],
    responsible: str | None,
) -> list[Decision]:
    """R-I1 early warning: a poor rating or warning flags from the risk department."""
    subject = f"rating:{customer_id}"
    if flags or grade in set(warning_ratings):
        params = {"rating": grade, "flags": ", ".join(flags) or "-"}
        violation = Violation(RuleId.R_I1, "audit.compliance.rating_warning", params)
        return [Raise(violation, subject, HIGH, responsible, customer_id)]
    return [Resolve(RuleId.R_I1, subject, f"rating {grade} without warnings")]


@dataclass(frozen=True)
class BalanceState:
    """The newest balance report audit has judged for a customer (R-C5: the latest as-of wins)."""

    as_of: datetime | None = None


def balances(
    state: BalanceState, customer_id: str, overdue: Decimal, as_of: datetime, responsible: str | None
) -> tuple[BalanceState, list[Decision]]:
    """R-I1: an overdue balance opens an early warning, none resolves it; an older report changes nothing."""
    if state.as_of is not None and as_of <= state.as_of:
        return state, []
    subject = f"overdue:{customer_id}"
    new = BalanceState(as_of=as_of)
    if overdue > 0:
        violation = Violation(RuleId.R_I1, "audit.compliance.overdue", {"overdue": overdue})
        return new, [Raise(violation, subject, HIGH, responsible, customer_id)]
    return new, [Resolve(RuleId.R_I1, subject, "no overdue balance")]


def follow_up_due(warned_at: datetime, days: int) -> datetime:
    """R-M5: the visit after a dissatisfaction warning is due `days` after the warning itself."""
    return warned_at + timedelta(days=days)


@dataclass(frozen=True)
class VisitPlan:
    """R-M4: a customer's importance and the start of the current visit interval."""

    importance: str
    since: datetime
    last_visit: datetime | None = None
    responsible: str | None = None
    evidence: tuple[str, ...] = field(default=())


def visit_due(plan: VisitPlan, interval_days: int, tolerance_days: int) -> datetime:
    """R-M4: the next in-person visit is due by the importance level's interval, plus a tolerance."""
    start = plan.last_visit or plan.since
    return start + timedelta(days=interval_days + tolerance_days)


DEADLINE_KEYS = {
    RuleId.R_R4: "audit.compliance.question_overdue",
    RuleId.R_M5: "audit.compliance.no_follow_up_visit",
    RuleId.R_M4: "audit.compliance.visits_overdue",
}


def deadline_passed(
    rule: RuleId, subject: str, due: datetime, manager_id: str | None, customer_id: str | None
) -> Raise:
    """R-R4, R-M4, R-M5: a watched deadline passed; the finding names who was responsible."""
    key = DEADLINE_KEYS.get(rule, "audit.compliance.deadline_passed")
    violation = Violation(rule, key, {"due": due.date()})
    return Raise(violation, subject, MEDIUM, manager_id, customer_id)
