"""Audit rules without I/O: the departure gate with findings (R-I6) and the hash-chained journal."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.audit.domain import journal
from services.audit.domain.departure import (
    AuditStatus,
    ItemStatus,
    check_auditor,
    check_clearable,
    status_after_review,
)
from shared.errors import Forbidden, RuleViolation


def _chain(n: int) -> list[tuple[journal.Entry, str, str]]:
    rows, previous = [], journal.GENESIS
    for seq in range(1, n + 1):
        entry = journal.Entry(
            seq, f"e-{seq}", "manager.registered", "staffing.managers", "rcc", "2026-01-01", "ab"
        )
        digest = journal.chain_hash(previous, entry)
        rows.append((entry, previous, digest))
        previous = digest
    return rows


def test_an_intact_chain_verifies():
    assert journal.first_broken(_chain(5)) is None


def test_a_changed_row_is_named():
    rows = _chain(5)
    entry, previous, digest = rows[2]
    forged = journal.Entry(
        entry.seq,
        entry.event_id,
        "manager.forged",
        entry.topic,
        entry.org_id,
        entry.occurred_at,
        entry.body_sha256,
    )
    rows[2] = (forged, previous, digest)
    assert journal.first_broken(rows) == 3


def test_a_removed_or_inserted_row_breaks_the_link():
    rows = _chain(5)
    assert journal.first_broken(rows[:2] + rows[3:]) == 4
    assert journal.first_broken([rows[0], rows[0], *rows[1:]]) == 1


def test_R_I6_a_finding_blocks_and_a_departing_cm_cannot_audit_themself():
    assert status_after_review(True, [ItemStatus.FINDING]) is AuditStatus.IN_PROGRESS
    with pytest.raises(RuleViolation, match="open finding"):
        check_clearable(1)
    check_clearable(0)
    with pytest.raises(Forbidden):
        check_auditor("m-1", "m-1")


def test_R_I5_the_same_population_and_seed_give_the_same_sample():
    from services.audit.domain.sampling import draw

    population = [(f"c-{i:03d}", "north" if i % 3 else "south") for i in range(100)]
    first = draw(population, 10, seed=42)
    assert first == draw(list(reversed(population)), 10, seed=42)
    assert first != draw(population, 10, seed=43)
    assert len(first) == 10
    assert len(set(first)) == 10


def test_R_I5_strata_share_the_sample_in_proportion_and_each_gets_one():
    from services.audit.domain.sampling import draw

    population = [(f"n-{i}", "north") for i in range(90)] + [(f"s-{i}", "south") for i in range(10)]
    sample = draw(population, 10, seed=1)
    assert sum(s.startswith("n-") for s in sample) == 9
    assert sum(s.startswith("s-") for s in sample) == 1
    tiny = [("a", "x"), ("b", "y"), ("c", "z")]
    assert draw(tiny, 50, seed=1) == ["a", "b", "c"]
    with pytest.raises(RuleViolation):
        draw(tiny, 0, seed=1)


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=6),
    size=st.integers(min_value=1, max_value=80),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_R_I5_a_draw_never_repeats_and_never_exceeds_the_population(sizes, size, seed):
    from services.audit.domain.sampling import draw

    population = [(f"{k}-{i}", f"s{k}") for k, n in enumerate(sizes) for i in range(n)]
    sample = draw(population, size, seed)
    assert len(sample) == min(size, len(population))
    assert len(set(sample)) == len(sample)
    assert set(sample) <= {p[0] for p in population}
