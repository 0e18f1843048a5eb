"""Who serves whom (R-C1, R-C2, R-C3, R-Q5, R-Q7, R-I6, R-A4): checks on a team of CMs for a customer."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from services.customer.domain.classification import (
    Classification,
    customer_classes,
    needs_senior,
    needs_two_managers,
)
from shared.errors import NotFound, RuleViolation
from shared.messages import CATALOGUE
from shared.rules import RuleId, Violation

HUNDRED = Decimal("100")


class AssignmentRole(StrEnum):
    """A CM's role for one customer (R-C3)."""

    PRIMARY = "primary"
    CO_MANAGER = "co_manager"


class AttributionMode(StrEnum):
    """R-A4: profit split by shares per CM, or pooled to the team when it cannot be split."""

    SHARES = "shares"
    TEAM_POOL = "team_pool"


@dataclass(frozen=True)
class ManagerView:
    """What customer service knows of a CM, from `staffing.managers`."""

    manager_id: str
    org_id: str
    status: str
    certified_until: date | None = None
    grade: str = ""


@dataclass(frozen=True)
class GradeView:
    """What customer service knows of a grade, from `ladder.published`."""

    code: str
    may_lead_teams: bool
    customer_classes: frozenset[str]


def check_assignable(manager: ManagerView | None, manager_id: str, org_id: str, today: date) -> None:
    """A customer may only be given to a known, active, certified CM of the same cooperative."""
    if manager is None or manager.org_id != org_id:
        raise RuleViolation("customer.manager_unknown", manager_id=manager_id)
    if manager.status != "active":
        raise RuleViolation(
            "customer.assignment.manager_inactive", manager_id=manager_id, status=manager.status
        )
    if manager.certified_until is None or manager.certified_until < today:
        raise RuleViolation("customer.assignment.manager_not_certified", manager_id=manager_id)


def check_team(primary_id: str, co_manager_ids: Iterable[str]) -> tuple[str, ...]:
    """The primary responsible CM is named once and is not also a co-manager (R-C3)."""
    co = tuple(dict.fromkeys(co_manager_ids))
    if primary_id in co:
        raise RuleViolation("customer.assignment.primary_is_co_manager")
    return co


def team_violations(
    c: Classification,
    primary: ManagerView | None,
    co_managers: list[ManagerView],
    grades: Mapping[str, GradeView],
    risk_threshold: Decimal,
    team_lead: ManagerView | None = None,
    *,
    on: date,
) -> list[Violation]:
    """Every rule the team breaks on a day: R-C3 (two), R-C1 (senior), R-C2 (senior-led), R-Q5 (grade)."""
    broken = []
    team = [m for m in (primary, *co_managers) if m is not None]
    why_two = needs_two_managers(c)
    if why_two and (primary is None or len(team) < 2):
        broken.append(Violation(RuleId.R_C3, "customer.compliance.two_managers", {"why": ", ".join(why_two)}))
    why_senior = needs_senior(c, risk_threshold)
    has_senior = served_by_senior(team, grades, on)
    if why_senior and not has_senior:
        broken.append(Violation(RuleId.R_C1, "customer.compliance.senior", {"why": ", ".join(why_senior)}))
    if c.core and c.major_value and not _senior_leads(primary, team_lead, grades, on):
        broken.append(Violation(RuleId.R_C2, "customer.compliance.senior_led_team"))
    classes = customer_classes(c)
    for m in team:
        grade = grades.get(m.grade)
        allowed = grade.customer_classes if grade else frozenset()
        missing = classes - allowed
        mentored = has_senior and m is not primary
        if missing and not mentored:
            params = {
                "grade": m.grade or "unknown",
                "manager_id": m.manager_id,
                "classes": ", ".join(sorted(missing)),
            }
            broken.append(Violation(RuleId.R_Q5, "customer.compliance.grade_classes", params))
    return broken


def is_senior(m: ManagerView, grades: Mapping[str, GradeView], on: date) -> bool:
    """R-C1/R-Q7: a CM whose grade may lead teams and whose certification has not lapsed by the day judged."""
    grade = grades.get(m.grade)
    lapsed = m.certified_until is not None and m.certified_until < on
    return grade is not None and grade.may_lead_teams and not lapsed


def served_by_senior(team: Iterable[ManagerView | None], grades: Mapping[str, GradeView], on: date) -> bool:
    """R-C1/R-M6: a CM of the team is a senior on the day judged."""
    return any(m is not None and is_senior(m, grades, on) for m in team)


def _senior_leads(
    primary: ManagerView | None, team_lead: ManagerView | None, grades: Mapping[str, GradeView], on: date
) -> bool:
    """R-C2: the CMs serving the customer are led by a senior: the primary, or the lead of its CM team."""
    return any(m is not None and is_senior(m, grades, on) for m in (primary, team_lead))


