"""Issue 19: staffing decides in pure functions (R-Q8 grades, R-I6 departures): state in, events out."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.staffing.domain import departure, grading
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import DEFAULT_LADDER
from shared.errors import Conflict, Forbidden, NotFound, RuleViolation

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


# R-P2 / R-I4: expenses -------------------------------------------------------------------------


def test_R_P2_only_the_cm_or_hr_records_and_only_a_cm_on_the_post_for_a_customer_they_serve():
    from services.staffing.domain import expenses

    with pytest.raises(Forbidden):
        expenses.check_recorder("m-2", "m-1", may_manage=False)
    expenses.check_recorder("hr-1", "m-1", may_manage=True)
    day, amount = date(2026, 5, 1), Decimal("10")
    expenses.check_recording("m-1", "departure_pending", amount, day, NOW.date(), [], None, False)
    with pytest.raises(RuleViolation):
        expenses.check_recording("m-1", "departed", amount, day, NOW.date(), [], None, False)
    with pytest.raises(RuleViolation) as stranger:
        expenses.check_recording("m-1", "active", amount, day, NOW.date(), [], "c-9", False)
    assert stranger.value.key == "staffing.expense.customer_not_served"
    with pytest.raises(Conflict):
        expenses.check_recording("m-1", "active", amount, day, NOW.date(), [2026], None, False)


def test_R_P2_the_expense_crossing_the_yearly_total_is_published_once_whatever_the_category():
    from services.staffing.domain.expenses import budget_after, year_summary
    from services.staffing.domain.ladder import ExpenseCategory as C

    budget = {C.GIFTS: Decimal("100"), C.ENTERTAINMENT: Decimal("100")}
    spent = {C.GIFTS: Decimal("150")}
    crossed = budget_after(C.GIFTS, Decimal("60"), 2026, budget, spent)
    assert crossed is not None
    assert (crossed.budget, crossed.spent) == (Decimal("200"), Decimal("210"))
    assert budget_after(C.GIFTS, Decimal("50"), 2026, budget, spent) is None  # at the total, not over
    assert (
        budget_after(C.GIFTS, Decimal("1"), 2026, budget, {C.GIFTS: Decimal("201")}) is None
    )  # already over
    assert year_summary("cm", budget, spent).overspend == Decimal("0")  # categories are for reporting


def test_R_P2_budgets_are_set_for_open_years_and_a_finished_year_is_closed_once():
    from services.staffing.domain import expenses

    expenses.check_budget(2026, NOW.date(), [], [Decimal("0")])
    with pytest.raises(RuleViolation):
        expenses.check_budget(2025, NOW.date(), [], [])
    with pytest.raises(RuleViolation):
        expenses.check_budget(2027, NOW.date(), [], [Decimal("-1")])
    with pytest.raises(Conflict):
        expenses.check_can_close(2025, NOW.date(), already_closed=True)
    with pytest.raises(RuleViolation):
        expenses.check_can_close(2026, NOW.date(), already_closed=False)


# R-Q2 / R-Q6 / R-Q7: certification --------------------------------------------------------------


def test_R_Q2_R_Q6_a_first_pass_of_an_approved_applicant_appoints_them_a_renewal_keeps_the_grade():
    from services.staffing.domain import certification as cert

    grade = DEFAULT_LADDER.grade("cm")
    top = cert.ExamResults(Decimal("100"), Decimal("100"), Decimal("100"))
    applicant = cert.Candidate("s-1", "staff", None, "cm")
    first = cert.sit_exam(applicant, grade, top, date(2026, 5, 1), 2, NOW.date())
    assert first.certifies
    assert first.appoints
    assert first.outcome.valid_until == date(2028, 5, 1)
    renewal = cert.sit_exam(
        cert.Candidate("m-1", "active", "cm", None), grade, top, date(2026, 5, 1), 2, NOW.date()
    )
    assert not renewal.appoints
    low = cert.ExamResults(Decimal("0"), Decimal("0"), Decimal("0"))
    assert not cert.sit_exam(applicant, grade, low, date(2026, 5, 1), 2, NOW.date()).certifies


def test_R_Q2_R_Q7_who_may_sit_which_exam():
    from services.staffing.domain import certification as cert

    grade, top = DEFAULT_LADDER.grade("cm"), cert.ExamResults(Decimal("90"), Decimal("90"), Decimal("90"))
    refusals = [
        (cert.Candidate("s-1", "staff", None, None), "staffing.exam.not_reviewed"),
        (cert.Candidate("s-1", "staff", None, "senior"), "staffing.exam.other_grade"),
        (cert.Candidate("m-1", "active", "senior", None), "staffing.exam.renewal_grade"),
        (cert.Candidate("m-1", "departed", "cm", None), "staffing.exam.manager_inactive"),
    ]
    for candidate, key in refusals:
        with pytest.raises(RuleViolation) as refused:
            cert.sit_exam(candidate, grade, top, date(2026, 5, 1), 2, NOW.date())
        assert refused.value.key == key


def test_R_Q7_the_sweep_warns_once_ahead_and_announces_the_expiry_once():
    from services.staffing.domain import certification as cert

    until, today = date(2026, 7, 1), NOW.date()
    assert cert.sweep_one("m-1", until, today, 60, None, None) == cert.CertificationExpiring("m-1", until, 30)
    assert cert.sweep_one("m-1", until, today, 60, until, None) is None
    gone = date(2026, 5, 31)
    assert cert.sweep_one("m-1", gone, today, 60, gone, None) == cert.CertificationExpired("m-1", gone)
    assert cert.sweep_one("m-1", gone, today, 60, gone, gone) is None
    assert cert.sweep_one("m-1", None, today, 60, None, None) is None


# R-C2: teams --------------------------------------------------------------------------------------


def test_R_C2_a_team_is_formed_under_a_certified_senior_with_members_who_may_join():
    from services.staffing.domain import teams

    valid = date(2027, 1, 1)
    senior = teams.Member("m-1", ManagerStatus.ACTIVE, "senior", valid)
    people = {"m-2": teams.Member("m-2", ManagerStatus.ACTIVE, "cm", valid), "m-3": None}
    formed = teams.form_team(senior, ["m-2", "m-1", "m-2"], people, DEFAULT_LADDER, NOW)
    assert formed == teams.TeamFormed("m-1", ("m-1", "m-2"), NOW)
    with pytest.raises(NotFound):
        teams.form_team(senior, ["m-3"], people, DEFAULT_LADDER, NOW)
    plain = teams.Member("m-2", ManagerStatus.ACTIVE, "cm", valid)
    with pytest.raises(RuleViolation) as refused:
        teams.form_team(plain, [], people, DEFAULT_LADDER, NOW)
    assert refused.value.key == "staffing.team.lead_not_senior"
    expired = teams.Member("m-4", ManagerStatus.ACTIVE, "cm", date(2026, 5, 31))
    with pytest.raises(RuleViolation):
        teams.join(expired, "m-4", {"m-1"}, NOW.date())
    with pytest.raises(Conflict):
        teams.join(plain, "m-2", {"m-1", "m-2"}, NOW.date())


def test_R_C2_the_lead_stays_until_the_team_is_dissolved():
    from services.staffing.domain import teams

    with pytest.raises(Conflict):
        teams.check_can_leave("t-1", "m-1", "m-1", is_member=True)
    with pytest.raises(NotFound):
        teams.check_can_leave("t-1", "m-1", "m-2", is_member=False)
    with pytest.raises(Conflict):
        teams.check_open("t-1", known=True, dissolved=True)
    with pytest.raises(NotFound):
        teams.check_open("t-1", known=False, dissolved=False)


# R-Q1 / R-Q2: applications -----------------------------------------------------------------------


def test_R_Q1_R_Q2_staff_apply_once_at_a_time_for_a_grade_of_the_ladder_and_failed_conditions_are_named():
    from services.staffing.domain import qualification as q

    record = q.StaffRecord("s-1", "staff", date(2025, 1, 1), "bachelor", True, True, False)
    applied = q.apply_for(record, "cm", DEFAULT_LADDER, [], q.Conditions(), NOW.date())
    assert applied.status is q.ApplicationStatus.INELIGIBLE
    assert applied.failed_conditions  # R-Q1: years of service, named
    with pytest.raises(RuleViolation):
        q.apply_for(record, "admiral", DEFAULT_LADDER, [], q.Conditions(), NOW.date())
    with pytest.raises(Conflict):
        q.apply_for(record, "cm", DEFAULT_LADDER, [q.ApplicationStatus.APPROVED], q.Conditions(), NOW.date())
    incomplete = q.StaffRecord("s-1", "staff", None, None, True, True, False)
    with pytest.raises(RuleViolation):
        q.apply_for(incomplete, "cm", DEFAULT_LADDER, [], q.Conditions(), NOW.date())
    with pytest.raises(Forbidden):
        q.check_applicant("s-2", "s-1", may_manage=False)
