"""The grade ladder (R-Q3..R-Q5, R-Q6, R-Q8, R-I1, R-I4, R-P1, R-P2): configuration per cooperative."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.default_ladder import ALL_CUSTOMER_CLASSES, DefaultGrade
from shared.default_ladder import DEFAULT_GRADES as DEFAULT_GRADE_VALUES
from shared.errors import RuleViolation


class ExpenseCategory(StrEnum):
    """Marketing-expense categories of R-P2."""

    COMMUNICATION = "communication"
    ENTERTAINMENT = "entertainment"
    ACTIVITIES = "activities"
    GIFTS = "gifts"


CUSTOMER_CLASSES = frozenset(ALL_CUSTOMER_CLASSES)


@dataclass(frozen=True)
class CertificationWeights:
    """R-Q6: weights of business performance, ability and experience, and the grade exam."""

    performance: Decimal
    ability: Decimal
    exam: Decimal

    def total(self) -> Decimal:
        """Sum of the weights; a valid set sums to 1."""
        return self.performance + self.ability + self.exam


@dataclass(frozen=True)
class AppraisalStandard:
    """R-Q8: the yearly appraisal a CM must reach: a non-profit score and a profit figure."""

    min_score: Decimal
    min_profit: Decimal


@dataclass(frozen=True)
class GradeSpec:
    """One rung of the ladder and everything that hangs on it."""

    code: str
    name: str
    rank: int
    level: int
    may_lead_teams: bool
    customer_classes: frozenset[str]
    products: frozenset[str]
    expense_budget: Mapping[ExpenseCategory, Decimal]
    fixed_pay: Decimal
    floating_rate: Decimal
    authorization_limit: Decimal
    pass_mark: Decimal
    weights: CertificationWeights
    keep_standard: AppraisalStandard
    reach_standard: AppraisalStandard

    def budget(self, category: ExpenseCategory) -> Decimal:
        """Yearly budget of one expense category (0 when the grade has none)."""
        return self.expense_budget.get(category, Decimal("0"))


@dataclass(frozen=True)
class Ladder:
    """A version of a cooperative's ladder, in force from a date."""

    version: int
    effective_from: date
    grades: tuple[GradeSpec, ...] = field(default=())

    def grade(self, code: str) -> GradeSpec:
        """The grade with this code, or a clear refusal."""
        for grade in self.grades:
            if grade.code == code:
                return grade
        known = ", ".join(g.code for g in self.ordered())
        raise RuleViolation("staffing.ladder.unknown_grade", code=code, known=known)

    def ordered(self) -> list[GradeSpec]:
        """Highest first: by rank, then by level within a rank."""
        return sorted(self.grades, key=lambda g: (g.rank, g.level))

    def step(self, code: str, up: bool) -> GradeSpec | None:
        """The next grade above (up) or below, or None at the end of the ladder."""
        order = self.ordered()
        index = order.index(self.grade(code)) + (-1 if up else 1)
        return order[index] if 0 <= index < len(order) else None


def validate_grades(grades: Iterable[GradeSpec]) -> tuple[GradeSpec, ...]:
    """A ladder needs unique codes and rungs, weights summing to 1, sane numbers and a senior grade."""
    result = tuple(grades)
    if not result:
        raise RuleViolation("staffing.ladder.empty")
    codes = [g.code for g in result]
    if len(set(codes)) != len(codes):
        raise RuleViolation("staffing.ladder.duplicate_codes")
    rungs = [(g.rank, g.level) for g in result]
    if len(set(rungs)) != len(rungs):
        raise RuleViolation("staffing.ladder.duplicate_rank")
    for g in result:
        if g.weights.total() != Decimal("1"):
            raise RuleViolation("staffing.ladder.weights_sum", grade=g.code, total=g.weights.total())
        if not Decimal("0") <= g.pass_mark <= Decimal("100"):
            raise RuleViolation("staffing.ladder.pass_mark_range", grade=g.code)
        unknown = g.customer_classes - CUSTOMER_CLASSES
        if unknown:
            raise RuleViolation("staffing.ladder.unknown_classes", grade=g.code, unknown=sorted(unknown))
        money = [g.fixed_pay, g.authorization_limit, *g.expense_budget.values()]
        if any(m < 0 for m in money) or g.floating_rate < 0:
            raise RuleViolation("staffing.ladder.negative_amounts", grade=g.code)
    if not any(g.may_lead_teams for g in result):
        raise RuleViolation("staffing.ladder.no_lead_grade")
    return result


def _spec(grade: DefaultGrade) -> GradeSpec:
    performance, ability, exam = (Decimal(w) for w in grade.weights)
    return GradeSpec(
        grade.code,
        grade.name,
        grade.rank,
        grade.level,
        grade.may_lead_teams,
        frozenset(grade.customer_classes),
        frozenset(grade.products),
        {ExpenseCategory(c): Decimal(v) for c, v in grade.expense_budget.items()},
        Decimal(grade.fixed_pay),
        Decimal(grade.floating_rate),
        Decimal(grade.authorization_limit),
        Decimal(grade.certification_min_score),
        CertificationWeights(performance, ability, exam),
        AppraisalStandard(Decimal(grade.keep_min_score), Decimal(grade.keep_min_profit)),
        AppraisalStandard(Decimal(grade.reach_min_score), Decimal(grade.reach_min_profit)),
    )


DEFAULT_GRADES: tuple[GradeSpec, ...] = tuple(_spec(g) for g in DEFAULT_GRADE_VALUES)

DEFAULT_LADDER = Ladder(version=0, effective_from=date(2000, 1, 1), grades=DEFAULT_GRADES)


def version_in_force(versions: Iterable[tuple[int, date]], on: date) -> int | None:
    """R-Q3: the version in force on a date: the newest effective date come, the later version on a tie."""
    due = [(effective_from, version) for version, effective_from in versions if effective_from <= on]
    return max(due)[1] if due else None


def publish(
    last_version: int | None, effective_from: date, grades: Iterable[GradeSpec], today: date
) -> Ladder:
    """R-Q3: a new version from today or a later date (past years keep theirs), numbered after the last."""
    if effective_from < today:
        raise RuleViolation("staffing.ladder.effective_in_past")
    return Ladder((last_version or 0) + 1, effective_from, validate_grades(grades))


def grade_labels(ladder: Ladder) -> dict[str, str]:
    """Each grade's code, by its code and by its name (what an import file may write)."""
    return {g.code: g.code for g in ladder.grades} | {g.name: g.code for g in ladder.grades}
