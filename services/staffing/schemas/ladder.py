"""The grade ladder (R-Q3..R-Q5, R-Q6, R-Q8, R-I1, R-I4, R-P1)."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.ladder import (
    AppraisalStandard,
    CertificationWeights,
    ExpenseCategory,
    GradeSpec,
)
from shared.money import Money

Weight = Field(ge=0, le=1, max_digits=4, decimal_places=3)


class WeightsModel(BaseModel):
    """R-Q6 component weights; they must sum to 1."""

    model_config = ConfigDict(extra="forbid")

    performance: Decimal = Field(
        ge=0,
        le=1,
        max_digits=4,
        decimal_places=3,
        description="Weight of business performance, a decimal",
        examples=["0.40"],
    )
    ability: Decimal = Field(
        ge=0,
        le=1,
        max_digits=4,
        decimal_places=3,
        description="Weight of ability and experience, a decimal",
        examples=["0.20"],
    )
    exam: Decimal = Field(
        ge=0,
        le=1,
        max_digits=4,
        decimal_places=3,
        description="Weight of the grade exam, a decimal",
        examples=["0.40"],
    )


class StandardModel(BaseModel):
    """R-Q8 yearly standard: non-profit score and profit."""

    model_config = ConfigDict(extra="forbid")

    min_score: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Lowest non-profit score, 0-100",
        examples=["75.00"],
    )
    min_profit: Money = Field(description="Lowest attributed profit in yuan", examples=["1000000.00"])


class GradeModel(BaseModel):
    """One grade of the ladder, with everything that hangs on it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description="The grade's code", examples=["cm"], min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$"
    )
    name: str = Field(description="The grade's name", examples=["客户经理"], min_length=1, max_length=100)
    rank: int = Field(examples=[2], ge=1, le=50, description="1 is the highest grade")
    level: int = Field(examples=[1], default=1, ge=1, le=20, description="levels within a grade, 1 highest")
    may_lead_teams: bool = Field(
        default=False, description="Whether CMs of this grade may lead a team (R-C2)", examples=[False]
    )
    customer_classes: list[str] = Field(
        description="Customer classes this grade may serve (R-Q5)",
        examples=[["ordinary", "important"]],
        max_length=20,
    )
    products: list[str] = Field(
        description="Products this grade may market (R-Q5)",
        examples=[["deposits", "farm_loans", "payment_agency"]],
        max_length=50,
    )
    expense_budget: dict[ExpenseCategory, Money] = Field(
        description="Yearly budget in yuan per expense category (R-P2)",
        examples=[
            {
                "communication": "2400.00",
                "entertainment": "6000.00",
                "activities": "3000.00",
                "gifts": "1500.00",
            }
        ],
    )
    fixed_pay: Money = Field(description="Yearly fixed pay in yuan (R-P1)", examples=["60000.00"])
    floating_rate: Decimal = Field(
        description="Share of attributed profit paid as floating pay, a decimal (0.025 = 2.5%)",
        examples=["0.025"],
        ge=0,
        le=1,
        max_digits=6,
        decimal_places=4,
    )
    authorization_limit: Money = Field(
        description="Credit amount above which a senior co-signs (R-I1)", examples=["500000.00"]
    )
    pass_mark: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Weighted certification score needed, 0-100 (R-Q6)",
        examples=["70.00"],
    )
    weights: WeightsModel
    keep_standard: StandardModel
    reach_standard: StandardModel

    def to_domain(self) -> GradeSpec:
        """The grade as the domain sees it."""
        return GradeSpec(
            code=self.code,
            name=self.name,
            rank=self.rank,
            level=self.level,
            may_lead_teams=self.may_lead_teams,
            customer_classes=frozenset(self.customer_classes),
            products=frozenset(self.products),
            expense_budget=dict(self.expense_budget),
            fixed_pay=self.fixed_pay,
            floating_rate=self.floating_rate,
            authorization_limit=self.authorization_limit,
            pass_mark=self.pass_mark,
            weights=CertificationWeights(self.weights.performance, self.weights.ability, self.weights.exam),
            keep_standard=AppraisalStandard(self.keep_standard.min_score, self.keep_standard.min_profit),
            reach_standard=AppraisalStandard(self.reach_standard.min_score, self.reach_standard.min_profit),
        )


class LadderCreate(BaseModel):
    """A new ladder version, in force from a date (today or later)."""

    model_config = ConfigDict(extra="forbid")

    effective_from: date = Field(
        description="The day this ladder version takes effect", examples=["2026-01-01"]
    )
    reason: str = Field(
        description="Why the ladder changes",
        examples=["新增理财产品营销权限。"],
        min_length=1,
        max_length=1000,
    )
    grades: list[GradeModel] = Field(
        description="Every grade, highest rank first", min_length=1, max_length=30
    )


class LadderRead(BaseModel):
    """A ladder version."""

    version: int
    effective_from: date
    reason: str
    created_by: str | None
    created_at: datetime | None
    grades: list[GradeModel]
