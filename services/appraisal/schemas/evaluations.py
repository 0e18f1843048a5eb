"""Schemas of the non-profit evaluations (R-A3)."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.appraisal.domain.evaluation import Source


class EvaluationCreate(BaseModel):
    """One evaluation of a CM over the criteria of R-A3, each 0-100."""

    model_config = ConfigDict(extra="forbid")

    source: Source = Field(examples=["supervisor"])
    customer_id: str | None = Field(
        examples=["c-8e21"], default=None, min_length=1, max_length=64, description="for customers"
    )
    performance: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Work performance, 0-100",
        examples=["86.00"],
    )
    ability: Decimal = Field(
        ge=0, le=100, max_digits=5, decimal_places=2, description="Ability, 0-100", examples=["80.00"]
    )
    quality: Decimal = Field(
        ge=0, le=100, max_digits=5, decimal_places=2, description="Overall quality, 0-100", examples=["90.00"]
    )
    comment: str = Field(
        description="A comment", examples=["走访及时，客户反映良好。"], default="", max_length=2000
    )


class EvaluationRead(BaseModel):
    """An evaluation as recorded."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    source: Source
    evaluator: str
    performance: Decimal
    ability: Decimal
    quality: Decimal
    score: Decimal
    comment: str
    entered_by: str
    entered_at: datetime


class MissingRead(BaseModel):
    """A mandatory evaluation still owed, and by when."""

    manager_id: str
    source: Source
    evaluator: str | None
    deadline: date
    overdue: bool


class SampleRead(BaseModel):
    """R-A3: the customers drawn to evaluate a CM, and the seed that drew them."""

    manager_id: str
    seed: str
    customers: list[str]


class ReminderRead(BaseModel):
    """R-A3: a reminder sent for an evaluation still owed: for whom, to whom, by whom and when."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    source: Source
    evaluator: str | None
    reminded_by: str
    reminded_at: datetime
