"""Staff and CM records."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.qualification import Education

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")


class StaffCreate(BaseModel):
    """Put a staff member on the roll; they may then apply for the CM post (R-Q1, R-Q2)."""

    model_config = ConfigDict(extra="forbid")

    employee_no: str = Code
    name: str = Field(min_length=1, max_length=200)
    branch: str = Field(min_length=1, max_length=64)
    hire_date: date
    education: Education
    health_attested: bool = False
    ethics_attested: bool = False
    bad_business_record: bool = False


class ManagerCreate(BaseModel):
    """Onboard a CM who already holds the post and a certification (moving records into Steward)."""

    model_config = ConfigDict(extra="forbid")

    employee_no: str = Code
    name: str = Field(min_length=1, max_length=200)
    grade: str = Code
    branch: str = Field(min_length=1, max_length=64)
    hire_date: date | None = None
    education: Education | None = None
    certified_until: date | None = Field(
        default=None, description="defaults to today plus the validity period"
    )


class ManagerRead(BaseModel):
    """A staff member or CM as HR sees them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    employee_no: str
    name: str
    grade: str | None
    branch: str
    status: ManagerStatus
    certified: bool = False
    certified_until: date | None
    hire_date: date | None
    years_of_service: int | None = None
    education: Education | None
    departure_reason: str | None
    intended_last_day: date | None
    departure_requested_at: datetime | None
    departed_at: datetime | None
    departure_audit_id: str | None
    created_at: datetime


class ManagerFilter(BaseModel):
    """Filters of the roll (all optional)."""

    status: ManagerStatus | None = None
    grade: str | None = Field(default=None, max_length=32)
    branch: str | None = Field(default=None, max_length=64)
    certification_expiring_before: date | None = None


class DepartureRequest(BaseModel):
    """Ask for a CM to leave the post (R-I6)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)
    intended_last_day: date | None = None


class DepartureWithdrawal(BaseModel):
    """Withdraw a pending departure (R-I6)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)
