"""Issue 19: customer service decides in pure functions (R-C1..R-C3, R-Q5, R-A4, R-I6)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.customer.domain import assignment as rules
from services.customer.domain.classification import Classification, Size
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.errors import Conflict, Forbidden, NotFound, RuleViolation
from shared.rules import RuleId

ON = date(2026, 6, 1)  # the day a team is judged on (certifications run to 2027 in these tests)

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
GRADES = {
    g.code: rules.GradeView(g.code, g.may_lead_teams, frozenset(g.customer_classes))
    for g in DEFAULT_LADDER_GRADES
}
THRESHOLD = Decimal("1000000")
FLAGGED = rules.Compliance(False, ("R-C3: needs two or more CMs with a named primary (medium customer)",))


def cm(manager_id: str, grade: str = "cm", status: str = "active", certified: date | None = date(2027, 1, 1)):
    return rules.ManagerView(manager_id, "rcc", status, certified, grade)


def state(c: Classification, *views: rules.ManagerView, serving=(), compliance=FLAGGED, team_live=False):
    return rules.Serving(
        "rcc", c, compliance, frozenset(serving), {v.manager_id: v for v in views}, team_live, None, GRADES
    )


def plan(primary: str, *co: str, team_id: str | None = None, shares=None, mode=rules.AttributionMode.SHARES):
    return rules.TeamPlan(primary, co, team_id, mode, shares or {}, "why")


def test_R_C3_two_cms_for_a_medium_customer_are_assigned_and_its_flag_cleared():
    decided = rules.assign_team(
        plan("a", "b"), state(Classification(size=Size.MEDIUM), cm("a"), cm("b")), THRESHOLD, "sup", NOW
    )
    assert isinstance(decided, rules.TeamAssigned)
    assert decided.roles() == [("a", rules.AssignmentRole.PRIMARY), ("b", rules.AssignmentRole.CO_MANAGER)]
    assert decided.shares == {"a": Decimal("50.00"), "b": Decimal("50.00")}  # R-A4 default
    assert (decided.effective_from, decided.by) == (NOW, "sup")
    assert decided.compliance == rules.ComplianceChanged(True, (), ())


def test_R_C3_one_cm_for_a_medium_customer_is_refused_with_the_typed_violation():
    decided = rules.assign_team(
        plan("a"), state(Classification(size=Size.MEDIUM), cm("a")), THRESHOLD, "sup", NOW
    )
    assert isinstance(decided, rules.TeamRefused)
    assert [v.rule for v in decided.violations] == [RuleId.R_C3]


def test_R_I6_R_Q7_a_departing_or_uncertified_cm_may_not_join_but_one_already_serving_stays():
    leaving = cm("a", status="departure_pending")
    with pytest.raises(RuleViolation):
        rules.assign_team(plan("a"), state(Classification(), leaving), THRESHOLD, "sup", NOW)
    expired = cm("a", certified=date(2026, 5, 31))
    with pytest.raises(RuleViolation):
        rules.assign_team(plan("a"), state(Classification(), expired), THRESHOLD, "sup", NOW)
    stays = rules.assign_team(
        plan("a"), state(Classification(), leaving, serving={"a"}), THRESHOLD, "sup", NOW
    )
    assert isinstance(stays, rules.TeamAssigned)


def test_R_A4_a_pool_needs_a_live_team():
    pool = plan("a", team_id="t-1", mode=rules.AttributionMode.TEAM_POOL)
    with pytest.raises(NotFound):
        rules.assign_team(pool, state(Classification(), cm("a")), THRESHOLD, "sup", NOW)
    decided = rules.assign_team(pool, state(Classification(), cm("a"), team_live=True), THRESHOLD, "sup", NOW)
    assert isinstance(decided, rules.TeamAssigned)
    assert decided.shares == {}


def test_R_C1_R_C3_recheck_after_a_reclassification_publishes_only_a_change():
    c = Classification(size=Size.LARGE, complex_needs=True)
    before = rules.Compliance(True, ())
    change = rules.recheck_compliance(c, cm("a"), [cm("b")], GRADES, THRESHOLD, None, before, ON)
    assert change is not None
    assert RuleId.R_C1 in {v.rule for v in change.violations}
    assert not change.compliant
    again = rules.Compliance(change.compliant, change.issues)
    assert rules.recheck_compliance(c, cm("a"), [cm("b")], GRADES, THRESHOLD, None, again, ON) is None


def test_R_A4_reassignment_moves_the_role_and_the_share_to_the_new_cm():
    shares = {"a": Decimal("60"), "b": Decimal("40")}
    moved = rules.moved_team("a", ["b"], shares, None, rules.AttributionMode.SHARES, "a", "b")
    assert (moved.primary_id, moved.co_manager_ids, moved.shares) == ("b", (), {"b": Decimal("100")})
    swapped = rules.moved_team("a", ["b"], shares, None, rules.AttributionMode.SHARES, "b", "c")
    assert (swapped.co_manager_ids, swapped.shares) == (("c",), {"a": Decimal("60"), "c": Decimal("40")})
    assert swapped.reason == "reassigned from b to c"


def test_R_D1_a_target_is_scored_owned_by_an_active_cm_and_moves_forward_with_its_reasons():
    from services.customer.domain import pipeline

    with pytest.raises(Forbidden):
        pipeline.check_owner("m-2", "m-1", may_manage=False)
    added = pipeline.add_target("m-1", True, (8, 6, 7, 9), "m-1", NOW)
    assert (added.segment_score, added.step.stage) == (Decimal("7.50"), pipeline.Stage.TARGET)
    with pytest.raises(RuleViolation):
        pipeline.add_target("m-1", False, (8, 6, 7, 9), "m-1", NOW)
    step = pipeline.move(pipeline.Stage.PROPOSAL, pipeline.Stage.WON, "c-1", "", "m-1", NOW)
    assert step.as_record() == {"stage": "won", "at": NOW.isoformat(), "by": "m-1", "note": ""}
    with pytest.raises(RuleViolation):
        pipeline.move(pipeline.Stage.PROPOSAL, pipeline.Stage.WON, None, "", "m-1", NOW)
    with pytest.raises(RuleViolation):
        pipeline.move(pipeline.Stage.TARGET, pipeline.Stage.LOST, None, "", "m-1", NOW)


def test_R_C7_R_M6_customers_are_ranked_by_value_the_top_fifth_core_and_seniors_named():
    from services.customer.domain import value

    zero = Decimal("0")
    inputs = [
        (f"c-{n}", f"F{n:08d}", value.ValueInputs(Decimal(n * 1000), zero, Decimal(n), zero))
        for n in range(1, 11)
    ]
    ranked = value.rank(inputs)
    assert [r.customer_id for r in ranked][:2] == ["c-10", "c-9"]
    assert [r.customer_id for r in ranked if r.top_fifth] == ["c-10", "c-9"]
    assert ranked[0].suggested is value.Importance.CORE
    assert ranked[-1].suggested is value.Importance.ORDINARY
    assert value.review_window(date(2026, 6, 1)) == ("2026-07", "2025-07", "2024-07")
    assert rules.served_by_senior([None, cm("a", "senior")], GRADES, ON)
    assert not rules.served_by_senior([cm("a")], GRADES, ON)


def test_R_Q7_R_C1_R_C2_a_senior_whose_certification_lapsed_is_no_longer_a_senior():
    lapsed = cm("s", "senior", certified=date(2026, 5, 31))
    assert rules.is_senior(cm("s", "senior", certified=date(2026, 6, 1)), GRADES, ON)  # the last valid day
    assert not rules.is_senior(lapsed, GRADES, ON)
    assert not rules.served_by_senior([lapsed, cm("a")], GRADES, ON)
    core = Classification(core=True, major_value=True)
    broken = {v.rule for v in rules.team_violations(core, lapsed, [cm("a")], GRADES, THRESHOLD, on=ON)}
    assert {RuleId.R_C1, RuleId.R_C2} <= broken
    renewed = cm("s", "senior", certified=date(2028, 6, 1))
    assert rules.team_violations(core, renewed, [cm("a")], GRADES, THRESHOLD, on=ON) == []


def test_R_C4_R_C3_who_opens_a_file_and_one_core_banking_number_per_file():
    from services.customer.domain import files

    files.check_opener("m-1", ["m-1", "m-2"], False, False, control_requested=False)
    with pytest.raises(Forbidden):
        files.check_opener("m-3", ["m-1"], False, False, control_requested=False)
    with pytest.raises(Forbidden):  # R-C3: only a control role asks for two CMs
        files.check_opener("sup", ["m-1"], True, False, control_requested=True)
    files.check_external_id("X1", "c-1", "c-1")
    with pytest.raises(Conflict):
        files.check_external_id("X1", "c-1", "c-2")
    assert files.file_no(42) == "F00000042"


def test_R_C4_R_C6_a_roster_change_publishes_what_changed_and_sections_are_versioned():
    from services.customer.domain import files

    before = files.RosterLine("X1", "ordinary")
    assert files.roster_events(before, before) == []
    assert files.roster_events(before, files.RosterLine("X2", "core")) == [
        files.Identified("X2", "X1"),
        files.Reclassified("core"),
    ]
    assert (files.next_version(None), files.next_version(3)) == (1, 4)


def test_R_C1_each_app_binds_its_own_threshold_into_its_subscriptions():
    from services.customer.app import create_app
    from services.customer.settings import CustomerSettings

    apps = [create_app(CustomerSettings(senior_risk_threshold=Decimal(t))) for t in ("500", "5000")]
    bound = [
        handler.__self__.risk_threshold
        for app in apps
        for sub in app.state.runtime.definition.subscriptions
        for event_type, handler in sub.handlers.items()
        if event_type == "manager.grade-changed"
    ]
    assert bound == [Decimal("500"), Decimal("5000")]
