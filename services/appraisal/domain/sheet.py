"""R-P1, R-A3, R-Q8: one CM's result sheet for the year, decided from the figures computed for them."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from services.appraisal.domain.attribution import Assignment, attribute, from_fen, to_fen
from services.appraisal.domain.evaluation import Source, combined_score
from services.appraisal.domain.grading import GradeTerms, ProposalKind, propose
from services.appraisal.domain.pay import (
    ZERO,
    GradeTime,
    LossPolicy,
    PaySheet,
    YearTerms,
    pay_sheet,
    year_terms,
)


@dataclass
class Attribution:
    """The year's profit as attributed: to CMs, to team pools, and what nobody could take (in fen)."""

    managers: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    unattributed: int = 0


YearSum = tuple[str | None, str | None, str | None, str | None, str | None, Mapping[str, Decimal] | None, int]


def gather(sums: Iterable[YearSum]) -> Attribution:
    """R-A2/R-A4: the year's sums to a sole CM, a team pool, nobody, or shared to the fen by shares."""
    result = Attribution()
    for sole, pool, _period, primary, mode, shares, fen in sums:
        if sole is not None:
            result.managers[sole] = result.managers.get(sole, 0) + fen
        elif pool is not None:
            result.teams[pool] = result.teams.get(pool, 0) + fen
        elif primary is None or mode is None:
            result.unattributed += fen
        else:
            split = attribute(fen, Assignment(primary, mode, dict(shares or {}), None)).managers
            for member, part in split.items():
                result.managers[member] = result.managers.get(member, 0) + part
    return result


def terms_of_year(
    held: Mapping[str, int], grade: str | None, by_code: Mapping[str, GradeTerms], days_in_year: int
) -> YearTerms:
    """R-P1: the grades held during the year; without a history for the year, the year-end grade."""
    spans = [
        GradeTime(code, days, by_code[code].floating_rate, by_code[code].fixed_pay)
        for code, days in held.items()
        if code in by_code
    ]
    if spans:
        return year_terms(spans, days_in_year)
    terms = by_code.get(grade or "")
    return YearTerms.whole_year(terms.floating_rate if terms else ZERO, terms.fixed_pay if terms else ZERO)


@dataclass(frozen=True)
class Figures:
    """What was computed for one CM: grade, profit in fen, scores by source, days in grades, deductions."""

    grade: str | None
    direct_fen: int
    pool_fen: int
    scores: Mapping[Source, Decimal]
    held: Mapping[str, int]
    overspend: Decimal
    carried_loss: Decimal


@dataclass(frozen=True)
class Sheet:
    """R-P1, R-Q8: one CM's result: profit, combined score, pay and the grade proposal."""

    direct_profit: Decimal
    pool_profit: Decimal
    profit: Decimal
    score: Decimal | None
    pay: PaySheet
    proposal: ProposalKind
    proposal_reason: str


def result_sheet(
    figures: Figures,
    grades: Sequence[GradeTerms],
    source_weights: Mapping[str, Decimal],
    policy: LossPolicy,
    days_in_year: int,
) -> Sheet:
    """R-P1, R-A3, R-Q8: pay on the attributed profit, the weighted score, and the proposal they lead to."""
    by_code = {g.code: g for g in grades}
    direct, pool = from_fen(figures.direct_fen), from_fen(figures.pool_fen)
    profit = direct + pool
    score = combined_score(figures.scores, source_weights)
    terms = terms_of_year(figures.held, figures.grade, by_code, days_in_year)
    pay = pay_sheet(profit, terms, figures.overspend, policy, figures.carried_loss)
    kind, reason = propose(grades, figures.grade or "", score, profit)
    return Sheet(direct, pool, profit, score, pay, kind, reason)


def refresh_pools(
    allocated_for: Mapping[str, Decimal | None], teams: Mapping[str, int]
) -> tuple[list[str], set[str]]:
    """R-A4: the pools no longer computed, and those whose lead's split still adds up to the new amount."""
    gone = [team for team in allocated_for if team not in teams]
    still_split = {t for t, split in allocated_for.items() if t in teams and split == from_fen(teams[t])}
    return gone, still_split


def pooled_profit(allocations: Iterable[tuple[str, str, Decimal]], still_split: set[str]) -> dict[str, int]:
    """R-A4: each CM's part (in fen) of the pools whose lead's split still adds up; (team, CM, amount) in."""
    parts: dict[str, int] = {}
    for team_id, manager_id, amount in allocations:
        if team_id in still_split:
            parts[manager_id] = parts.get(manager_id, 0) + to_fen(amount)
    return parts
