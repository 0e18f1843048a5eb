"""Staff and CM records."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.qualification import Education


class StaffCreate(BaseModel):
    """Put a staff member on the roll; they may then apply for the CM post (R-Q1, R-Q2)."""

    model_config = ConfigDict(extra="forbid")

    employee_no: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The employee number, unique in the cooperative",
        examples=["E20190317"],
    )
    name: str = Field(description="The staff member's name", examples=["王芳"], min_length=1, max_length=200)
    branch: str = Field(description="The branch (网点)", examples=["城关信用社"], min_length=1, max_length=64)
    hire_date: date = Field(description="The day they joined the cooperative", examples=["2019-03-01"])
    education: Education = Field(examples=["bachelor"])
    health_attested: bool = Field(default=False, description="Health attested (R-Q1)", examples=[True])
    ethics_attested: bool = Field(
        default=False, description="Professional ethics attested (R-Q1)", examples=[True]
    )
    bad_business_record: bool = Field(
        default=False, description="Has a bad business record (R-Q1)", examples=[False]
    )


class ManagerCreate(BaseModel):
    """Onboard a CM who already holds the post and a certification (moving records into Steward)."""

    model_config = ConfigDict(extra="forbid")

    employee_no: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The employee number, unique in the cooperative",
        examples=["E20260042"],
    )
    name: str = Field(description="The CM's name", examples=["李伟"], min_length=1, max_length=200)
    grade: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The ladder grade held",
        examples=["cm"],
    )
    branch: str = Field(
        description="The branch (网点) the CM works at", examples=["城关信用社"], min_length=1, max_length=64
    )
    hire_date: date | None = Field(
        default=None, description="The day the CM joined the cooperative", examples=["2015-07-01"]
    )
    education: Education | None = Field(default=None, description="Highest education", examples=["college"])
    certified_until: date | None = Field(
        examples=["2027-12-31"], default=None, description="defaults to today plus the validity period"
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
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)


class DepartureRequest(BaseModel):
    """Ask for a CM to leave the post (R-I6)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        description="Why the CM leaves the post",
        examples=["调往县联社信贷部。"],
        min_length=1,
        max_length=1000,
    )
    intended_last_day: date | None = Field(
        default=None, description="The intended last day on the post", examples=["2026-06-30"]
    )


class DepartureWithdrawal(BaseModel):
    """Withdraw a pending departure (R-I6)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        description="Why the departure is withdrawn",
        examples=["本人申请撤回调岗。"],
        min_length=1,
        max_length=1000,
    )
