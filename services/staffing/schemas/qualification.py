"""Qualification applications and reviews (R-Q1, R-Q2)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.qualification import ApplicationStatus


class ApplicationCreate(BaseModel):
    """Apply for the CM post at a grade."""

    model_config = ConfigDict(extra="forbid")

    staff_id: str = Field(
        description="The staff member applying (from POST /staff)",
        examples=["s-5c2e91"],
        min_length=1,
        max_length=64,
    )
    target_grade: str = Field(
        description="The ladder grade applied for", examples=["cm"], min_length=1, max_length=32
    )


class ApplicationReview(BaseModel):
    """An HR reviewer's decision, with the reason."""

    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(
        description="true approves the application for the exam; false refuses it", examples=[True]
    )
    reason: str = Field(
        description="Why, as HR records it",
        examples=["任职条件均已满足，同意参加等级考试。"],
        min_length=1,
        max_length=1000,
    )


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