def issue_line(violation: Violation) -> str:
    """The English line of a violation, as stored on the customer and in `issues` (contract version 1)."""
    return CATALOGUE[violation.message_key][0].format_map({k: str(v) for k, v in violation.params.items()})


def violations(
    c: Classification,
    primary: ManagerView | None,
    co_managers: list[ManagerView],
    grades: Mapping[str, GradeView],
    risk_threshold: Decimal,
    team_lead: ManagerView | None = None,
    *,
    on: date,
) -> list[str]:
    """The team's violations as English lines (`team_violations` rendered)."""
    found = team_violations(c, primary, co_managers, grades, risk_threshold, team_lead, on=on)
    return [issue_line(v) for v in found]


@dataclass(frozen=True)
class ComplianceChange:
    """R-C1/R-C3/R-Q5: the customer's compliance after a change, when it differs from before."""

    compliant: bool
    issues: tuple[str, ...]


def compliance_change(
    was_compliant: bool, issues_before: Iterable[str], issues: Iterable[str]
) -> ComplianceChange | None:
    """After any change that can make or clear a condition: what to record and publish, if anything."""
    now = tuple(sorted(issues))
    if (not now) == was_compliant and now == tuple(sorted(issues_before)):
        return None
    return ComplianceChange(compliant=not now, issues=now)


def check_product(grade: str, allowed_products: frozenset[str], product: str) -> None:
    """R-Q5: a CM recommends only products their grade may market (a grade listing none may market all)."""
    if allowed_products and product not in allowed_products:
        raise RuleViolation("customer.credit.product_not_allowed", product=product, grade=grade or "unknown")


