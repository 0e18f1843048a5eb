"""Development targets (R-D1, R-D4)."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.customer.domain.classification import CustomerKind
from services.customer.domain.pipeline import Stage


class Scores(BaseModel):
    """R-D1 market segmentation scores, 0-10 each."""

    model_config = ConfigDict(extra="forbid")

    demand_potential: int = Field(ge=0, le=10, description="Demand potential, 0-10", examples=[8])
    prospects: int = Field(ge=0, le=10, description="Prospects, 0-10", examples=[7])
    profitability: int = Field(ge=0, le=10, description="Profitability, 0-10", examples=[6])
    market_share: int = Field(
        ge=0, le=10, description="Market share the cooperative could win, 0-10", examples=[5]
    )


class ProspectCreate(BaseModel):
    """A target customer with its segmentation and a preliminary value assessment (R-D1, R-D2)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="The target customer's name", examples=["青山茶叶合作社"], min_length=1, max_length=200
    )
    kind: CustomerKind = Field(description="Customer kind", examples=["institutional"])
    owner_id: str | None = Field(
        examples=["m-2f1c"], default=None, max_length=64, description="defaults to the calling CM"
    )
    scores: Scores
    unmet_needs: bool = Field(description="Has unmet real or latent financial needs (R-D1)", examples=[True])
    rcc_can_serve: bool = Field(description="The cooperative can serve them", examples=[True])
    competitive_advantage: bool = Field(
        description="The cooperative has a competitive advantage there", examples=[True]
    )
    preliminary_assessment: str = Field(
        description="Whether it is worth developing, and why",
        examples=["年销售额约三千万元，需流动资金贷款。"],
        min_length=1,
        max_length=4000,
    )


class StageChange(BaseModel):
    """Move a target forward, or mark it lost; a won target names its new customer file."""

    model_config = ConfigDict(extra="forbid")

    stage: Stage = Field(examples=["visited"])
    note: str = Field(
        description="What moved it", examples=["已完成首次销售访问。"], default="", max_length=2000
    )
    customer_id: str | None = Field(
        description="The customer file opened for it, if any",
        examples=["c-8e21"],
        default=None,
        max_length=64,
    )


class ProspectRead(BaseModel):
    """A target, its score, whether it is ideal (R-D1) and the goals for its kind (R-D4)."""

    id: str
    name: str
    kind: CustomerKind
    owner_id: str
    scores: Scores
    segment_score: Decimal
    ideal: bool
    preliminary_assessment: str
    stage: Stage
    history: list[dict[str, str]]
    customer_id: str | None
    development_goals: list[str]
    created_at: datetime


class StageSummary(BaseModel):
    """How many targets stand at one stage, how many are ideal, and their mean segment score."""

    stage: Stage = Field(examples=["visited"])
    count: int = Field(ge=0, examples=[4])
    ideal: int = Field(ge=0, description="Of which ideal targets (R-D1)", examples=[3])
    mean_segment_score: Decimal = Field(description="0.00 when none", examples=["6.75"])
