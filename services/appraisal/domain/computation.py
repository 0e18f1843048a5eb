"""R-A2..R-A4, R-P1, R-Q8: a cycle computed: every participant's result sheet from the year's figures."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.appraisal.domain.evaluation import Source
from services.appraisal.domain.grading import GradeTerms
from services.appraisal.domain.pay import ZERO, LossPolicy
from services.appraisal.domain.sheet import Attribution, Figures, Sheet, result_sheet
from services.appraisal.domain.tenure import Spell, days_in_grades, days_in_year, grade_at_year_end


@dataclass(frozen=True)
class Year:
    """What a cycle's computation knows of its year, for every participant at once."""

    year: int
    grades: Sequence[GradeTerms]  # the ladder in force at the end of the year
    source_weights: Mapping[str, Decimal]
    policy: LossPolicy
    history: Mapping[str, Sequence[Spell]]  # each CM's grade spells, in order
    known_grades: Mapping[str, str | None]  # each CM's grade as appraisal knows it now
    attribution: Attribution
    pooled: Mapping[str, int]  # each CM's part of the team pools, in fen
    scores: Mapping[str, Mapping[Source, Decimal]]  # each CM's mean score per source
    overspends: Mapping[str, Decimal]
    carried_losses: Mapping[str, Decimal]  # last year's losses carried out, by CM


@dataclass(frozen=True)
class Computed:
    """One participant's figures and the sheet decided from them."""

    manager_id: str
    figures: Figures
    sheet: Sheet


def figures_of(manager_id: str, year: Year) -> Figures:
    """R-A2, R-P1, R-Q8: a CM's grade at the year's end, profit, scores, days in grades and deductions."""
    history = year.history.get(manager_id, ())
    return Figures(
        grade=grade_at_year_end(history, year.year, year.known_grades.get(manager_id)),
        direct_fen=year.attribution.managers.get(manager_id, 0),
        pool_fen=year.pooled.get(manager_id, 0),
        scores=year.scores.get(manager_id, {}),
        held=days_in_grades(history, year.year),
        overspend=year.overspends.get(manager_id, ZERO),
        carried_loss=year.carried_losses.get(manager_id, ZERO),
    )


def compute(participants: Iterable[str], year: Year) -> list[Computed]:
    """R-P1, R-A3, R-Q8: every participant's sheet, in the order given."""
    days = days_in_year(year.year)
    computed: list[Computed] = []
    for manager_id in participants:
        figures = figures_of(manager_id, year)
        sheet = result_sheet(figures, year.grades, year.source_weights, year.policy, days)
        computed.append(Computed(manager_id, figures, sheet))
    return computed


def attributed_total(attribution: Attribution) -> int:
    """R-A2: the fen the year attributed, to CMs directly and to team pools."""
    return sum(attribution.managers.values()) + sum(attribution.teams.values())