def equal_shares(managers: list[str]) -> dict[str, Decimal]:
    """R-A4 default: equal shares to the hundredth of a percent; the primary takes the remainder."""
    if not managers:
        return {}
    each = (HUNDRED / len(managers)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    result = {m: each for m in managers}
    result[managers[0]] += HUNDRED - each * len(managers)
    return result


def check_shares(
    mode: AttributionMode, shares: Mapping[str, Decimal], managers: Iterable[str], team_id: str | None
) -> dict[str, Decimal]:
    """R-A4: shares cover only assigned CMs, are positive and sum to exactly 100; a pool needs a team."""
    ordered = list(dict.fromkeys(managers))
    assigned = set(ordered)
    if mode is AttributionMode.TEAM_POOL:
        if team_id is None:
            raise RuleViolation("customer.assignment.pool_needs_team")
        if shares:
            raise RuleViolation("customer.assignment.pool_has_shares")
        return {}
    if not shares:
        return equal_shares(ordered)
    unknown = set(shares) - assigned
    if unknown:
        raise RuleViolation("customer.assignment.shares_strangers", unknown=sorted(unknown))
    if any(v <= 0 for v in shares.values()):
        raise RuleViolation("customer.assignment.share_not_positive")
    total = sum(shares.values(), Decimal("0"))
    if total != HUNDRED:
        raise RuleViolation("customer.assignment.shares_not_100", total=total)
    return dict(shares)


@dataclass(frozen=True)
class TeamPlan:
    """Who should serve the customer from now on: the command of an assignment or a reassignment."""

    primary_id: str
    co_manager_ids: tuple[str, ...]
    team_id: str | None
    mode: AttributionMode
    shares: Mapping[str, Decimal]
    reason: str


@dataclass(frozen=True)
class Compliance:
    """The customer's compliance as recorded: the flag and its English issue lines."""

    compliant: bool
    issues: tuple[str, ...]


@dataclass(frozen=True)
class ComplianceChanged:
    """R-C1/R-C2/R-C3/R-Q5: the customer's compliance changed; recorded and published (v2 with violations)."""

    compliant: bool
    issues: tuple[str, ...]
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class TeamAssigned:
    """The team in force from `effective_from`: it closes the current assignments and opens these."""

    primary_id: str
    co_manager_ids: tuple[str, ...]
    team_id: str | None
    mode: AttributionMode
    shares: Mapping[str, Decimal]
    effective_from: datetime
    by: str
    reason: str
    compliance: ComplianceChanged | None

    def roles(self) -> list[tuple[str, AssignmentRole]]:
        """Each CM of the new team with their role, the primary first."""
        co = [(m, AssignmentRole.CO_MANAGER) for m in self.co_manager_ids]
        return [(self.primary_id, AssignmentRole.PRIMARY), *co]


@dataclass(frozen=True)
class TeamRefused:
    """The plan breaks a team rule (R-C1, R-C2, R-C3, R-Q5): nothing changes."""

    violations: tuple[Violation, ...]


def judge_compliance(before: Compliance, broken: Iterable[Violation]) -> ComplianceChanged | None:
    """After any change that can make or clear a condition: the change to record and publish, if any."""
    found = list(broken)
    change = compliance_change(before.compliant, before.issues, [issue_line(v) for v in found])
    if change is None:
        return None
    return ComplianceChanged(change.compliant, change.issues, tuple(sorted(found, key=issue_line)))


def check_newcomers(
    ids: Iterable[str],
    views: Mapping[str, ManagerView | None],
    serving: Iterable[str],
    org_id: str,
    today: date,
) -> dict[str, ManagerView]:
    """R-I6/R-Q7: every CM joining must be assignable; those already serving stay (their views, by id)."""
    already = set(serving)
    known: dict[str, ManagerView] = {}
    for manager_id in ids:
        view = views.get(manager_id)
        if manager_id not in already:
            check_assignable(view, manager_id, org_id, today)
        if view is None:
            raise RuleViolation("customer.manager_unknown", manager_id=manager_id)
        known[manager_id] = view
    return known


@dataclass(frozen=True)
class Serving:
    """What an assignment decision knows of the customer and its people (loaded by the service)."""

    org_id: str
    classification: Classification
    compliance: Compliance
    serving: frozenset[str]
    views: Mapping[str, ManagerView | None]
    team_live: bool
    team_lead: ManagerView | None
    grades: Mapping[str, GradeView]


def assign_team(
    plan: TeamPlan, state: Serving, risk_threshold: Decimal, by: str, now: datetime
) -> TeamAssigned | TeamRefused:
    """R-C1/R-C2/R-C3/R-Q5/R-A4/R-I6: check the plan against every rule; the new team, or what it breaks."""
    co_ids = check_team(plan.primary_id, plan.co_manager_ids)
    ids = [plan.primary_id, *co_ids]
    views = check_newcomers(ids, state.views, state.serving, state.org_id, now.date())
    if plan.team_id is not None and not state.team_live:
        raise NotFound("customer.team_unknown", team_id=plan.team_id)
    shares = check_shares(plan.mode, plan.shares, ids, plan.team_id)
    broken = team_violations(
        state.classification,
        views[plan.primary_id],
        [views[m] for m in co_ids],
        state.grades,
        risk_threshold,
        state.team_lead,
        on=now.date(),
    )
    if broken:
        return TeamRefused(tuple(broken))
    compliance = judge_compliance(state.compliance, [])
    return TeamAssigned(
        plan.primary_id, co_ids, plan.team_id, plan.mode, shares, now, by, plan.reason, compliance
    )


def moved_team(
    primary: str,
    co_managers: Iterable[str],
    shares: Mapping[str, Decimal],
    team_id: str | None,
    mode: AttributionMode,
    old: str,
    new: str,
) -> TeamPlan:
    """Bulk reassignment: `new` takes `old`'s role and share in the team; every rule is checked after."""
    co = list(co_managers)
    moved = dict(shares)
    if primary == old:
        primary = new
        co = [m for m in co if m != new]
    else:
        co = list(dict.fromkeys(new if m == old else m for m in co))
    moved_share = moved.pop(old, None)
    if moved_share is not None:
        moved[new] = moved.get(new, Decimal("0")) + moved_share
    kept = moved if mode is AttributionMode.SHARES else {}
    return TeamPlan(primary, tuple(co), team_id, mode, kept, f"reassigned from {old} to {new}")


def recheck_compliance(
    c: Classification,
    primary: ManagerView | None,
    co_managers: list[ManagerView],
    grades: Mapping[str, GradeView],
    risk_threshold: Decimal,
    team_lead: ManagerView | None,
    before: Compliance,
    on: date,
) -> ComplianceChanged | None:
    """R-C1/R-C2/R-C3/R-Q5 after a reclassification, a grade, certification, team or ladder change, judged
    on a day: what changed, if any."""
    broken = team_violations(c, primary, co_managers, grades, risk_threshold, team_lead, on=on)
    return judge_compliance(before, broken)


def split_team(live: Iterable[tuple[str, str]]) -> tuple[str | None, list[str]]:
    """The (manager, role) pairs in force as the primary (None if there is none) and the co-managers."""
    pairs = list(live)
    primary = next((m for m, role in pairs if role == AssignmentRole.PRIMARY.value), None)
    return primary, [m for m, role in pairs if m != primary or role != AssignmentRole.PRIMARY.value]


def team_members(lead_id: str, member_ids: Iterable[str], dissolved: bool) -> list[str]:
    """R-C2: who a team published by staffing counts as serving through it: its lead, then its members."""
    return [] if dissolved else list(dict.fromkeys((lead_id, *member_ids)))
