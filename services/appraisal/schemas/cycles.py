"""Schemas of the yearly cycle (R-A1)."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.pay import LossPolicy
from shared.money import Money


class CycleCreate(BaseModel):
    """Open the appraisal of a past year (R-A1: in January, for the year before)."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="The past year appraised", examples=[2025], ge=2000, le=2200)
    deadline: date | None = Field(
        examples=["2026-01-31"], default=None, description="evaluations close after this day"
    )
    sample_size: int | None = Field(
        examples=[5], default=None, ge=0, le=50, description="R-A3 customers asked per CM"
    )
    seed: str | None = Field(
        examples=["2025-appraisal"], default=None, min_length=1, max_length=64, description="sample seed"
    )
    loss_policy: LossPolicy | None = Field(
        default=None,
        description="What a loss does to floating pay: zero or carried forward (R-P1)",
        examples=["carry_forward"],
    )


class CycleCorrection(BaseModel):
    """Reopen a finalized cycle as a new version; its results stay until the correction is finalized."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        description="Why the finalized cycle is corrected (kept with the new version)",
        examples=["补录2025年12月漏记的贷款利息收入。"],
        min_length=3,
        max_length=1000,
    )
    deadline: date | None = Field(
        default=None, description="The evaluation deadline of the new version", examples=["2026-02-20"]
    )


class DeadlineUpdate(BaseModel):
    """Extend (or move) the evaluation deadline of an open cycle."""

    model_config = ConfigDict(extra="forbid")

    deadline: date = Field(description="The new evaluation deadline", examples=["2026-02-15"])


class CycleRead(BaseModel):
    """A version of a year's appraisal."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    year: int
    version: int
    status: CycleStatus
    deadline: date
    seed: str
    sample_size: int
    source_weights: dict[str, str]
    criteria_weights: dict[str, str]
    loss_policy: LossPolicy
    supersedes_id: str | None
    correction_reason: str | None
    opened_by: str
    opened_at: datetime
    computed_at: datetime | None
    finalized_by: str | None
    finalized_at: datetime | None
    ladder_version: int | None
    unattributed_profit: Decimal | None
    participants: int = 0


class PoolRead(BaseModel):
    """R-A4: a team's pooled profit and whether its lead has split it."""

    model_config = ConfigDict(from_attributes=True)

    team_id: str
    amount: Decimal
    allocated: bool
    allocations: dict[str, Decimal] = Field(default_factory=dict)


class ComputeRead(BaseModel):
    """What a computation found."""

    cycle: CycleRead
    participants: int
    attributed_profit: Decimal
    unattributed_profit: Decimal
    pools: list[PoolRead]
    missing_evaluations: int


class AllocationCreate(BaseModel):
    """R-A4: the team lead's split of the team's pool; it must add up exactly to the pool."""

    model_config = ConfigDict(extra="forbid")

    allocations: dict[str, Money] = Field(
        description="The pool in yuan per CM id, as strings with two decimals; adds up exactly to the pool",
        examples=[{"m-2f1c": "12000.00", "m-7a9d": "8000.50"}],
        min_length=1,
        max_length=200,
    )
