"""Marketing expenses (R-P2, R-I4): a yearly budget per grade; overspend is what exceeds its total.

The seed: "该营销费用由客户经理自主决定使用,超标部分由客户经理自行承担" - the CM decides how to spend
the budget, and bears what exceeds it. The categories (communication, entertainment, activities,
gifts) are for reporting: spending more on gifts and less on entertainment is the CM's choice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.staffing.domain.ladder import ExpenseCategory
from shared.errors import Conflict, RuleViolation

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
