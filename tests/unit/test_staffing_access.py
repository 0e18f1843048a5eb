"""Issue 19: staffing's access, ladder, roll, login and office decisions are pure: state in, answer out."""

from datetime import date
from decimal import Decimal

import pytest

from services.staffing.domain import (
    access,
    certification,
    departure,
    grading,
    logins,
    offices,
    qualification,
    roster,
)
from services.staffing.domain.ladder import (
    DEFAULT_GRADES,
    DEFAULT_LADDER,
    grade_labels,
    publish,
    version_in_force,
)
from shared.errors import Conflict, NotFound, RuleViolation
from shared.offices import OfficeVersion, tree_as_of

TODAY = date(2026, 6, 1)
HQ = OfficeVersion("o-hq", date(2020, 1, 1), None, "HQ", "head office")
NORTH = OfficeVersion("o-n", date(2020, 1, 1), "o-hq", "N", "north branch")
OUTLET = OfficeVersion("o-n1", date(2020, 1, 1), "o-n", "N1", "north outlet")
SOUTH = OfficeVersion("o-s", date(2020, 1, 1), "o-hq", "S", "south branch")
TREE = [HQ, NORTH, OUTLET, SOUTH]


def test_a_cm_sees_only_themself_and_a_reader_of_the_roll_sees_the_staff_of_their_scope():
    access.check_visible("m-1", True, "m-1", {"cm"}, None, None)
    with pytest.raises(NotFound) as hidden:
        access.check_visible("m-2", True, "m-1", {"cm"}, None, None)
    assert hidden.value.key == "staffing.manager.not_found"
    access.check_visible("m-2", True, "sup-1", {"supervisor"}, None, None)  # whole cooperative
    access.check_visible("m-2", True, "sup-1", {"supervisor"}, ["o-n", "o-n1"], "o-n1")
    with pytest.raises(NotFound):
        access.check_visible("m-2", True, "sup-1", {"supervisor"}, ["o-n", "o-n1"], "o-s")
    with pytest.raises(NotFound):
        access.check_visible("m-2", True, "sup-1", {"supervisor"}, ["o-n"], None)  # placed nowhere
    with pytest.raises(NotFound):
        access.check_visible("m-9", False, "hr-1", {"hr"}, None, None)


def test_only_a_reader_looking_at_another_record_needs_their_scope():
    assert access.needs_scope(True, {"supervisor"}, "sup-1", "m-1")
    assert not access.needs_scope(True, {"supervisor"}, "sup-1", "sup-1")
    assert not access.needs_scope(True, {"cm"}, "m-2", "m-1")
    assert not access.needs_scope(False, {"hr"}, "hr-1", "m-1")


def test_a_placement_narrows_the_scope_of_supervisors_auditors_and_hr_but_never_of_management():
    assert access.scope_restricted({"supervisor"}, "default")
    assert access.scope_restricted({"auditor"}, "subtree")
    assert not access.scope_restricted({"auditor"}, "default")
    assert not access.scope_restricted({"supervisor", "management"}, "subtree")
    assert not access.scope_restricted({"admin", "hr"}, "subtree")
    assert not access.scope_restricted({"supervisor"}, None)
    assert not access.may_narrow({"cm"})


def test_a_restricted_scope_is_the_office_subtree_and_the_head_office_sees_all():
    tree = tree_as_of(TREE, TODAY)
    assert sorted(access.scope_offices(tree, "o-n") or []) == ["o-n", "o-n1"]
    assert access.scope_offices(tree, "o-hq") is None


def test_a_team_roll_is_read_by_its_lead_and_by_readers_of_the_roll_only():
    access.check_roll_reader("t-1", True, "m-lead", "m-lead", {"cm"})
    access.check_roll_reader("t-1", True, "m-lead", "aud-1", {"auditor"})
    for known, caller in ((True, "m-other"), (False, "m-lead")):
        with pytest.raises(NotFound) as hidden:
            access.check_roll_reader("t-1", known, "m-lead", caller, {"cm"})
        assert hidden.value.key == "staffing.team.not_found"


def test_another_cooperatives_record_is_answered_like_an_unknown_one():
    assert access.in_org("rcc-1", "rcc-1")
    assert not access.in_org("rcc-2", "rcc-1")
    assert not access.in_org(None, "rcc-1")
    with pytest.raises(NotFound):
        access.check_manager_in_org("m-1", "rcc-2", "rcc-1")
    checks = (
        (departure.check_known, "staffing.departure.unknown_manager"),
        (grading.check_proposal_known, "staffing.grade.proposal_not_found"),
        (grading.check_proposed_for_known, "staffing.grade.proposed_unknown_manager"),
        (qualification.check_application_known, "staffing.qualification.not_found"),
    )
    for check, key in checks:
        check("x-1", True)
        with pytest.raises(NotFound) as unknown:
            check("x-1", False)
        assert unknown.value.key == key


def test_R_Q3_the_version_in_force_is_the_newest_effective_date_come_and_the_later_version_on_a_tie():
    versions = [(1, date(2025, 1, 1)), (2, date(2027, 1, 1)), (3, date(2026, 3, 1)), (4, date(2026, 3, 1))]
    assert version_in_force(versions, date(2024, 12, 31)) is None
    assert version_in_force(versions, date(2025, 6, 1)) == 1
    assert version_in_force(versions, TODAY) == 4
    assert version_in_force(versions, date(2027, 1, 1)) == 2  # published earlier, in force later


