"""Grade proposals, decisions and manual changes (R-Q8)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.staffing.domain.grading import ProposalKind, ProposalStatus


class ProposalCreate(BaseModel):
    """A grade proposal entered by hand (appraisal results arrive as events)."""

    model_config = ConfigDict(extra="forbid")

    manager_id: str = Field(
        description="The CM whose grade changes", examples=["m-2f1c"], min_length=1, max_length=64
    )
    year: int = Field(description="The appraisal year it follows from", examples=[2025], ge=2000, le=2200)
    kind: ProposalKind = Field(examples=["promote"])
    reason: str = Field(
        description="Why", examples=["利润与评分均达到高级客户经理标准。"], min_length=1, max_length=1000
    )


class ProposalDecision(BaseModel):
    """Confirm or reject a proposal; the checker is never the maker."""

    model_config = ConfigDict(extra="forbid")

    confirm: bool = Field(
        description="true applies the change; false rejects it (R-Q8 checker)", examples=[True]
    )
    reason: str = Field(
        description="Why, as the checker records it",
        examples=["核对考核结果无误。"],
        min_length=1,
        max_length=1000,
    )


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

    to_grade: str = Field(description="The new grade", examples=["senior"], min_length=1, max_length=32)
    reason: str = Field(
        description="Why, as HR records it",
        examples=["2025年度考核达到高级客户经理标准。"],
        min_length=1,
        max_length=1000,
    )


class GradeChangeRead(BaseModel):
    """One change in a CM's grade history."""

    model_config = ConfigDict(from_attributes=True)

    from_grade: str | None
    to_grade: str | None
    reason: str
    proposal_id: str | None
    changed_by: str
    changed_at: datetime
