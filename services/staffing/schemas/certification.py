"""Certification exams (R-Q6, R-Q7)."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

Score = Field(ge=0, le=100, max_digits=5, decimal_places=2)


class CertificationCreate(BaseModel):
    """Exam results per component, for the grade the CM sat for."""

    model_config = ConfigDict(extra="forbid")

    grade: str = Field(min_length=1, max_length=32)
    exam_date: date
    performance: Decimal = Score
    ability: Decimal = Score
    exam: Decimal = Score


class CertificationRead(BaseModel):
    """An exam sitting with its weighted score and outcome."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    manager_id: str
    grade: str
    ladder_version: int
    exam_date: date
    performance: Decimal
    ability: Decimal
    exam: Decimal
    score: Decimal
    pass_mark: Decimal
    passed: bool
    valid_until: date | None
    recorded_by: str
    recorded_at: datetime


class SweepResult(BaseModel):
    """What an expiry sweep announced (R-Q7)."""

    warned: list[str]
    expired: list[str]
