"""Issue 19: staffing decides in pure functions (R-Q8 grades, R-I6 departures): state in, events out."""

from datetime import UTC, date, datetime

import pytest

from services.staffing.domain import departure, grading
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import DEFAULT_LADDER
from shared.errors import Conflict, Forbidden, RuleViolation

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
ACTIVE_CM = grading.ManagerGrade("m-1", ManagerStatus.ACTIVE, "cm")


def test_R_Q8_a_promotion_proposal_goes_one_step_up_the_ladder_in_force_and_waits():
    p = grading.propose(ACTIVE_CM, grading.ProposalKind.PROMOTE, DEFAULT_LADDER, 2025, "good year", "hr-1")
    assert (p.from_grade, p.to_grade, p.status) == ("cm", "senior", grading.ProposalStatus.PENDING)


def test_R_Q8_no_proposal_for_a_cm_off_the_post():
    gone = grading.ManagerGrade("m-1", ManagerStatus.DEPARTED, "cm")
    with pytest.raises(RuleViolation) as refused:
        grading.propose(gone, grading.ProposalKind.KEEP, DEFAULT_LADDER, 2025, "", "hr-1")
    assert refused.value.key == "staffing.grade.manager_inactive_proposal"


def test_R_Q8_a_demotion_confirmed_by_another_hr_user_changes_the_grade_now():
    p = grading.propose(ACTIVE_CM, grading.ProposalKind.DEMOTE, DEFAULT_LADDER, 2025, "weak", "hr-1")
    settled = grading.settle(p, ACTIVE_CM, "hr-2", True, NOW)
    assert settled.status is grading.ProposalStatus.CONFIRMED
    assert settled.change == grading.GradeChanged(
        "m-1", "cm", "trainee", ManagerStatus.ACTIVE, "weak", None, "hr-2", NOW
    )


def test_R_Q8_the_maker_never_confirms_and_a_stale_proposal_is_refused():
    p = grading.propose(ACTIVE_CM, grading.ProposalKind.PROMOTE, DEFAULT_LADDER, 2025, "", "hr-1")
    with pytest.raises(Forbidden):
        grading.settle(p, ACTIVE_CM, "hr-1", True, NOW)
    moved = grading.ManagerGrade("m-1", ManagerStatus.ACTIVE, "senior")
    with pytest.raises(RuleViolation):
        grading.settle(p, moved, "hr-2", True, NOW)
    assert grading.settle(p, moved, "hr-2", False, NOW).change is None  # a rejection needs no check


def test_R_Q8_a_removal_takes_the_cm_off_the_post_and_a_keep_changes_nothing():
    removal = grading.propose(ACTIVE_CM, grading.ProposalKind.REMOVE, DEFAULT_LADDER, 2025, "", "hr-1")
    change = grading.settle(removal, ACTIVE_CM, "hr-2", True, NOW).change
    assert change is not None
    assert (change.to_grade, change.status) == (None, ManagerStatus.REMOVED)
    keep = grading.propose(ACTIVE_CM, grading.ProposalKind.KEEP, DEFAULT_LADDER, 2025, "", "hr-1")
    assert grading.settle(keep, ACTIVE_CM, "hr-2", True, NOW).change is None
    decided = grading.Proposal(
        "m-1", 2025, grading.ProposalKind.KEEP, "cm", "cm", "", "hr-1", grading.ProposalStatus.REJECTED
    )
    with pytest.raises(Conflict):
        grading.settle(decided, ACTIVE_CM, "hr-2", True, NOW)


def test_R_Q8_a_manual_change_needs_an_active_cm_and_another_grade():
    change = grading.change_grade(ACTIVE_CM, DEFAULT_LADDER, "senior", "promoted", "hr-1", NOW)
    assert (change.from_grade, change.to_grade, change.by, change.at) == ("cm", "senior", "hr-1", NOW)
    with pytest.raises(RuleViolation) as same:
        grading.change_grade(ACTIVE_CM, DEFAULT_LADDER, "cm", "", "hr-1", NOW)
    assert same.value.key == "staffing.grade.unchanged"
    leaving = grading.ManagerGrade("m-1", ManagerStatus.DEPARTURE_PENDING, "cm")
    with pytest.raises(RuleViolation):
        grading.change_grade(leaving, DEFAULT_LADDER, "senior", "", "hr-1", NOW)


def test_R_I6_a_request_puts_the_cm_in_departure_pending_and_a_withdrawal_brings_them_back():
    asked = departure.when_requested("m-1", ManagerStatus.ACTIVE, "moving", date(2026, 7, 1), NOW)
    assert (asked.status, asked.requested_at) == (ManagerStatus.DEPARTURE_PENDING, NOW)
    with pytest.raises(RuleViolation):
        departure.when_requested("m-1", ManagerStatus.ACTIVE, "", date(2026, 5, 31), NOW)
    assert departure.when_withdrawn("m-1", asked.status, "stays").status is ManagerStatus.ACTIVE
    with pytest.raises(Conflict):
        departure.when_withdrawn("m-1", ManagerStatus.ACTIVE, "")


def test_R_I6_only_audits_clearance_of_the_pending_request_departs_the_cm():
    cleared = departure.Clearance("audit", "ev-2", NOW, "da-1")
    done = departure.when_cleared("m-1", ManagerStatus.DEPARTURE_PENDING, "ev-2", cleared)
    assert done == departure.Departed("m-1", ManagerStatus.DEPARTED, NOW, "da-1")
    assert departure.when_cleared("m-1", ManagerStatus.DEPARTURE_PENDING, "ev-3", cleared) is None
    assert departure.when_cleared("m-1", ManagerStatus.DEPARTED, "ev-2", cleared) is None
    with pytest.raises(Forbidden):
        departure.when_cleared(
            "m-1", ManagerStatus.DEPARTURE_PENDING, "ev-2", departure.Clearance("customer", None, NOW, "x")
        )
