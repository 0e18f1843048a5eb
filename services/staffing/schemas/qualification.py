"""Qualification applications and reviews (R-Q1, R-Q2)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.qualification import ApplicationStatus


class ApplicationCreate(BaseModel):
    """Apply for the CM post at a grade."""

    model_config = ConfigDict(extra="forbid")

    staff_id: str = Field(min_length=1, max_length=64)
    target_grade: str = Field(min_length=1, max_length=32)


class ApplicationReview(BaseModel):
    """An HR reviewer's decision, with the reason."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str = Field(min_length=1, max_length=1000)


class ApplicationRead(BaseModel):
    """An application, the conditions it failed, and its review."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    staff_id: str
    target_grade: str
    status: ApplicationStatus
    failed_conditions: list[str]
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_reason: str | None
