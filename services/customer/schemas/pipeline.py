"""Development targets (R-D1, R-D4)."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.customer.domain.classification import CustomerKind
from services.customer.domain.pipeline import Stage

Score = Field(ge=0, le=10)


class Scores(BaseModel):
    """R-D1 market segmentation scores, 0-10 each."""

    model_config = ConfigDict(extra="forbid")

    demand_potential: int = Score
    prospects: int = Score
    profitability: int = Score
    market_share: int = Score


class ProspectCreate(BaseModel):
    """A target customer with its segmentation and a preliminary value assessment (R-D1, R-D2)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: CustomerKind
    owner_id: str | None = Field(default=None, max_length=64, description="defaults to the calling CM")
    scores: Scores
    unmet_needs: bool
    rcc_can_serve: bool
    competitive_advantage: bool
    preliminary_assessment: str = Field(min_length=1, max_length=4000)


class StageChange(BaseModel):
    """Move a target forward, or mark it lost; a won target names its new customer file."""

    model_config = ConfigDict(extra="forbid")

    stage: Stage
    note: str = Field(default="", max_length=2000)
    customer_id: str | None = Field(default=None, max_length=64)


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
