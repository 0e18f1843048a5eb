"""Staffing HTTP schemas."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain import Grade, ManagerStatus


class ManagerCreate(BaseModel):
    """Put a CM on the roll."""

    model_config = ConfigDict(extra="forbid")

    employee_no: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=200)
    grade: Grade
    branch: str = Field(min_length=1, max_length=64)


class ManagerRead(BaseModel):
    """A CM as HR sees them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    employee_no: str
    name: str
    grade: Grade
    branch: str
    status: ManagerStatus
    departure_reason: str | None
    departure_requested_at: datetime | None
    departed_at: datetime | None
    departure_audit_id: str | None
    created_at: datetime


class DepartureRequest(BaseModel):
    """Ask for a CM to leave the post (R-I6)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)
