"""Developing customers (R-D1, R-D2, R-D4): targets from market segmentation, moved through stages."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.customer.domain.classification import CustomerKind
from shared.errors import Conflict, Forbidden, RuleViolation


class Stage(StrEnum):
    """Where a target stands in development."""

    TARGET = "target"
    CONTACTED = "contacted"
    VISITED = "visited"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"


CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ORDER = [Stage.TARGET, Stage.CONTACTED, Stage.VISITED, Stage.PROPOSAL, Stage.WON]
FINAL = frozenset({Stage.WON, Stage.LOST})

GOALS: dict[CustomerKind, tuple[str, ...]] = {
    CustomerKind.CORPORATE: (
        "coordinate internally across departments",
        "keep and deepen existing relationships",
        "reach new industries and projects",
        "build the credit relationship that opens the basic account",
    ),
    CustomerKind.INSTITUTIONAL: (
        "develop asset, liability and intermediary business together",
        "build relationships at every level of the system",
        "offer payment-agency services that keep the funds in the RCC",
    ),
    CustomerKind.INDIVIDUAL: ("open deposits and cards", "meet credit needs", "offer payment services"),
    CustomerKind.FARM_HOUSEHOLD: (
        "meet seasonal credit needs",
        "open deposits and cards",
        "offer payment services",
    ),
}


def segment_score(demand: int, prospects: int, profitability: int, market_share: int) -> Decimal:
    """R-D1: the average of the four segmentation scores (0-10 each)."""
    for score in (demand, prospects, profitability, market_share):
        if not 0 <= score <= 10:
            raise RuleViolation("customer.pipeline.score_range")
    return (Decimal(demand + prospects + profitability + market_share) / 4).quantize(Decimal("0.01"))


def is_ideal(unmet_needs: bool, rcc_can_serve: bool, competitive_advantage: bool) -> bool:
    """R-D1: unmet needs of enough volume, that the RCC can serve, where it has an advantage."""
    return unmet_needs and rcc_can_serve and competitive_advantage


def advance(current: Stage, new: Stage) -> Stage:
    """Forward only; lost from any open stage; won only after a proposal; final stages stay final."""
    if current in FINAL:
        raise Conflict("customer.pipeline.same_stage", current=current.value)
    if new is Stage.LOST:
        return new
    if new is Stage.WON and current is not Stage.PROPOSAL:
        raise RuleViolation("customer.pipeline.won_before_proposal")
    if ORDER.index(new) <= ORDER.index(current):
        raise RuleViolation("customer.pipeline.backwards", current=current.value, new=new.value)
    return new


@dataclass(frozen=True)
class Step:
    """One entry of a target's history: the stage reached, when, by whom and why."""

    stage: Stage
    at: datetime
    by: str
    note: str = ""

    def as_record(self) -> dict[str, str]:
        """The entry as stored in the target's history."""
        return {"stage": self.stage.value, "at": self.at.isoformat(), "by": self.by, "note": self.note}


def check_owner(owner: str, caller: str, may_manage: bool) -> None:
    """R-D1: a CM adds targets for themself; a supervisor for any CM."""
    if owner != caller and not may_manage:
        raise Forbidden("customer.pipeline.own_targets")


@dataclass(frozen=True)
class TargetAdded:
    """R-D1: a new target with its segment score, at the first stage."""

    owner_id: str
    segment_score: Decimal
    step: Step


def add_target(
    owner: str, owner_active_here: bool, scores: tuple[int, int, int, int], by: str, now: datetime
) -> TargetAdded:
    """R-D1: a target scored by segmentation and owned by an active CM of the cooperative."""
    score = segment_score(*scores)
    if not owner_active_here:
        raise RuleViolation("customer.pipeline.owner_inactive", owner=owner)
    return TargetAdded(owner, score, Step(Stage.TARGET, now, by))


def move(current: Stage, new: Stage, customer_id: str | None, note: str, by: str, now: datetime) -> Step:
    """R-D1: forward only; won names the customer file that was opened; lost says why."""
    stage = advance(current, new)
    if stage is Stage.WON and customer_id is None:
        raise RuleViolation("customer.pipeline.won_without_file")
    if stage is Stage.LOST and not note:
        raise RuleViolation("customer.pipeline.lost_without_reason")
    return Step(stage, now, by, note)


@dataclass(frozen=True)
class StageCount:
    """R-D1 for management: the targets at one stage, the ideal ones, their mean segment score."""

    stage: Stage
    count: int
    ideal: int
    mean_segment_score: Decimal


def by_stage(targets: Iterable[tuple[str, Decimal, bool, bool, bool]]) -> list[StageCount]:
    """Every stage in order, zeros where none, from (stage, segment score, unmet, can serve, advantage)."""
    counts: dict[str, int] = defaultdict(int)
    ideal: dict[str, int] = defaultdict(int)
    scores: dict[str, Decimal] = defaultdict(Decimal)
    for stage, score, unmet, serve, advantage in targets:
        counts[stage] += 1
        scores[stage] += Decimal(score)
        ideal[stage] += int(is_ideal(unmet, serve, advantage))
    return [
        StageCount(
            stage,
            counts[stage.value],
            ideal[stage.value],
            (scores[stage.value] / counts[stage.value]).quantize(CENT) if counts[stage.value] else ZERO,
        )
        for stage in Stage
    ]
