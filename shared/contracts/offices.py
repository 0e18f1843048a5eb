"""Payloads staffing publishes on `staffing.offices` (key: office id, or the user id for staff)."""

from datetime import date

from pydantic import Field

from shared.contracts.base import Payload

Id = Field(min_length=1, max_length=64)


class OfficeChanged(Payload):
    """An office's place in the tree from a date: opened (first version) or moved or renamed."""

    office_id: str = Id
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    parent_id: str | None = Field(default=None, max_length=64, description="None: the cooperative (root)")
    effective_from: date


class StaffOfficeAssigned(Payload):
    """A user (staff, CM, supervisor, auditor) belongs to an office; their data scope follows it."""

    user_id: str = Field(min_length=1, max_length=128)
    office_id: str = Id
    scope: str = Field(
        default="default",
        pattern="^(default|subtree|all)$",
        description="default: supervisors see their office's subtree, others all; subtree or all: set",
    )


class StaffLoginLinked(Payload):
    """HR linked a sign-in login to a CM's manager record: that login acts as that manager (issue 16)."""

    login: str = Field(min_length=1, max_length=128)
    manager_id: str = Id
