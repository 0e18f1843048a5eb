"""Customer HTTP schemas."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.customer.domain import AssignmentRole, CustomerKind


class CustomerCreate(BaseModel):
    """Open a customer file and name who serves it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: CustomerKind
    primary_manager_id: str = Field(min_length=1, max_length=64)
    co_manager_ids: list[str] = Field(default_factory=list, max_length=20)


class AssignmentRead(BaseModel):
    """A CM serving the customer."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    role: AssignmentRole
    valid_from: datetime
    valid_to: datetime | None


class CustomerRead(BaseModel):
    """A customer file as its CMs see it."""

    id: str
    org_id: str
    file_no: str
    name: str
    kind: CustomerKind
    created_at: datetime
    managers: list[AssignmentRead]


class ManagerProjectionRead(BaseModel):
    """What customer service knows of a CM."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    name: str
    grade: str
    status: str
    certified_until: date | None
    updated_at: datetime
