"""Marketing expenses (R-P2, R-I4): a yearly budget per grade; overspend is what exceeds its total.

The seed: "该营销费用由客户经理自主决定使用,超标部分由客户经理自行承担" - the CM decides how to spend
the budget, and bears what exceeds it. The categories (communication, entertainment, activities,
gifts) are for reporting: spending more on gifts and less on entertainment is the CM's choice.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.staffing.domain.ladder import ExpenseCategory, Ladder
from shared.errors import Conflict, Forbidden, RuleViolation

ZERO = Decimal("0")


@dataclass(frozen=True)
class CategoryStatus:
    """Budget, spending and what is left of one category in one year."""

    category: ExpenseCategory
    budget: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        """Budget left; negative when overspent."""
        return self.budget - self.spent

    @property
    def overspend(self) -> Decimal:
        """For reporting only: how far this category went past its share (the CM bears `total_overspend`)."""
        return max(ZERO, self.spent - self.budget)


OLDEST_YEARS = 5
"""Bounds: an expense more than this many years back is a typing error (1900), not a late receipt."""


def check_expense(amount: Decimal, spent_on: date, today: date, closed_years: Iterable[int]) -> None:
    """An expense is positive, not in the future, and in a year not yet closed."""
    if amount <= ZERO:
        raise RuleViolation("staffing.expense.not_positive")
    if spent_on > today:
        raise RuleViolation("staffing.expense.in_future")
    if spent_on.year < today.year - OLDEST_YEARS:
        raise RuleViolation("staffing.expense.too_old", years=OLDEST_YEARS)
    if spent_on.year in set(closed_years):
        raise Conflict("staffing.expense.year_closed", year=spent_on.year)


def statuses(
    budget: Mapping[ExpenseCategory, Decimal], spent: Mapping[ExpenseCategory, Decimal]
) -> list[CategoryStatus]:
    """R-I4: every category with its budget, spending and remainder."""
    return [CategoryStatus(c, budget.get(c, ZERO), spent.get(c, ZERO)) for c in ExpenseCategory]


def crossed_budget(budget: Decimal, spent_before: Decimal, spent_after: Decimal) -> bool:
    """R-P2: this expense is the one that took the year's spending over the yearly total budget."""
    return spent_before <= budget < spent_after


def total_overspend(rows: Iterable[CategoryStatus]) -> Decimal:
    """R-P2: the overspend deducted from pay: what the year's spending exceeds the yearly total budget by."""
    listed = list(rows)
    spent = sum((r.spent for r in listed), ZERO)
    budget = sum((r.budget for r in listed), ZERO)
    return max(ZERO, spent - budget)


SPENDING = frozenset({"active", "departure_pending"})
"""The statuses in which a CM still records expenses (a departing CM settles theirs)."""


def check_recorder(caller: str, manager_id: str, may_manage: bool) -> None:
    """R-P2: a CM records their own expenses; HR may record for anyone."""
    if caller != manager_id and not may_manage:
        raise Forbidden("staffing.expense.own_only")


def check_recording(
    manager_id: str,
    status: str,
    amount: Decimal,
    spent_on: date,
    today: date,
    closed_years: Iterable[int],
    customer_id: str | None,
    serves_customer: bool,
) -> None:
    """R-P2/R-I4: an expense of a CM on the post, bounded in time and amount, for a customer they serve."""
    if status not in SPENDING:
        raise RuleViolation("staffing.expense.manager_inactive", manager_id=manager_id, status=status)
    check_expense(amount, spent_on, today, closed_years)
    if customer_id is not None and not serves_customer:
        # One answer for unknown, another CM's and another cooperative's customers: nothing leaks.
        raise RuleViolation(
            "staffing.expense.customer_not_served", customer_id=customer_id, manager_id=manager_id
        )


@dataclass(frozen=True)
class BudgetExceeded:
    """R-P2: this expense took the year's spending over the yearly total budget."""

    year: int
    category: ExpenseCategory
    budget: Decimal
    spent: Decimal


def budget_after(
    category: ExpenseCategory,
    amount: Decimal,
    year: int,
    budget: Mapping[ExpenseCategory, Decimal],
    spent: Mapping[ExpenseCategory, Decimal],
) -> BudgetExceeded | None:
    """R-P2: the event to publish when this expense crosses the total (once a year), else None."""
    total = sum(budget.values(), ZERO)
    before = sum(spent.values(), ZERO)
    if not crossed_budget(total, before, before + amount):
        return None
    return BudgetExceeded(year, category, total, before + amount)


@dataclass(frozen=True)
class YearSummary:
    """R-P2/R-I4: a CM's year: the grade held, each category and the overspend deducted from pay."""

    grade: str | None
    categories: tuple[CategoryStatus, ...]
    overspend: Decimal


def year_summary(
    grade: str | None, budget: Mapping[ExpenseCategory, Decimal], spent: Mapping[ExpenseCategory, Decimal]
) -> YearSummary:
    """R-P2: the year's budget against its spending, category by category and in total."""
    rows = statuses(budget, spent)
    return YearSummary(grade, tuple(rows), total_overspend(rows))


def check_budget(year: int, today: date, closed_years: Iterable[int], amounts: Iterable[Decimal]) -> None:
    """R-P2: HR sets a budget for this year or a coming one, not closed, never negative."""
    if year < today.year:
        raise RuleViolation("staffing.budget.past_year")
    if year in set(closed_years):
        raise Conflict("staffing.expense.year_closed", year=year)
    if any(amount < ZERO for amount in amounts):
        raise RuleViolation("staffing.budget.negative")


def check_can_close(year: int, today: date, already_closed: bool) -> None:
    """R-P2: a finished year is closed once."""
    if year >= today.year:
        raise RuleViolation("staffing.expense.year_not_finished")
    if already_closed:
        raise Conflict("staffing.expense.year_already_closed", year=year)


def year_span(year: int) -> tuple[date, date]:
    """The first and last day of an expense year."""
    return date(year, 1, 1), date(year, 12, 31)


def budget_of(
    grade: str | None, set_by_hr: Mapping[ExpenseCategory, Decimal], ladder: Ladder
) -> dict[ExpenseCategory, Decimal]:
    """R-P2: HR's budget for the grade and year, else the ladder's in force on 1 January; none off post."""
    if grade is None:
        return {}
    if set_by_hr:
        return dict(set_by_hr)
    spec = next((g for g in ladder.grades if g.code == grade), None)
    return dict(spec.expense_budget) if spec else {}


def grade_held(current: str | None, later_changes_from: Sequence[str | None]) -> str | None:
    """R-P2: the grade held at the end of a year (the grade the first later change left, else the current)."""
    return later_changes_from[0] if later_changes_from else current


def spent_by_category(amounts: Iterable[tuple[str, Decimal]]) -> dict[ExpenseCategory, Decimal]:
    """What a CM spent per category, from each expense's category and amount."""
    spent: dict[ExpenseCategory, Decimal] = {}
    for category, amount in amounts:
        spent[ExpenseCategory(category)] = spent.get(ExpenseCategory(category), ZERO) + amount
    return spent
