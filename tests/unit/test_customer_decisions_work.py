"""Issue 19: customer service's remaining decisions are pure functions: visits (R-R3, R-M4, R-M5, R-W4),
reports and questions (R-W3, R-R4), the ladder in force (R-Q3, R-Q5, R-I1), reassignment, the pipeline."""

from datetime import date
from decimal import Decimal

import pytest

from services.customer.domain import assignment, credit, ladder, pipeline, reassignment, visits
from shared.errors import Forbidden, NotFound, RuleViolation

DAY = date(2026, 6, 1)
PRIOR = visits.PriorVisit("v-1", "c-1", "rcc", "sales", 2)


def test_R_R3_a_first_report_is_version_1_and_a_correction_the_next_of_the_same_kind():
    assert visits.version_of(None, None, "c-1", "rcc", "sales") == (1, None)
    assert visits.version_of("v-1", PRIOR, "c-1", "rcc", "sales") == (3, "v-1")
    with pytest.raises(RuleViolation):
        visits.version_of("v-1", PRIOR, "c-1", "rcc", "phone")


@pytest.mark.parametrize(
    ("prior", "customer", "org"), [(None, "c-1", "rcc"), (PRIOR, "c-2", "rcc"), (PRIOR, "c-1", "x")]
)
def test_R_R3_another_customers_report_is_not_the_callers_to_know(prior, customer, org):
    with pytest.raises(NotFound):
        visits.version_of("v-1", prior, customer, org, "sales")


def test_R_M4_due_after_the_interval_and_overdue_past_the_tolerance():
    assert visits.due(date(2026, 5, 1), date(2025, 1, 1), 30, DAY, 0) == (date(2026, 5, 31), True)
    assert visits.due(date(2026, 5, 1), date(2025, 1, 1), 30, DAY, 1) == (date(2026, 5, 31), False)
    assert visits.due(None, date(2026, 5, 10), 30, DAY, 0) == (date(2026, 6, 9), False)


def test_R_M5_the_warning_holds_while_the_average_is_below_the_threshold():
    assert visits.warned(Decimal("2.5"), Decimal("3"))
    assert not visits.warned(Decimal("3"), Decimal("3"))
    assert not visits.warned(None, Decimal("3"))


def test_R_W4_a_cm_reports_their_own_day_on_planned_tasks_only():
    visits.check_own_day("m-1", "m-1")
    with pytest.raises(Forbidden):
        visits.check_own_day("m-2", "m-1")
    visits.check_tasks_planned([0, 1], 2, DAY)
    with pytest.raises(RuleViolation):
        visits.check_tasks_planned([2], 2, DAY)


def test_R_W3_a_department_reads_what_is_routed_to_it_and_a_cm_their_customers_reports():
    assert credit.reads_report({"risk"}, set(), ["risk", "product"], "c-1")
    assert credit.reads_report(set(), {"c-1"}, ["risk"], "c-1")
    assert not credit.reads_report({"management"}, {"c-2"}, ["risk"], "c-1")


def test_R_R4_a_question_is_answered_on_its_own_recommendation():
    credit.check_question_of("cr-1", "cr-1", 7)
    for other in (None, "cr-2"):
        with pytest.raises(NotFound):
            credit.check_question_of(other, "cr-1", 7)


def test_R_Q3_the_version_in_force_is_brought_once_and_never_one_for_a_later_day():
    versions = [(1, date(2026, 1, 1)), (2, date(2026, 7, 1))]
    assert ladder.version_to_hold(versions, DAY, None) == 1
    assert ladder.version_to_hold(versions, DAY, 1) is None
    assert ladder.version_to_hold(versions, date(2026, 7, 1), 1) == 2
    assert ladder.version_to_hold([], DAY, None) is None


def test_R_Q5_before_a_ladder_is_published_the_default_grades_apply():
    assert set(ladder.grades_in_force([])) == {"senior", "cm", "trainee"}
    own = assignment.GradeView("g1", True, frozenset({"basic"}))
    assert ladder.grades_in_force([own]) == {"g1": own}


def test_R_I1_R_Q5_a_cms_limit_and_products_are_their_grades_in_force_else_the_default_ladders():
    assert ladder.author_of("cm", (Decimal("7"), ["loans"])) == credit.Author(
        "cm", Decimal("7"), frozenset({"loans"})
    )
    assert ladder.author_of("cm", (Decimal("7"), None)).products == frozenset()
    default = ladder.author_of("trainee", None)
    assert "loans" not in default.products
    assert default.authorization_limit > 0
    assert ladder.author_of("unknown", None) == credit.Author("unknown", Decimal("0"), frozenset())


def test_a_reassignment_moves_between_two_cms_all_or_none():
    with pytest.raises(RuleViolation):
        reassignment.check_managers("m-1", "m-1")
    reassignment.check_all_served(None, 0, "m-1")
    reassignment.check_all_served(["c-1", "c-1"], 1, "m-1")
    with pytest.raises(RuleViolation):
        reassignment.check_all_served(["c-1", "c-2"], 1, "m-1")
    reassignment.check_none_refused([])
    with pytest.raises(RuleViolation) as refused:
        reassignment.check_none_refused([("F00000001", RuleViolation("customer.reassignment.same_manager"))])
    assert refused.value.key == "customer.reassignment.none_moved"


def test_R_C3_the_team_in_force_splits_into_its_primary_and_co_managers():
    assert assignment.split_team([("b", "co_manager"), ("a", "primary")]) == ("a", ["b"])
    assert assignment.split_team([("b", "co_manager")]) == (None, ["b"])


def test_R_C2_a_teams_lead_serves_through_it_until_it_is_dissolved():
    assert assignment.team_members("l", ["a", "l", "b"], False) == ["l", "a", "b"]
    assert assignment.team_members("l", ["a"], True) == []


def test_R_D1_the_pipeline_by_stage_counts_ideal_targets_and_means_the_scores():
    rows = [("target", Decimal("6"), True, True, True), ("target", Decimal("7.5"), True, False, True)]
    counted = {c.stage: c for c in pipeline.by_stage(rows)}
    assert [c.stage for c in pipeline.by_stage(rows)] == list(pipeline.Stage)
    assert (counted[pipeline.Stage.TARGET].count, counted[pipeline.Stage.TARGET].ideal) == (2, 1)
    assert counted[pipeline.Stage.TARGET].mean_segment_score == Decimal("6.75")
    assert counted[pipeline.Stage.WON].mean_segment_score == Decimal("0.00")
