"""Payloads published by appraisal on `appraisal.results` (key: manager id), for staffing and payroll."""

from datetime import date

from pydantic import Field

from shared.contracts.base import Payload, Rate, Score
from shared.money import Money


class GradeProposed(Payload):
    """R-Q8: after the yearly appraisal, a proposal to promote, keep, demote or remove a CM."""

    manager_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2000, le=2200)
    kind: str = Field(pattern="^(promote|keep|demote|remove)$")
    reason: str = Field(min_length=1, max_length=1000)
    cycle_version: int = Field(default=1, ge=1)


class ResultFinalized(Payload):
    """R-A2/R-A3/R-P1: a CM's finalized yearly result and pay; a correction publishes a higher version."""

    manager_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2000, le=2200)
    cycle_version: int = Field(ge=1)
    grade: str | None = None
    attributed_profit: Money
    score: Score | None = Field(default=None, description="non-profit score, 0-100")
    floating_rate: Rate = Field(description="share of attributed profit paid, a decimal between 0 and 1")
    floating_pay: Money
    fixed_pay: Money
    overspend: Money
    net_pay: Money
    carried_loss: Money
    proposal: str = Field(pattern="^(promote|keep|demote|remove)$")
    correction_reason: str | None = None


class EvaluationReminded(Payload):
    """R-A3: the supervisor reminded whoever owes a CM's evaluation before the cycle's deadline."""

    cycle_id: str = Field(min_length=1, max_length=40)
    year: int = Field(ge=2000, le=2200)
    manager_id: str = Field(min_length=1, max_length=64, description="the CM whose evaluation is owed")
    source: str = Field(pattern="^(self|supervisor|customer|colleague)$")
    evaluator: str | None = Field(default=None, max_length=64, description="who owes it, when known")
    deadline: date
    reminded_by: str = Field(min_length=1, max_length=64)
