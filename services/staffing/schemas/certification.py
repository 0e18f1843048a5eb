"""Certification exams (R-Q6, R-Q7)."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class CertificationCreate(BaseModel):
    """Exam results per component, for the grade the CM sat for."""

    model_config = ConfigDict(extra="forbid")

    grade: str = Field(description="The grade examined for", examples=["cm"], min_length=1, max_length=32)
    exam_date: date = Field(description="The day of the grade exam", examples=["2026-03-14"])
    performance: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Business performance score, 0-100",
        examples=["82.50"],
    )
    ability: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Ability and experience score, 0-100",
        examples=["76.00"],
    )
    exam: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Grade exam score, 0-100",
        examples=["88.00"],
    )


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
