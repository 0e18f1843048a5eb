"""The cooperative's appraisal at a glance: a group's figures, score bands, and groups in ladder order."""

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

CENT = Decimal("0.01")
BANDS = ((90, "90-100"), (80, "80-89"), (70, "70-79"), (60, "60-69"), (0, "below 60"))
NO_SCORE = "no score"

T = TypeVar("T")


class Counted(Protocol):
    """What a summary counts of one CM's result sheet."""

    @property
    def attributed_profit(self) -> Decimal: ...

    @property
    def score(self) -> Decimal | None: ...

    @property
    def floating_pay(self) -> Decimal: ...

    @property
    def proposal(self) -> str: ...


@dataclass(frozen=True)
class GroupFigures:
    """A group of CMs' profit (total, mean and median to the cent, range), mean score, pay and proposals."""

    managers: int
    total_profit: Decimal
    mean_profit: Decimal
    median_profit: Decimal
    min_profit: Decimal
    max_profit: Decimal
    mean_score: Decimal | None
    total_floating_pay: Decimal
    proposals: dict[str, int]


def group_figures(sheets: Sequence[Counted]) -> GroupFigures:
    """The figures of a non-empty group of result sheets; CMs without a score do not weigh on its mean."""
    profits = sorted(s.attributed_profit for s in sheets)
    scores = [s.score for s in sheets if s.score is not None]
    total = sum(profits, Decimal(0))
    return GroupFigures(
        managers=len(sheets),
        total_profit=total,
        mean_profit=(total / len(profits)).quantize(CENT),
        median_profit=Decimal(statistics.median(profits)).quantize(CENT),
        min_profit=profits[0],
        max_profit=profits[-1],
        mean_score=(sum(scores, Decimal(0)) / len(scores)).quantize(CENT) if scores else None,
        total_floating_pay=sum((s.floating_pay for s in sheets), Decimal(0)),
        proposals=dict(Counter(s.proposal for s in sheets)),
    )


def grouped(
    items: Iterable[T], key: Callable[[T], str], order: Sequence[str] = ()
) -> list[tuple[str, list[T]]]:
    """Groups in the given order (the ladder's, for grades), the others after it by name."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    rank = {name: index for index, name in enumerate(order)}
    return sorted(groups.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def band(score: Decimal | None) -> str:
    """The score band a non-profit score falls in."""
    if score is None:
        return NO_SCORE
    return next(label for floor, label in BANDS if score >= floor)


def score_bands(scores: Iterable[Decimal | None]) -> dict[str, int]:
    """How many CMs fall in each score band (those without a score in their own)."""
    return dict(Counter(band(score) for score in scores))


def rising_bands() -> list[str]:
    """The score bands from the lowest up, as a chart shows them."""
    return [label for _, label in reversed(BANDS)]
