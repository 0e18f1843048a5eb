"""Issue 19: audit decides in pure functions (R-I6 departure audits, R-I5 spot checks)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.audit.domain import departure, sampling
from services.audit.domain.departure import AuditStatus, ItemStatus
from shared.errors import Conflict, Forbidden, RuleViolation

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_R_I6_the_portfolio_adds_one_item_per_customer_and_the_projection_adds_the_rest_once():
    items = departure.portfolio_items(
        ["c-0"], [("c-1", "Acme", "corporate"), ("c-0", "Old", "corporate")], ["c-1", "c-2", "c-2"]
    )
    assert [(i.customer_id, i.source) for i in items] == [
        ("c-1", "portfolio"),
        ("c-2", "assignment-projection"),
    ]
    assert departure.accepts_portfolio(AuditStatus.AWAITING_PORTFOLIO, False)
    assert not departure.accepts_portfolio(AuditStatus.IN_PROGRESS, True)
    assert not departure.accepts_portfolio(AuditStatus.CANCELLED, False)


def test_R_I6_a_late_assignment_becomes_an_item_once():
    late = departure.late_item(["c-1"], "c-2")
    assert late == departure.NewItem("c-2", "c-2", "unknown", "late-assignment")
    assert departure.late_item(["c-1", "c-2"], "c-2") is None


def test_R_I6_the_audit_clears_once_when_the_portfolio_is_in_and_every_item_is_clear():
    clear = [ItemStatus.CLEAR, ItemStatus.CLEAR]
    status, cleared = departure.settle(AuditStatus.IN_PROGRESS, True, clear, NOW)
    assert (status, cleared) == (AuditStatus.CLEARED, departure.Cleared(NOW, 2))
    assert departure.settle(AuditStatus.CLEARED, True, clear, NOW) == (AuditStatus.CLEARED, None)
    assert departure.settle(AuditStatus.AWAITING_PORTFOLIO, False, [], NOW) == (
        AuditStatus.AWAITING_PORTFOLIO,
        None,
    )
    assert (
        departure.settle(AuditStatus.IN_PROGRESS, True, [ItemStatus.FINDING], NOW)[0]
        is AuditStatus.IN_PROGRESS
    )


def test_R_I6_an_item_is_cleared_by_another_auditor_with_no_open_finding():
    assert (
        departure.clear_item("a-1", "m-1", AuditStatus.IN_PROGRESS, ItemStatus.PENDING, 0) is ItemStatus.CLEAR
    )
    with pytest.raises(Forbidden):
        departure.clear_item("m-1", "m-1", AuditStatus.IN_PROGRESS, ItemStatus.PENDING, 0)
    with pytest.raises(RuleViolation):
        departure.clear_item("a-1", "m-1", AuditStatus.IN_PROGRESS, ItemStatus.FINDING, 1)
    with pytest.raises(Conflict):
        departure.clear_item("a-1", "m-1", AuditStatus.CANCELLED, ItemStatus.PENDING, 0)


def test_R_I6_a_finding_blocks_the_item_until_its_last_finding_is_resolved():
    assert (
        departure.raise_finding("a-1", "m-1", AuditStatus.IN_PROGRESS, ItemStatus.PENDING)
        is ItemStatus.FINDING
    )
    with pytest.raises(Conflict):
        departure.raise_finding("a-1", "m-1", AuditStatus.IN_PROGRESS, ItemStatus.CLEAR)
    assert departure.after_resolution(1) is None
    assert departure.after_resolution(0) is ItemStatus.PENDING
    with pytest.raises(Conflict):
        departure.check_resolvable("resolved")


def test_R_I5_a_spot_check_draws_by_stratum_and_refuses_an_empty_population():
    assert sampling.stratum("manager", "m-1", None) == "m-1"
    assert sampling.stratum("branch", "m-1", None) == ""
    population = [("s-1", "m-1"), ("s-2", "m-2"), ("s-3", "m-2")]
    assert sampling.draw_check(population, 2, 7, "customers") == sampling.draw(population, 2, 7)
    with pytest.raises(Conflict):
        sampling.draw_check([], 2, 7, "customers")


def test_R_I5_a_sampled_subject_is_cleared_once_and_regular_checks_fall_due_per_cooperative():
    assert sampling.clear_sampled(ItemStatus.PENDING, 0) is ItemStatus.CLEAR
    with pytest.raises(Conflict):
        sampling.clear_sampled(ItemStatus.CLEAR, 0)
    assert sampling.regular_due(["o-2", "o-1", "o-3"], ["o-3"], None) == ["o-1", "o-2"]
    assert sampling.regular_due(["o-2", "o-1"], [], "o-2") == ["o-2"]
    assert sampling.regular_since(NOW, 1).day == 31


def test_R_I6_a_departure_waits_from_its_request_and_a_finding_names_its_audit():
    opened = datetime(2026, 6, 1, 6, tzinfo=UTC)
    assert departure.waiting_hours(NOW, None, opened) == Decimal("3.0")
    assert departure.waiting_hours(NOW, datetime(2026, 5, 31, 9, tzinfo=UTC), opened) == Decimal("24.0")
    assert departure.item_evidence("da-1", "  ") == ["departure-audit:da-1"]
    assert departure.item_evidence("da-1", " memo ") == ["departure-audit:da-1", "memo"]


def test_R_I5_a_finding_on_a_sampled_customer_names_the_customer_and_its_cm_and_blocks_the_item():
    on_customer = sampling.sampled_finding("sc-1", "customers", "c-1", "m-1")
    assert (on_customer.manager_id, on_customer.customer_id, on_customer.key) == ("m-1", "c-1", "c-1")
    assert on_customer.evidence == ["spot-check:sc-1", "customers:c-1"]
    assert on_customer.item is ItemStatus.FINDING
    on_visit = sampling.sampled_finding("sc-1", "visits", "v-1", None)
    assert (on_visit.customer_id, on_visit.key) == (None, "sc-1")
