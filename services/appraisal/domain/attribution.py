"""R-A2/R-A4: who gets a customer's profit, split to the fen by the largest-remainder method."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.appraisal.domain.cycle import CycleStatus, check_editable
from shared.errors import RuleViolation

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> int:
    """An amount of money as an exact integer of fen."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise RuleViolation("appraisal.amount_precision", amount=amount)
    return int(scaled)


def from_fen(fen: int) -> Decimal:
    """Fen back to a Decimal with two places."""
    return (Decimal(fen) / 100).quantize(FEN)


def split_largest_remainder(total_fen: int, weights: Mapping[str, Decimal]) -> dict[str, int]:
    """Split an integer of fen over positive weights; the parts sum to the total exactly.

    Each part gets the floor of its exact quota; the fen left over go one each to the largest
    remainders (ties: the smaller key first), so no fen is created or lost. A negative total
    (a loss) is split the same way as its absolute value, then negated.
    """
    if not weights:
        raise RuleViolation("appraisal.split.nothing")
    if any(w <= 0 for w in weights.values()):
        raise RuleViolation("appraisal.split.weight_not_positive")
    sign = -1 if total_fen < 0 else 1
    magnitude = abs(total_fen)
    places = max(-min(int(w.as_tuple().exponent), 0) for w in weights.values())
    scale = 10**places
    whole = {key: int(w * scale) for key, w in weights.items()}  # exact: the weights are finite decimals
    weight_sum = sum(whole.values())
    parts: dict[str, int] = {}
    remainders: list[tuple[int, str]] = []
    for key in sorted(whole):
        floor, remainder = divmod(magnitude * whole[key], weight_sum)
        parts[key] = floor
        remainders.append((remainder, key))
    left = magnitude - sum(parts.values())
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _, key in remainders[:left]:
        parts[key] += 1
    return {key: sign * value for key, value in parts.items()}


@dataclass(frozen=True)
class Assignment:
    """Who served a customer over a stretch of time and how its profit is attributed (R-A4)."""

    primary_manager_id: str
    mode: str
    shares: Mapping[str, Decimal]
    team_id: str | None


@dataclass(frozen=True)
class Attributed:
    """An amount (in fen) credited to CMs and, for a team pool, to a team."""

    managers: dict[str, int]
    team_id: str | None = None
    team_fen: int = 0


def attribute(total_fen: int, assignment: Assignment) -> Attributed:
    """R-A4: a sole CM gets all; shares split it; a team pool goes whole to the team."""
    if assignment.mode == "team_pool":
        if assignment.team_id is None:
            raise RuleViolation("appraisal.pool.needs_team")
        return Attributed(managers={}, team_id=assignment.team_id, team_fen=total_fen)
    shares = assignment.shares or {assignment.primary_manager_id: Decimal(100)}
    return Attributed(managers=split_largest_remainder(total_fen, shares))


def check_allocation(pool: Decimal, allocations: Mapping[str, Decimal], members: set[str]) -> None:
    """R-A4: the team lead's split names only team members and adds up exactly to the pool."""
    if not allocations:
        raise RuleViolation("appraisal.pool.no_member")
    strangers = sorted(set(allocations) - members)
    if strangers:
        raise RuleViolation("appraisal.pool.strangers", strangers=strangers)
    total = sum(allocations.values(), Decimal(0))
    if total != pool:
        raise RuleViolation("appraisal.pool.unequal", total=total, pool=pool)


def split_pool(
    status: CycleStatus, pool: Decimal, allocations: Mapping[str, Decimal], members: set[str]
) -> list[tuple[str, Decimal]]:
    """R-A4: the lead's split of a pool, while the cycle is not final, member by member in order."""
    check_editable(status)
    check_allocation(pool, allocations, members)
    return sorted(allocations.items())


def split_in_force(
    amount: Decimal, allocated_for: Decimal | None, allocations: Mapping[str, Decimal]
) -> tuple[bool, dict[str, Decimal]]:
    """R-A4: whether a pool is split (its lead split this very amount; an empty pool needs none), and how."""
    current = allocated_for == amount
    return amount == 0 or current, dict(allocations) if current else {}


EARLIEST = date(1900, 1, 1)


def sole_manager(mode: str, primary: str, shares: Mapping[str, str]) -> str | None:
    """R-A4: the CM who takes all of a period's profit, if one does (no split, no pool)."""
    if mode != "shares" or len(shares) > 1:
        return None
    return next(iter(shares), primary)


def chain(valid_from: Sequence[date]) -> list[tuple[date, date | None]]:
    """R-A4: a customer's periods in order, each covering from its start (the first from ever) to the next."""
    return [
        (EARLIEST if index == 0 else start, valid_from[index + 1] if index + 1 < len(valid_from) else None)
        for index, start in enumerate(valid_from)
    ]
