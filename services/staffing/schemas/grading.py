"""Grade proposals, decisions and manual changes (R-Q8)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.grading import ProposalKind, ProposalStatus


class ProposalCreate(BaseModel):
    """A grade proposal entered by hand (appraisal results arrive as events)."""

    model_config = ConfigDict(extra="forbid")

    manager_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2000, le=2200)
    kind: ProposalKind
    reason: str = Field(min_length=1, max_length=1000)


class ProposalDecision(BaseModel):
    """Confirm or reject a proposal; the checker is never the maker."""

    model_config = ConfigDict(extra="forbid")

    confirm: bool
    reason: str = Field(min_length=1, max_length=1000)


class ProposalRead(BaseModel):
    """A proposal and its decision."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    manager_id: str
    year: int
    kind: ProposalKind
    from_grade: str
    to_grade: str | None
    reason: str
    created_by: str
    created_at: datetime
    status: ProposalStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class GradeChangeCreate(BaseModel):
    """HR changes a grade by hand, with a reason."""

    model_config = ConfigDict(extra="forbid")

    to_grade: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=1000)


class GradeChangeRead(BaseModel):
    """One change in a CM's grade history."""

    model_config = ConfigDict(from_attributes=True)

    from_grade: str | None
    to_grade: str | None
    reason: str
    proposal_id: str | None
    changed_by: str
    changed_at: datetime
