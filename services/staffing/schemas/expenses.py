"""Marketing expenses and budgets (R-P2, R-I4)."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.ladder import ExpenseCategory
from shared.money import Money


class ExpenseCreate(BaseModel):
    """A marketing expense a CM spent."""

    model_config = ConfigDict(extra="forbid")

    category: ExpenseCategory = Field(examples=["entertainment"])
    amount: Money = Field(description="Amount in yuan, a string with two decimals", examples=["386.00"])
    spent_on: date = Field(description="The day it was spent", examples=["2026-04-08"])
    customer_id: str | None = Field(
        description="The customer it was spent for, if any", examples=["c-8e21"], default=None, max_length=64
    )
    receipt_ref: str | None = Field(
        description="The receipt's number", examples=["FP-2026-004512"], default=None, max_length=128
    )
    description: str | None = Field(
        description="What it was for",
        examples=["与绿野家庭农场负责人工作餐。"],
        default=None,
        max_length=2000,
    )


class ExpenseRead(BaseModel):
    """A recorded expense."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    manager_id: str
    category: ExpenseCategory
    amount: Money
    spent_on: date
    customer_id: str | None
    receipt_ref: str | None
    description: str | None
    recorded_by: str
    recorded_at: datetime


class CategoryRead(BaseModel):
    """Budget, spending and what is left of one category."""

    category: ExpenseCategory
    budget: Money
    spent: Money
    remaining: Money
    overspend: Money


class BudgetSummary(BaseModel):
    """A CM's year: per category, and the total overspend they bear."""

    manager_id: str
    year: int
    grade: str | None
    categories: list[CategoryRead]
    overspend: Money


class BudgetSet(BaseModel):
    """HR re-sets a grade's budget for a year (R-P2: by local price level and market)."""

    model_config = ConfigDict(extra="forbid")

    grade: str = Field(
        description="The ladder grade the budget is for", examples=["cm"], min_length=1, max_length=32
    )
    year: int = Field(description="The budget year", examples=[2026], ge=2000, le=2200)
    budget: dict[ExpenseCategory, Money] = Field(
        description="Yuan per expense category, as strings with two decimals",
        examples=[
            {
                "communication": "2400.00",
                "entertainment": "6000.00",
                "activities": "3000.00",
                "gifts": "1500.00",
            }
        ],
    )
    reason: str = Field(
        description="Why the budget is set (price level, market)",
        examples=["按本地物价水平调整2026年营销费用预算。"],
        min_length=1,
        max_length=1000,
    )


class YearClosed(BaseModel):
    """What closing a year published."""

    year: int
    managers: int
    total_overspend: Decimal
