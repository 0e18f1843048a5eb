"""Staffing rules without I/O: R-Q1..R-Q8, R-C2, R-P2, R-I4."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.staffing.domain import certification, expenses, grading, qualification, teams
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import (
    DEFAULT_GRADES,
    DEFAULT_LADDER,
    CertificationWeights,
    ExpenseCategory,
    validate_grades,
)
from shared.errors import Conflict, Forbidden, RuleViolation

TODAY = date(2026, 6, 1)
GOOD = qualification.Candidate(
    hire_date=date(2020, 3, 1),
    education=qualification.Education.BACHELOR,
    health_attested=True,
    ethics_attested=True,
    bad_business_record=False,
)
CONDITIONS = qualification.Conditions()


# R-Q1 / R-Q2 ---------------------------------------------------------------------------------


def test_R_Q1_a_candidate_meeting_every_condition_passes():
    assert qualification.failed_conditions(GOOD, CONDITIONS, TODAY) == []


def test_R_Q1_every_failed_condition_is_named():
    bad = replace(
        GOOD,
        hire_date=date(2024, 7, 1),
        education=qualification.Education.VOCATIONAL,
        health_attested=False,
        ethics_attested=False,
        bad_business_record=True,
    )
    failed = qualification.failed_conditions(bad, CONDITIONS, TODAY)
    assert [f.split(":")[0] for f in failed] == [
        "R-Q1 ethics",
        "R-Q1 record",
        "R-Q1 health",
        "R-Q1 service",
        "R-Q1 education",
    ]
    assert "1 years of RCC service, at least 3 required" in failed[3]


def test_R_Q1_years_of_service_count_whole_years_and_conditions_are_configurable():
    assert qualification.years_of_service(date(2023, 6, 2), TODAY) == 2
    assert qualification.years_of_service(date(2023, 6, 1), TODAY) == 3
    lenient = qualification.Conditions(
        min_years_of_service=2, min_education=qualification.Education.VOCATIONAL
    )
    young = replace(GOOD, hire_date=date(2024, 5, 1), education=qualification.Education.VOCATIONAL)
    assert qualification.failed_conditions(young, lenient, TODAY) == []


def test_R_Q2_an_ineligible_application_never_reaches_review():
    assert qualification.initial_status(["R-Q1 health: ..."]) is qualification.ApplicationStatus.INELIGIBLE
    assert qualification.initial_status([]) is qualification.ApplicationStatus.PENDING_REVIEW


def test_R_Q2_the_applicant_cannot_review_themself():
    with pytest.raises(Forbidden, match="own"):
        qualification.review(qualification.ApplicationStatus.PENDING_REVIEW, "m-1", "m-1", approve=True)
    approved = qualification.review(
        qualification.ApplicationStatus.PENDING_REVIEW, "m-1", "hr-1", approve=True
    )
    assert approved is qualification.ApplicationStatus.APPROVED
    with pytest.raises(Conflict):
        qualification.review(approved, "m-1", "hr-2", approve=False)


def test_R_Q2_one_active_application_at_a_time():
    qualification.check_no_active_application([qualification.ApplicationStatus.REJECTED])
    with pytest.raises(Conflict, match="active"):
        qualification.check_no_active_application([qualification.ApplicationStatus.APPROVED])


# R-Q3..R-Q5 ----------------------------------------------------------------------------------


def test_R_Q3_default_ladder_is_senior_cm_trainee():
    assert [g.code for g in DEFAULT_LADDER.ordered()] == ["senior", "cm", "trainee"]
    assert DEFAULT_LADDER.step("cm", up=True).code == "senior"
    assert DEFAULT_LADDER.step("cm", up=False).code == "trainee"
    assert DEFAULT_LADDER.step("senior", up=True) is None


def test_R_Q3_unknown_grade_is_refused_with_the_known_ones():
    with pytest.raises(RuleViolation, match="senior, cm, trainee"):
        DEFAULT_LADDER.grade("general")


def test_R_Q5_each_grade_carries_classes_products_budget_and_pay():
    senior, cm, trainee = DEFAULT_GRADES
    assert "core" in senior.customer_classes
    assert "core" not in cm.customer_classes
    assert senior.budget(ExpenseCategory.GIFTS) > trainee.budget(ExpenseCategory.GIFTS)
    assert senior.fixed_pay > cm.fixed_pay > trainee.fixed_pay
    assert senior.authorization_limit > cm.authorization_limit


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": CertificationWeights(Decimal("0.5"), Decimal("0.5"), Decimal("0.5"))}, "sum"),
        ({"pass_mark": Decimal("101")}, "pass mark"),
        ({"customer_classes": frozenset({"vip"})}, "unknown customer classes"),
        ({"fixed_pay": Decimal("-1")}, "negative"),
    ],
)
def test_R_Q6_ladder_validation_refuses_bad_grades(change, message):
    grades = (replace(DEFAULT_GRADES[0], **change), *DEFAULT_GRADES[1:])
    with pytest.raises(RuleViolation, match=message):
        validate_grades(grades)


def test_R_C2_a_ladder_needs_a_grade_that_may_lead_teams():
    with pytest.raises(RuleViolation, match="R-C2"):
        validate_grades([replace(g, may_lead_teams=False) for g in DEFAULT_GRADES])


def test_R_Q3_duplicate_codes_or_rungs_are_refused():
    with pytest.raises(RuleViolation, match="unique"):
        validate_grades([*DEFAULT_GRADES, DEFAULT_GRADES[0]])
    with pytest.raises(RuleViolation, match="rank and level"):
        validate_grades([*DEFAULT_GRADES, replace(DEFAULT_GRADES[1], code="cm2")])


# R-Q6 / R-Q7 ---------------------------------------------------------------------------------


def test_R_Q6_score_uses_the_grades_weights():
    results = certification.ExamResults(Decimal("90"), Decimal("60"), Decimal("50"))
    senior, _, trainee = DEFAULT_GRADES
    assert certification.weighted_score(results, senior.weights) == Decimal("73.00")  # .5/.3/.2
    assert certification.weighted_score(results, trainee.weights) == Decimal("61.00")  # .2/.3/.5


def test_R_Q6_pass_at_the_pass_mark_and_R_Q7_valid_two_years():
    cm = DEFAULT_GRADES[1]  # pass mark 70, weights .4/.3/.3
    at_mark = certification.ExamResults(Decimal("70"), Decimal("70"), Decimal("70"))
    outcome = certification.certify(at_mark, cm, date(2026, 5, 1), 2, TODAY)
    assert outcome.passed
    assert outcome.valid_until == date(2028, 5, 1)
    below = certification.ExamResults(
        Decimal("69.99"), Decimal("70"), Decimal("70")
    )  # 69.996: no rounding up
    outcome = certification.certify(below, cm, date(2026, 5, 1), 2, TODAY)
    assert not outcome.passed
    assert outcome.score == Decimal("69.99")
    assert outcome.valid_until is None


def test_R_Q7_validity_from_29_february():
    assert certification.add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)


def test_R_Q6_scores_out_of_range_and_future_exams_are_refused():
    cm = DEFAULT_GRADES[1]
    with pytest.raises(RuleViolation, match="between 0 and 100"):
        certification.certify(
            certification.ExamResults(Decimal("101"), Decimal(0), Decimal(0)), cm, TODAY, 2, TODAY
        )
    with pytest.raises(RuleViolation, match="future"):
        certification.certify(
            certification.ExamResults(Decimal(90), Decimal(90), Decimal(90)), cm, date(2026, 7, 1), 2, TODAY
        )


def test_R_Q7_an_expired_cm_is_not_certified():
    assert certification.is_certified(date(2026, 6, 1), TODAY)
    assert not certification.is_certified(date(2026, 5, 31), TODAY)
    assert not certification.is_certified(None, TODAY)


def test_R_Q7_warn_once_ahead_then_expire_once():
    until = date(2026, 7, 15)
    assert certification.expiry_notice(until, date(2026, 5, 1), 60, None, None) is None
    assert certification.expiry_notice(until, TODAY, 60, None, None) is certification.Notice.WARN
    assert certification.expiry_notice(until, TODAY, 60, until, None) is None
    assert (
        certification.expiry_notice(until, date(2026, 7, 16), 60, until, None) is certification.Notice.EXPIRE
    )
    assert certification.expiry_notice(until, date(2026, 7, 16), 60, until, until) is None
    renewed = date(2028, 7, 15)
    assert (
        certification.expiry_notice(renewed, date(2028, 6, 1), 60, until, until) is certification.Notice.WARN
    )


# R-Q8 ------------------------------------------------------------------------------------------


def test_R_Q8_proposals_move_along_the_ladder():
    assert grading.proposed_grade(grading.ProposalKind.PROMOTE, DEFAULT_LADDER, "cm") == "senior"
    assert grading.proposed_grade(grading.ProposalKind.DEMOTE, DEFAULT_LADDER, "cm") == "trainee"
    assert grading.proposed_grade(grading.ProposalKind.KEEP, DEFAULT_LADDER, "cm") == "cm"
    assert grading.proposed_grade(grading.ProposalKind.REMOVE, DEFAULT_LADDER, "cm") is None
    with pytest.raises(RuleViolation, match="top"):
        grading.proposed_grade(grading.ProposalKind.PROMOTE, DEFAULT_LADDER, "senior")


def test_R_Q8_maker_checker():
    with pytest.raises(Forbidden, match="other than its maker"):
        grading.decide(grading.ProposalStatus.PENDING, "hr-1", "hr-1", confirm=True)
    assert (
        grading.decide(grading.ProposalStatus.PENDING, "hr-1", "hr-2", True)
        is grading.ProposalStatus.CONFIRMED
    )
    with pytest.raises(Conflict):
        grading.decide(grading.ProposalStatus.REJECTED, "hr-1", "hr-2", confirm=True)


# R-C2 ------------------------------------------------------------------------------------------


def test_R_C2_only_an_active_certified_senior_leads():
    senior, cm, _ = DEFAULT_GRADES
    teams.check_can_lead("m-1", ManagerStatus.ACTIVE, senior, certified=True)
    with pytest.raises(RuleViolation, match="senior"):
        teams.check_can_lead("m-1", ManagerStatus.ACTIVE, cm, certified=True)
    with pytest.raises(RuleViolation, match="not certified"):
        teams.check_can_lead("m-1", ManagerStatus.ACTIVE, senior, certified=False)
    with pytest.raises(RuleViolation, match="departure_pending"):
        teams.check_can_lead("m-1", ManagerStatus.DEPARTURE_PENDING, senior, certified=True)


def test_R_C2_departing_or_uncertified_cms_cannot_join():
    with pytest.raises(RuleViolation, match="R-I6"):
        teams.check_can_join("m-2", ManagerStatus.DEPARTURE_PENDING, True, set())
    with pytest.raises(RuleViolation, match="R-Q7"):
        teams.check_can_join("m-2", ManagerStatus.ACTIVE, False, set())
    with pytest.raises(Conflict):
        teams.check_can_join("m-2", ManagerStatus.ACTIVE, True, {"m-2"})


# R-P2 / R-I4 -----------------------------------------------------------------------------------


def test_R_P2_expenses_must_be_positive_dated_and_in_an_open_year():
    expenses.check_expense(Decimal("10.00"), TODAY, TODAY, [2025])
    with pytest.raises(RuleViolation, match="positive"):
        expenses.check_expense(Decimal("0"), TODAY, TODAY, [])
    with pytest.raises(RuleViolation, match="future"):
        expenses.check_expense(Decimal("1"), date(2026, 6, 2), TODAY, [])
    with pytest.raises(Conflict, match="closed"):
        expenses.check_expense(Decimal("1"), date(2025, 12, 31), TODAY, [2025])


def test_R_I4_status_per_category_and_R_P2_overspend_is_borne_by_the_cm():
    budget = {ExpenseCategory.GIFTS: Decimal("1000"), ExpenseCategory.ENTERTAINMENT: Decimal("500")}
    spent = {ExpenseCategory.GIFTS: Decimal("1200.50"), ExpenseCategory.ENTERTAINMENT: Decimal("100")}
    rows = {r.category: r for r in expenses.statuses(budget, spent)}
    assert rows[ExpenseCategory.GIFTS].remaining == Decimal("-200.50")
    assert rows[ExpenseCategory.ENTERTAINMENT].remaining == Decimal("400")
    assert rows[ExpenseCategory.COMMUNICATION].budget == Decimal("0")
    assert expenses.total_overspend(rows.values()) == Decimal("0")  # 1300.50 spent of 1500: the CM's choice
    spent[ExpenseCategory.COMMUNICATION] = Decimal("400")
    rows = {r.category: r for r in expenses.statuses(budget, spent)}
    assert expenses.total_overspend(rows.values()) == Decimal("200.50")  # what exceeds the yearly total


def test_R_P2_the_crossing_expense_is_the_one_that_goes_over():
    assert expenses.crossed_budget(Decimal("100"), Decimal("90"), Decimal("101"))
    assert not expenses.crossed_budget(Decimal("100"), Decimal("90"), Decimal("100"))
    assert not expenses.crossed_budget(Decimal("100"), Decimal("101"), Decimal("120"))


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)


@given(budget=money, amounts=st.lists(money, max_size=30))
def test_R_P2_over_any_sequence_the_budget_is_crossed_at_most_once(budget, amounts):
    spent = Decimal("0")
    crossings = 0
    for amount in amounts:
        crossings += expenses.crossed_budget(budget, spent, spent + amount)
        spent += amount
    assert crossings == (1 if spent > budget else 0)


def test_R_Q3_there_is_one_default_ladder_and_what_staffing_would_publish_is_what_others_assume():
    from services.staffing.service.ladder import to_contract
    from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES

    assert tuple(to_contract(g) for g in DEFAULT_GRADES) == DEFAULT_LADDER_GRADES
