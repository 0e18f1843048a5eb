"""The office tree and who belongs where."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.offices import Scope


class OfficeCreate(BaseModel):
    """Open an office under another (or the cooperative's head office, with no parent)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description="The cooperative's own code", examples=["CG01"], min_length=1, max_length=32
    )
    name: str = Field(description="Name", examples=["城关信用社"], min_length=1, max_length=200)
    parent_id: str | None = Field(
        default=None,
        description="The office above; none for the head office",
        examples=["o-9a3f0b6e1c27"],
        max_length=64,
    )
    effective_from: date | None = Field(
        default=None, description="In the tree from this date (today)", examples=["2026-03-01"]
    )


class OfficeMove(BaseModel):
    """Place an office under another from a date (an outlet moving to another branch)."""

    model_config = ConfigDict(extra="forbid")

    parent_id: str = Field(
        description="The new office above", examples=["o-3b1f"], min_length=1, max_length=64
    )
    effective_from: date = Field(description="From this date on", examples=["2026-07-01"])
    name: str | None = Field(
        default=None, description="A new name from the same date", examples=["南街网点"], max_length=200
    )


class OfficeRead(BaseModel):
    """An office as it stands on a date."""

    id: str
    code: str
    name: str
    parent_id: str | None
    depth: int
    effective_from: date


class StaffOfficeWrite(BaseModel):
    """Put a user in an office and say how far their data scope reaches."""

    model_config = ConfigDict(extra="forbid")

    office_id: str = Field(description="The office", examples=["o-3b1f"], min_length=1, max_length=64)
    scope: Scope = Field(
        default=Scope.DEFAULT,
        examples=["default"],
        description="default: supervisors see their office's subtree, others all; or subtree, or all",
    )


class StaffOfficeRead(BaseModel):
    """A user's office and scope."""

    model_config = ConfigDict(from_attributes=True)

    user_id: str
    office_id: str
    scope: Scope
