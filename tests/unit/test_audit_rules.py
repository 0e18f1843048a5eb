"""Audit rules without I/O: the departure gate with findings (R-I6) and the hash-chained journal."""

import pytest

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
