"""Customer value (R-C7) and the 80/20 view (R-M6)."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.customer.domain.classification import Importance

VOLUME_WEIGHT = Decimal("0.01")
GROWTH_WEIGHT = Decimal("0.5")
ZERO = Decimal("0")


@dataclass(frozen=True)
class ValueInputs:
    """What the value is computed from: business volume now, profit over two years."""

    deposit: Decimal
    loan: Decimal
    profit_last_12m: Decimal
    profit_prior_12m: Decimal


def customer_value(v: ValueInputs) -> Decimal:
    """R-C7: current volume (1% of deposits and loans), the year's profit, and half of its growth."""
    growth = max(ZERO, v.profit_last_12m - v.profit_prior_12m)
    value = VOLUME_WEIGHT * (v.deposit + v.loan) + v.profit_last_12m + GROWTH_WEIGHT * growth
    return value.quantize(Decimal("0.01"))


def months_back(today: date, months: int) -> str:
    """The period (YYYY-MM) `months` before today's month."""
    index = today.year * 12 + (today.month - 1) - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def top_fifth(ranked: Sequence[str]) -> set[str]:
    """R-M6: the top 20% (at least one) of customers ranked by value, highest first."""
    if not ranked:
        return set()
    return set(ranked[: max(1, math.ceil(len(ranked) * 0.2))])


def suggested_importance(position: int, total: int) -> Importance:
    """R-C7: top 20% core, next 30% important, the rest ordinary (position 0 is the most valuable)."""
    if total == 0:
        return Importance.ORDINARY
    share = (position + 1) / total
    if share <= 0.2 or position == 0:
        return Importance.CORE
    if share <= 0.5:
        return Importance.IMPORTANT
    return Importance.ORDINARY


@dataclass(frozen=True)
class Ranked:
    """R-C7/R-M6: one customer's place in the cooperative's ranking by value."""

    customer_id: str
    value: Decimal
    inputs: ValueInputs
    suggested: Importance
    top_fifth: bool


def rank(customers: Iterable[tuple[str, str, ValueInputs]]) -> list[Ranked]:
    """R-C7/R-M6: (id, file number, inputs) ranked by value, highest first (ties by file number)."""
    scored = sorted(
        ((customer_value(i), no, cid, i) for cid, no, i in customers), key=lambda s: (-s[0], s[1])
    )
    top = top_fifth([cid for _, _, cid, _ in scored])
    return [
        Ranked(cid, value, inputs, suggested_importance(position, len(scored)), cid in top)
        for position, (value, _, cid, inputs) in enumerate(scored)
    ]


def review_window(today: date) -> tuple[str, str, str]:
    """R-C7: the periods (YYYY-MM) bounding the last 12 months and the 12 before: this, last, prior."""
    return months_back(today, -1), months_back(today, 11), months_back(today, 23)
