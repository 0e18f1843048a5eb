"""Spot checks (R-I5): a seeded, reproducible, optionally stratified draw from a population."""

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.audit.domain.departure import ItemStatus, check_clearable
from shared.errors import Conflict, RuleViolation


def draw(population: Sequence[tuple[str, str]], size: int, seed: int) -> list[str]:
    """Draw `size` ids from (id, stratum) pairs; strata share the sample in proportion, each at least one.

    The population is sorted first, so the same population and seed always give the same sample.
    """
    if size < 1:
        raise RuleViolation("audit.sample.empty")
    ordered = sorted(set(population))
    if not ordered:
        return []
    rng = random.Random(seed)  # noqa: S311 - reproducibility, not secrecy, is the point
    strata: dict[str, list[str]] = defaultdict(list)
    for subject_id, stratum in ordered:
        strata[stratum].append(subject_id)
    size = min(size, len(ordered))
    quotas = _quotas({k: len(v) for k, v in strata.items()}, size)
    sample: list[str] = []
    for stratum in sorted(strata):
        sample.extend(rng.sample(strata[stratum], quotas[stratum]))
    return sorted(sample)


def _quotas(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Largest-remainder allocation of `total` over strata by size, each non-empty stratum at least one."""
    population = sum(sizes.values())
    keys = sorted(sizes)
    if total < len(keys):
        # fewer draws than strata: the largest strata get one each
        chosen = sorted(keys, key=lambda k: (-sizes[k], k))[:total]
        return {k: (1 if k in chosen else 0) for k in keys}
    exact = {k: total * sizes[k] / population for k in keys}
    quotas = {k: max(1, min(sizes[k], int(exact[k]))) for k in keys}
    while sum(quotas.values()) < total:
        k = max((k for k in keys if quotas[k] < sizes[k]), key=lambda k: (exact[k] - quotas[k], k))
        quotas[k] += 1
    while sum(quotas.values()) > total:
        k = max((k for k in keys if quotas[k] > 1), key=lambda k: (quotas[k] - exact[k], k))
        quotas[k] -= 1
    return quotas


def stratum(strata: str, manager_id: str | None, branch: str | None) -> str:
    """R-I5: the stratum a subject falls in: none, its CM or its branch."""
    return {"none": "", "manager": manager_id or "", "branch": branch or ""}[strata]


def draw_check(population: Sequence[tuple[str, str]], size: int, seed: int, name: str) -> list[str]:
    """R-I5: the sample of a new spot check; an empty population is refused."""
    if not population:
        raise Conflict("audit.spot_check.empty_population", population=name)
    return draw(population, size, seed)


def clear_sampled(item: ItemStatus, open_findings: int) -> ItemStatus:
    """R-I5: a sampled subject is found in order once, and not while a finding on it is open."""
    if item is ItemStatus.CLEAR:
        raise Conflict("audit.item.already_clear")
    check_clearable(open_findings)
    return ItemStatus.CLEAR


def regular_since(now: datetime, every_days: int) -> datetime:
    """R-I5: a regular check started after this moment is recent enough."""
    return now - timedelta(days=every_days)


def regular_due(orgs: Iterable[str], recent: Iterable[str], only_org: str | None) -> list[str]:
    """R-I5: the cooperatives with no recent regular check (or only the one asked for), in order."""
    return [o for o in sorted(set(orgs) - set(recent)) if only_org is None or o == only_org]


@dataclass(frozen=True)
class SampledFinding:
    """R-I5: whom a finding on a sampled subject is about, its evidence, its event key, the item after it."""

    manager_id: str | None
    customer_id: str | None
    evidence: list[str]
    key: str
    item: ItemStatus = ItemStatus.FINDING


def sampled_finding(
    check_id: str, population: str, subject_id: str, manager_id: str | None
) -> SampledFinding:
    """R-I5: a finding names the subject's CM (and the customer, for customers) and blocks the item."""
    customer_id = subject_id if population == "customers" else None
    evidence = [f"spot-check:{check_id}", f"{population}:{subject_id}"]
    return SampledFinding(manager_id, customer_id, evidence, customer_id or manager_id or check_id)


def seed_of(asked: int | None) -> int:
    """R-I5: the seed recorded with a check: the one asked for, else a fresh random one."""
    return asked if asked is not None else secrets.randbits(62)


def population_of(
    subjects: Iterable[tuple[str, str | None, str | None]], strata: str
) -> list[tuple[str, str]]:
    """R-I5: the population a check draws from, (subject, stratum) in order, as it is recorded."""
    return sorted((subject_id, stratum(strata, manager, branch)) for subject_id, manager, branch in subjects)


def reproduction(
    population: Iterable[Sequence[str]], size: int, seed: int, recorded: Iterable[str]
) -> tuple[bool, list[str]]:
    """R-I5: draw again from the recorded population with the recorded seed; the same sample or not."""
    again = draw([(p[0], p[1]) for p in population], size, seed)
    return again == sorted(recorded), again
