"""R-Q8: a CM's results against their grade's standard and the next grade's: the grade proposal."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ProposalKind(StrEnum):
    """What the appraisal proposes for a CM's grade."""

    PROMOTE = "promote"
    KEEP = "keep"
    DEMOTE = "demote"
    REMOVE = "remove"


@dataclass(frozen=True)
class GradeTerms:
    """What appraisal needs of a grade: rung, pay and the two standards."""

    code: str
    rank: int
    level: int
    fixed_pay: Decimal
    floating_rate: Decimal
    keep_min_score: Decimal
    keep_min_profit: Decimal
    reach_min_score: Decimal
    reach_min_profit: Decimal


def ordered(grades: Sequence[GradeTerms]) -> list[GradeTerms]:
    """Highest grade first."""
    return sorted(grades, key=lambda g: (g.rank, g.level))


def _step(grades: Sequence[GradeTerms], code: str, up: bool) -> GradeTerms | None:
    order = ordered(grades)
    index = [g.code for g in order].index(code) + (-1 if up else 1)
    return order[index] if 0 <= index < len(order) else None


def propose(
    grades: Sequence[GradeTerms], code: str, score: Decimal | None, profit: Decimal
) -> tuple[ProposalKind, str]:
    """Promote if the next grade's standard is reached, keep if one's own is, else demote or remove."""
    by_code = {g.code: g for g in grades}
    if code not in by_code:
        return ProposalKind.KEEP, f"grade {code!r} is not in the ladder; no proposal can be made"
    own = by_code[code]
    if score is None:
        return ProposalKind.KEEP, "no non-profit score: the grade is kept until the appraisal is complete"
    above = _step(grades, code, up=True)
    figures = f"score {score}, profit {profit}"
    if above is not None and score >= above.reach_min_score and profit >= above.reach_min_profit:
        return ProposalKind.PROMOTE, (
            f"{figures} reach {above.code}'s standard (score {above.reach_min_score}, "
            f"profit {above.reach_min_profit})"
        )
    if score >= own.keep_min_score and profit >= own.keep_min_profit:
        return ProposalKind.KEEP, (
            f"{figures} meet {code}'s standard (score {own.keep_min_score}, profit {own.keep_min_profit})"
        )
    below = _step(grades, code, up=False)
    missed = f"{figures} miss {code}'s standard (score {own.keep_min_score}, profit {own.keep_min_profit})"
    if below is None:
        return ProposalKind.REMOVE, missed + "; there is no lower grade: off the CM post"
    return ProposalKind.DEMOTE, missed + f"; down to {below.code}"
