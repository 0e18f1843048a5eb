"""Domain rules of the departure saga, without I/O."""

from datetime import date

import pytest

from services.audit.domain.departure import AuditStatus, ItemStatus, check_reviewable, status_after_review
from services.customer.domain.assignment import ManagerView, check_assignable, check_team
from services.staffing.domain.departure import (
    ManagerStatus,
    complete_departure,
    request_departure,
    withdraw_departure,
)
from shared.errors import Conflict, RuleViolation

TODAY = date(2026, 6, 1)


def test_R_I6_an_active_cm_may_ask_to_leave_and_stays_pending():
    assert request_departure(ManagerStatus.ACTIVE, None, TODAY) is ManagerStatus.DEPARTURE_PENDING


@pytest.mark.parametrize("status", [ManagerStatus.DEPARTURE_PENDING, ManagerStatus.DEPARTED])
def test_R_I6_no_second_departure_request(status):
    with pytest.raises(Conflict):
        request_departure(status, None, TODAY)


def test_R_I6_only_a_pending_departure_can_complete():
    assert complete_departure(ManagerStatus.DEPARTURE_PENDING) is ManagerStatus.DEPARTED
    with pytest.raises(Conflict):
        complete_departure(ManagerStatus.ACTIVE)


def test_R_I6_a_last_day_in_the_past_is_refused():
    with pytest.raises(RuleViolation, match="past"):
        request_departure(ManagerStatus.ACTIVE, date(2020, 1, 1), TODAY)


def test_R_I6_only_a_pending_departure_can_be_withdrawn():
    assert withdraw_departure(ManagerStatus.DEPARTURE_PENDING) is ManagerStatus.ACTIVE
    for status in (ManagerStatus.ACTIVE, ManagerStatus.DEPARTED):
        with pytest.raises(Conflict):
            withdraw_departure(status)


def test_R_I6_completing_twice_is_harmless():
    assert complete_departure(ManagerStatus.DEPARTED) is ManagerStatus.DEPARTED


def test_R_I6_audit_never_clears_before_the_portfolio_arrives():
    assert status_after_review(False, []) is AuditStatus.AWAITING_PORTFOLIO
    assert status_after_review(False, [ItemStatus.CLEAR]) is AuditStatus.AWAITING_PORTFOLIO


def test_R_I6_every_customer_must_be_clear():
    assert status_after_review(True, [ItemStatus.CLEAR, ItemStatus.PENDING]) is AuditStatus.IN_PROGRESS
    assert status_after_review(True, [ItemStatus.CLEAR, ItemStatus.CLEAR]) is AuditStatus.CLEARED


def test_R_I6_an_empty_portfolio_clears_once_it_has_arrived():
    assert status_after_review(True, []) is AuditStatus.CLEARED


def test_R_I6_items_are_cleared_once_and_only_in_an_open_audit():
    check_reviewable(AuditStatus.IN_PROGRESS, ItemStatus.PENDING)
    with pytest.raises(Conflict):
        check_reviewable(AuditStatus.IN_PROGRESS, ItemStatus.CLEAR)
    with pytest.raises(Conflict):
        check_reviewable(AuditStatus.CLEARED, ItemStatus.PENDING)


VALID = date(2027, 1, 1)


def test_R_I6_no_new_customers_for_a_departing_cm():
    check_assignable(ManagerView("m-1", "rcc", "active", VALID), "m-1", "rcc", TODAY)
    for status in ("departure_pending", "departed"):
        with pytest.raises(RuleViolation, match="R-I6"):
            check_assignable(ManagerView("m-1", "rcc", status, VALID), "m-1", "rcc", TODAY)


def test_R_Q7_an_expired_or_uncertified_cm_gets_no_new_customers():
    check_assignable(ManagerView("m-1", "rcc", "active", TODAY), "m-1", "rcc", TODAY)
    for until in (None, date(2026, 5, 31)):
        with pytest.raises(RuleViolation, match="R-Q7"):
            check_assignable(ManagerView("m-1", "rcc", "active", until), "m-1", "rcc", TODAY)


def test_unknown_or_foreign_cm_cannot_be_assigned():
    with pytest.raises(RuleViolation, match="not known"):
        check_assignable(None, "m-9", "rcc", TODAY)
    with pytest.raises(RuleViolation, match="not known"):
        check_assignable(ManagerView("m-1", "other-rcc", "active", VALID), "m-1", "rcc", TODAY)


def test_R_C3_primary_is_not_also_a_co_manager():
    assert check_team("m-1", ["m-2", "m-2", "m-3"]) == ("m-2", "m-3")
    with pytest.raises(RuleViolation, match="R-C3"):
        check_team("m-1", ["m-1"])
