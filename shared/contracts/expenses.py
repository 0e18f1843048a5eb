"""Payloads published by staffing on `staffing.expenses` (key: manager id)."""

from datetime import date

from pydantic import Field

from shared.contracts.base import Payload
from shared.money import Money


class ExpenseRecorded(Payload):
    """R-P2: a CM recorded a marketing expense."""

    expense_id: str = Field(min_length=1, max_length=64)
    manager_id: str = Field(min_length=1, max_length=64)
    category: str
    amount: Money
    spent_on: date
    customer_id: str | None = None


class ExpenseBudgetExceeded(Payload):
    """R-P2/R-I4: this expense took the year's spending over the CM's yearly total budget.

    `budget` and `spent` are the year's totals over every category; `category` is the expense's.
    """

    manager_id: str = Field(min_length=1, max_length=64)
    year: int
    category: str
    budget: Money
    spent: Money


class ExpenseYearClosed(Payload):
    """R-P2: the year's spending of one CM; the overspend is deducted from pay by appraisal."""

    manager_id: str = Field(min_length=1, max_length=64)
    year: int
    grade: str | None
    budget: dict[str, Money]
    spent: dict[str, Money]
    overspend: Money
