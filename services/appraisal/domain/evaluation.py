"""R-A3: non-profit appraisal from self, sampled customers, the supervising department and colleagues."""

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shared.errors import Forbidden, RuleViolation

HUNDREDTH = Decimal("0.01")
MAX_SCORE = Decimal(100)


class Source(StrEnum):
    """Who gave an evaluation (R-A3)."""

    SELF = "self"
    CUSTOMER = "customer"
    SUPERVISOR = "supervisor"
    COLLEAGUE = "colleague"


MANDATORY = (Source.SELF, Source.SUPERVISOR, Source.CUSTOMER)


class Criterion(StrEnum):
    """The criteria every evaluation scores (R-A3)."""

    PERFORMANCE = "performance"
    ABILITY = "ability"
    QUALITY = "quality"


def check_score(value: Decimal, what: str) -> Decimal:
    """A score is 0-100 with at most two places."""
    if not Decimal(0) <= value <= MAX_SCORE:
        raise RuleViolation("appraisal.score.range", what=what, value=value)
    if value != value.quantize(HUNDREDTH):
        raise RuleViolation("appraisal.score.precision", what=what)
    return value


def check_weights(weights: Mapping[str, Decimal], what: str) -> dict[str, Decimal]:
    """Weights are non-negative and sum to exactly 1."""
    if any(w < 0 for w in weights.values()):
        raise RuleViolation("appraisal.weights.negative", what=what)
    total = sum(weights.values(), Decimal(0))
    if total != 1:
        raise RuleViolation("appraisal.weights.sum", what=what, total=total)
    return dict(weights)


def evaluation_score(scores: Mapping[Criterion, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    """One evaluation's score: its criteria scores weighted by the cycle's criteria weights."""
    missing = [c.value for c in Criterion if c not in scores]
    if missing:
        raise RuleViolation("appraisal.evaluation.criteria_missing", missing=missing)
    total = sum((check_score(scores[c], c.value) * weights[c.value] for c in Criterion), Decimal(0))
    return total.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def combined_score(by_source: Mapping[Source, Decimal], weights: Mapping[str, Decimal]) -> Decimal | None:
    """The non-profit result: source averages weighted, renormalised over the sources present."""
    present = {s: v for s, v in by_source.items() if weights.get(s.value, Decimal(0)) > 0}
    weight = sum((weights[s.value] for s in present), Decimal(0))
    if not present or weight == 0:
        return None
    total = sum((v * weights[s.value] for s, v in present.items()), Decimal(0))
    return (total / weight).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def draw_sample(seed: str, manager_id: str, customers: Iterable[str], size: int) -> list[str]:
    """R-A3: the customers asked to evaluate a CM; the same seed draws the same sample."""
    population = sorted(set(customers))
    if size <= 0 or not population:
        return []
    rng = random.Random(f"{seed}:{manager_id}")  # noqa: S311 - reproducible audit sample, not secrecy
    return sorted(rng.sample(population, min(size, len(population))))


@dataclass(frozen=True)
class Missing:
    """An evaluation still owed for a CM."""

    manager_id: str
    source: Source
    evaluator: str | None


def missing_evaluations(
    manager_id: str, given: Mapping[Source, set[str]], sample: Sequence[str]
) -> list[Missing]:
    """Mandatory evaluations not yet in: self, supervisor, and each sampled customer."""
    missing: list[Missing] = []
    if not given.get(Source.SELF):
        missing.append(Missing(manager_id, Source.SELF, manager_id))
    if not given.get(Source.SUPERVISOR):
        missing.append(Missing(manager_id, Source.SUPERVISOR, None))
    answered = given.get(Source.CUSTOMER, set())
    missing.extend(Missing(manager_id, Source.CUSTOMER, c) for c in sample if c not in answered)
    return missing


def owed(
    participants: Iterable[str], given: Iterable[tuple[str, str, str]], drawn: Iterable[tuple[str, str]]
) -> list[Missing]:
    """R-A3: every mandatory evaluation still owed in a cycle, CM by CM in the order given.

    `given` holds each evaluation entered (CM, source, evaluator); `drawn` each sampled (CM, customer).
    """
    entered: dict[str, dict[Source, set[str]]] = {}
    for manager_id, source, evaluator in given:
        entered.setdefault(manager_id, {}).setdefault(Source(source), set()).add(evaluator)
    samples: dict[str, list[str]] = {}
    for manager_id, customer_id in drawn:
        samples.setdefault(manager_id, []).append(customer_id)
    return [
        owed_one
        for manager_id in participants
        for owed_one in missing_evaluations(
            manager_id, entered.get(manager_id, {}), sorted(samples.get(manager_id, []))
        )
    ]


@dataclass(frozen=True)
class Entrant:
    """Who enters an evaluation: their id and the roles that entitle them (R-A3)."""

    user_id: str
    is_cm: bool
    is_supervisor: bool
    is_channel: bool


def evaluator_of(
    source: Source, manager_id: str, by: Entrant, customer_id: str | None, sample: set[str]
) -> str:
    """R-A3: who may enter which evaluation; returns the evaluator recorded."""
    if source is Source.SELF:
        if by.user_id != manager_id or not by.is_cm:
            raise Forbidden("appraisal.evaluation.self_by_cm")
        return manager_id
    if source is Source.SUPERVISOR:
        if not by.is_supervisor:
            raise Forbidden("appraisal.evaluation.supervisor_only")
        return by.user_id
    if source is Source.COLLEAGUE:
        if not by.is_cm or by.user_id == manager_id:
            raise Forbidden("appraisal.evaluation.colleague_only")
        return by.user_id
    if not (by.is_channel or by.is_supervisor):
        raise Forbidden("appraisal.evaluation.customer_by_channel")
    if customer_id is None:
        raise RuleViolation("appraisal.evaluation.customer_unnamed")
    if customer_id not in sample:
        raise RuleViolation(
            "appraisal.evaluation.customer_not_drawn", customer_id=customer_id, manager_id=manager_id
        )
    return customer_id


def evaluate(
    source: Source,
    manager_id: str,
    by: Entrant,
    customer_id: str | None,
    sample: set[str],
    scores: Mapping[Criterion, Decimal],
    weights: Mapping[str, Decimal],
) -> tuple[str, Decimal]:
    """R-A3: the evaluator recorded and the weighted score of one evaluation entered by `by`."""
    evaluator = evaluator_of(source, manager_id, by, customer_id, sample)
    if source is not Source.CUSTOMER and customer_id is not None:
        raise RuleViolation("appraisal.evaluation.customer_only")
    return evaluator, evaluation_score(scores, weights)


def mean_score(total: Decimal, count: int) -> Decimal:
    """R-A3: a source's score is the mean of its evaluations, to the hundredth."""
    return (total / count).quantize(HUNDREDTH)