def test_R_Q3_a_new_version_starts_today_or_later_and_is_numbered_after_the_last():
    assert publish(None, TODAY, DEFAULT_GRADES, TODAY).version == 1
    assert publish(4, date(2027, 1, 1), DEFAULT_GRADES, TODAY).version == 5
    with pytest.raises(RuleViolation) as past:
        publish(4, date(2026, 5, 31), DEFAULT_GRADES, TODAY)
    assert past.value.key == "staffing.ladder.effective_in_past"
    with pytest.raises(RuleViolation):
        publish(4, TODAY, (), TODAY)


def test_an_import_names_a_grade_by_its_code_or_its_name():
    labels = grade_labels(DEFAULT_LADDER)
    for g in DEFAULT_LADDER.grades:
        assert labels[g.code] == labels[g.name] == g.code


def test_a_login_is_linked_once_and_never_to_a_second_manager():
    assert logins.needs_link("wang", "m-1", None)
    assert not logins.needs_link("wang", "m-1", "m-1")
    with pytest.raises(Conflict) as taken:
        logins.needs_link("wang", "m-1", "m-2")
    assert taken.value.params == {"login": "wang", "manager_id": "m-2"}


def test_R_Q2_staff_are_registered_once_per_employee_number_and_never_hired_in_the_future():
    roster.register("E1", False, TODAY, TODAY)
    with pytest.raises(Conflict):
        roster.register("E1", True, TODAY, TODAY)
    with pytest.raises(RuleViolation):
        roster.register("E1", False, date(2026, 6, 2), TODAY)


def test_R_Q7_an_onboarded_cm_is_certified_at_most_for_the_validity_and_by_default_for_all_of_it():
    default = roster.onboard("E1", False, "cm", DEFAULT_LADDER, None, None, 2, TODAY)
    assert default == roster.Onboarded("cm", date(2028, 6, 1))
    given = roster.onboard(
        "E1", False, "senior", DEFAULT_LADDER, date(2020, 1, 1), date(2027, 1, 1), 2, TODAY
    )
    assert given.certified_until == date(2027, 1, 1)
    with pytest.raises(RuleViolation) as too_long:
        roster.onboard("E1", False, "cm", DEFAULT_LADDER, None, date(2028, 6, 2), 2, TODAY)
    assert too_long.value.key == "staffing.roster.validity_too_long"
    with pytest.raises(RuleViolation):
        roster.onboard("E1", False, "captain", DEFAULT_LADDER, None, None, 2, TODAY)
    with pytest.raises(Conflict):
        roster.onboard("E1", True, "cm", DEFAULT_LADDER, None, None, 2, TODAY)


def test_an_office_code_is_one_offices_and_the_tree_keeps_one_root():
    new = OfficeVersion("o-w", TODAY, "o-hq", "W", "west branch")
    assert offices.open_office(TREE, new) == new
    with pytest.raises(Conflict) as taken:
        offices.open_office(TREE, OfficeVersion("o-w", TODAY, "o-hq", "N", "again"))
    assert taken.value.key == "staffing.office.code_taken"
    with pytest.raises(Conflict):
        offices.open_office(TREE, OfficeVersion("o-r", TODAY, None, "R", "second root"))


def test_a_move_keeps_the_code_renames_only_when_asked_and_refuses_a_cycle():
    moved = offices.move(TREE, "o-n1", TODAY, "o-s", None)
    assert moved == OfficeVersion("o-n1", TODAY, "o-s", "N1", "north outlet")
    assert offices.move(TREE, "o-n1", TODAY, "o-s", "south outlet").name == "south outlet"
    with pytest.raises(NotFound):
        offices.move(TREE, "o-x", TODAY, "o-s", None)
    with pytest.raises(RuleViolation) as cycle:
        offices.move(TREE, "o-n", TODAY, "o-n1", None)
    assert cycle.value.key == "staffing.office.cycle"
    kept = offices.with_version(TREE, moved)
    assert tree_as_of(kept, TODAY)["o-n1"].parent_id == "o-s"
    assert tree_as_of(kept, date(2025, 1, 1))["o-n1"].parent_id == "o-n"


def test_staff_are_placed_in_an_existing_office_and_a_same_placement_changes_nothing():
    assert offices.needs_placing(TREE, "o-n1", "default", None)
    assert offices.needs_placing(TREE, "o-n1", "subtree", ("o-n1", "default"))
    assert not offices.needs_placing(TREE, "o-n1", "default", ("o-n1", "default"))
    with pytest.raises(NotFound):
        offices.needs_placing(TREE, "o-x", "default", None)


def test_R_Q2_a_first_pass_appoints_the_applicant_and_a_renewal_appoints_nobody():
    grade = DEFAULT_LADDER.grade("cm")
    results = certification.ExamResults(Decimal("90"), Decimal("90"), Decimal("90"))
    first = certification.sit_exam(
        certification.Candidate("m-1", "staff", None, "cm"), grade, results, TODAY, 2, TODAY
    )
    assert first.appointment == certification.Appointment("active", "certified")
    renewal = certification.sit_exam(
        certification.Candidate("m-1", "active", "cm", None), grade, results, TODAY, 2, TODAY
    )
    assert renewal.certifies
    assert renewal.appointment is None
    assert certification.needs_application("staff")
    assert not certification.needs_application("active")


def test_R_Q7_the_sweep_looks_at_cms_on_or_leaving_the_post_up_to_the_warning_horizon():
    assert certification.sweep_horizon(TODAY, 60) == date(2026, 7, 31)
    assert set(certification.SWEPT) == {"active", "departure_pending"}
