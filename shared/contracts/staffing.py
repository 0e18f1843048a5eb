"""Payloads published by staffing on `staffing.managers`."""

from datetime import datetime

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload


class ManagerRegistered(Payload):
    """A customer manager was put on the staff roll."""

    manager_id: str = Field(min_length=1, max_length=64)
    employee_no: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    grade: str = Field(min_length=1, max_length=32)
    branch: str = Field(min_length=1, max_length=64)
    status: str = Field(min_length=1, max_length=32)


class ManagerDepartureRequested(Payload):
    """A CM asked to leave the post; audit must review every customer first (R-I6)."""

    manager_id: str = Field(min_length=1, max_length=64)
    requested_at: AwareDatetime
    reason: str = Field(max_length=1000)


class ManagerDeparted(Payload):
    """The departure audit cleared and the CM left the post (R-I6)."""

    manager_id: str = Field(min_length=1, max_length=64)
    departed_at: datetime
    audit_id: str = Field(min_length=1, max_length=64)
