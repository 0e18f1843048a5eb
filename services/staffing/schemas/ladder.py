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

Score = Field(ge=0, le=100, max_digits=5, decimal_places=2)
Weight = Field(ge=0, le=1, max_digits=4, decimal_places=3)


class WeightsModel(BaseModel):
    """R-Q6 component weights; they must sum to 1."""

    model_config = ConfigDict(extra="forbid")

    performance: Decimal = Weight
    ability: Decimal = Weight
    exam: Decimal = Weight


class StandardModel(BaseModel):
    """R-Q8 yearly standard: non-profit score and profit."""

    model_config = ConfigDict(extra="forbid")

    min_score: Decimal = Score
    min_profit: Money


class GradeModel(BaseModel):
    """One grade of the ladder, with everything that hangs on it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=100)
    rank: int = Field(ge=1, le=50, description="1 is the highest grade")
    level: int = Field(default=1, ge=1, le=20, description="levels within a grade, 1 highest")
    may_lead_teams: bool = False
    customer_classes: list[str] = Field(max_length=20)
    products: list[str] = Field(max_length=50)
    expense_budget: dict[ExpenseCategory, Money]
    fixed_pay: Money
    floating_rate: Decimal = Field(ge=0, le=1, max_digits=6, decimal_places=4)
    authorization_limit: Money
    pass_mark: Decimal = Score
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

    effective_from: date
    reason: str = Field(min_length=1, max_length=1000)
    grades: list[GradeModel] = Field(min_length=1, max_length=30)


class LadderRead(BaseModel):
    """A ladder version."""

    version: int
    effective_from: date
    reason: str
    created_by: str | None
    created_at: datetime | None
    grades: list[GradeModel]
