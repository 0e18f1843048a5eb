"""Issue 19: rule ids are typed; audit's compliance decisions are pure functions (no database, no broker)."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from services.audit.domain import compliance as decide
from services.customer.domain.assignment import check_product, compliance_change
from services.customer.domain.classification import check_control_request
from shared.errors import Forbidden, RuleViolation
from shared.messages import CATALOGUE
from shared.rules import RuleId, Violation

DOMAIN = Path("/work/shared/reference/DOMAIN.md")
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.skipif(not DOMAIN.exists(), reason="the reference DOMAIN.md is outside the repository")
def test_rule_id_names_exactly_the_rules_of_domain_md():
    ids = set(re.findall(r"^- (R-[A-Z]\d+)", DOMAIN.read_text(encoding="utf-8"), re.M))
    assert {r.value for r in RuleId} == ids


def test_rule_id_of_a_v1_issue_line():
    assert RuleId.of_issue("R-C3: needs two or more CMs (medium customer)") is RuleId.R_C3
    assert RuleId.of_issue("free text") is None


def test_every_violation_key_of_audit_decisions_is_in_the_catalogue():
    for key in (*decide.DEADLINE_KEYS.values(), "audit.compliance.team", "audit.compliance.overdue"):
        assert key in CATALOGUE


def test_violations_compare_by_value():
    assert Violation(RuleId.R_I1, "k", {"a": 1}) == Violation(RuleId.R_I1, "k", {"a": 1})
    assert len({Violation(RuleId.R_I1, "k", {"a": 1}), Violation(RuleId.R_I1, "k", {"a": 1})}) == 1


def test_R_C3_R_C1_team_compliance_raises_the_broken_rule_and_resolves_the_others():
    broken = decide.issues_of([], ["R-C3: needs two (core customer)"])  # a v1 message: the fallback
    decisions = decide.team_compliance("c-1", False, broken, "m-p")
    raised = [d for d in decisions if isinstance(d, decide.Raise)]
    assert [(d.rule, d.manager_id) for d in raised] == [(RuleId.R_C3, "m-p")]
    assert {d.rule for d in decisions if isinstance(d, decide.Resolve)} == {
        RuleId.R_C1,
        RuleId.R_C2,
        RuleId.R_Q5,
    }
    assert all(isinstance(d, decide.Resolve) for d in decide.team_compliance("c-1", True, [], "m-p"))


def test_R_I1_an_older_balance_report_changes_nothing():
    state, first = decide.balances(decide.BalanceState(), "c-1", Decimal("300"), T0, "m-p")
    assert isinstance(first[0], decide.Raise)
    assert first[0].manager_id == "m-p"
    state, cleared = decide.balances(state, "c-1", Decimal("0"), T0 + timedelta(days=9), "m-p")
    assert isinstance(cleared[0], decide.Resolve)
    later_state, stale = decide.balances(state, "c-1", Decimal("300"), T0 + timedelta(days=4), "m-p")
    assert stale == []
    assert later_state == state


def test_R_M5_the_follow_up_is_due_from_the_warning():
    assert decide.follow_up_due(T0, 7) == T0 + timedelta(days=7)


def test_R_I1_limit_and_serving_author():
    rec = decide.Recommendation("r-1", "c-1", "m-x", Decimal("2000"), None)
    decisions = decide.recommendation(rec, author_serves=False, anyone_serves=True, limit=Decimal("1000"))
    assert [d.subject for d in decisions] == ["recommendation:r-1", "recommendation:r-1:limit"]
    cosigned = decide.Recommendation("r-1", "c-1", "m-x", Decimal("2000"), "m-s")
    assert decide.recommendation(cosigned, True, True, Decimal("1000")) == []


def test_R_Q7_expiry_of_a_cm_serving_customers():
    state, decisions = decide.certification_expired(
        decide.ManagerState(grade="cm"), "m-1", serves_anyone=True
    )
    assert state.certified is False
    assert [d.rule for d in decisions] == [RuleId.R_Q7]
    renewed, resolved = decide.manager_certified(state, "m-1", "cm")
    assert renewed.certified
    assert isinstance(resolved[0], decide.Resolve)


def test_R_Q7_R_Q8_a_registered_cm_is_certified_and_a_cm_off_the_post_keeps_the_last_grade():
    state, resolved = decide.manager_registered(decide.ManagerState(certified=False), "m-1", "cm", "north")
    assert state == decide.ManagerState(grade="cm", certified=True, branch="north")
    assert [(d.rule, d.subject) for d in resolved] == [(RuleId.R_Q7, "manager:m-1")]
    assert decide.grade_changed(state, "senior") == (decide.ManagerState("senior", True, "north"), [])
    assert decide.grade_changed(state, None) == (state, [])
    assert decide.certification_expired(state, "m-1", serves_anyone=False) == (
        decide.ManagerState("cm", False, "north"),
        [],
    )


def test_R_I4_over_budget_raises_and_the_closed_year_resolves():
    (raised,) = decide.budget_exceeded("m-1", 2025, Decimal("150.00"), Decimal("100.00"))
    assert isinstance(raised, decide.Raise)
    assert (raised.rule, raised.subject, raised.manager_id) == (RuleId.R_I4, "expenses:m-1:2025", "m-1")
    assert raised.violation.params == {"spent": Decimal("150.00"), "budget": Decimal("100.00")}
    (cleared,) = decide.year_closed("m-1", 2025, Decimal("50.00"))
    assert cleared == decide.Resolve(
        RuleId.R_I4, "expenses:m-1:2025", "year closed; overspend 50.00 deducted"
    )


def test_R_C3_compliance_change_only_when_something_changed():
    assert compliance_change(True, [], []) is None
    assert compliance_change(False, ["R-C3: x"], ["R-C3: x"]) is None
    change = compliance_change(False, ["R-C3: x"], [])
    assert change is not None
    assert change.compliant


def test_R_C3_control_request_only_by_control_roles():
    check_control_request(False, False, is_control_role=False)
    check_control_request(False, True, is_control_role=True)
    with pytest.raises(Forbidden):
        check_control_request(True, False, is_control_role=False)


def test_R_Q5_products_of_a_grade():
    check_product("cm", frozenset(), "anything")
    check_product("trainee", frozenset({"savings"}), "savings")
    with pytest.raises(RuleViolation) as refused:
        check_product("trainee", frozenset({"savings"}), "loan")
    assert refused.value.rule_id == "R-Q5"


def test_bounds_far_past_and_future_dates_are_refused_with_a_message_in_both_languages():
    from datetime import date

    from services.customer.domain.visits import check_day_plan, check_filed_in_time
    from services.staffing.domain.expenses import check_expense

    now = datetime(2026, 12, 7, tzinfo=UTC)
    with pytest.raises(RuleViolation) as year_one:
        check_filed_in_time(datetime(1, 1, 1, tzinfo=UTC), now)
    assert "检查日期" in year_one.value.text("zh-CN")
    with pytest.raises(RuleViolation):
        check_filed_in_time(now - timedelta(days=1), now, next_visit_on=date(2026, 1, 1))
    check_filed_in_time(now - timedelta(days=1), now, next_visit_on=date(2027, 1, 1))
    with pytest.raises(RuleViolation):
        check_day_plan(date(9999, 12, 31), now.date(), has_plan=False)
    check_day_plan(now.date(), now.date(), has_plan=False)
    with pytest.raises(RuleViolation) as old:
        check_expense(Decimal("10"), date(1900, 1, 1), now.date(), closed_years=())
    assert old.value.rule_id == "R-P2"
    check_expense(Decimal("10"), date(2025, 12, 1), now.date(), closed_years=())


def test_structured_issues_win_over_the_v1_lines():
    structured = [(RuleId.R_Q5, "grade trainee may not serve medium")]
    assert decide.issues_of(structured, ["R-C3: a stale line"]) == structured
    decisions = decide.team_compliance("c-1", False, structured, None)
    assert [d.rule for d in decisions if isinstance(d, decide.Raise)] == [RuleId.R_Q5]
