"""Schemas of result sheets, pay in kind and the org summary."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.appraisal.domain.grading import ProposalKind


class InKindCreate(BaseModel):
    """R-P3: floating pay paid in kind, at its value."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        description="What was given in kind",
        examples=["县联社组织的上海培训一次"],
        min_length=1,
        max_length=500,
    )
    value: Decimal = Field(
        description="Its value in yuan, a string with two decimals",
        examples=["3500.00"],
        gt=0,
        max_digits=15,
        decimal_places=2,
    )


class InKindRead(BaseModel):
    """A payment in kind as recorded."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    description: str
    value: Decimal
    recorded_by: str
    recorded_at: datetime


class ResultRead(BaseModel):
    """A CM's result sheet: every component and how it was reached."""

    model_config = ConfigDict(from_attributes=True)

    cycle_id: str
    year: int = 0
    cycle_version: int = 0
    final: bool = False
    manager_id: str
    name: str
    branch: str
    grade: str | None
    direct_profit: Decimal
    pool_profit: Decimal
    attributed_profit: Decimal
    source_scores: dict[str, Any]
    score: Decimal | None
    carried_loss_in: Decimal
    floating_rate: str
    floating_pay: Decimal
    carried_loss_out: Decimal
    fixed_pay: Decimal
    overspend: Decimal
    net_pay: Decimal
    proposal: ProposalKind
    proposal_reason: str
    explanation: str
    pay_in_kind: list[InKindRead] = Field(default_factory=list)
    floating_pay_in_cash: Decimal = Decimal("0.00")


class GroupSummary(BaseModel):
    """Distribution of profit and scores over one group of CMs (a grade or a branch)."""

    group: str
    managers: int
    total_profit: Decimal
    mean_profit: Decimal
    median_profit: Decimal
    min_profit: Decimal
    max_profit: Decimal
    mean_score: Decimal | None
    total_floating_pay: Decimal
    proposals: dict[str, int]


class SummaryRead(BaseModel):
    """The cooperative's appraisal at a glance: by grade, by branch, and score bands."""

    cycle_id: str
    year: int
    version: int
    status: str
    managers: int
    by_grade: list[GroupSummary]
    by_branch: list[GroupSummary]
    score_bands: dict[str, int]


class OfficeSummary(GroupSummary):
    """One office's figures: the CMs placed at or below it (a branch's include its outlets')."""

    office_id: str
    parent_id: str | None
    code: str
    name: str
