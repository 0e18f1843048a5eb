"""Customer rules without I/O: R-C1, R-C3, R-Q5, R-A4."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.customer.domain.assignment import (
    AttributionMode,
    GradeView,
    ManagerView,
    check_shares,
    equal_shares,
    violations,
)
from services.customer.domain.classification import (
    Abnormality,
    Classification,
    Size,
    customer_classes,
    needs_senior,
    needs_two_managers,
)
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.errors import RuleViolation

ON = date(2026, 6, 1)  # the day a team is judged on (certifications run to 2027 in these tests)

GRADES = {
    g.code: GradeView(g.code, g.may_lead_teams, frozenset(g.customer_classes)) for g in DEFAULT_LADDER_GRADES
}
THRESHOLD = Decimal("1000000")


def cm(manager_id: str, grade: str) -> ManagerView:
    return ManagerView(manager_id, "rcc", "active", None, grade)


@pytest.mark.parametrize(
    "c",
    [
        Classification(size=Size.LARGE),
        Classification(size=Size.MEDIUM),
        Classification(core=True),
        Classification(major_value=True),
        Classification(risk_business=True),
        Classification(abnormal=Abnormality.PREDICTED),
        Classification(potential_risk=True),
        Classification(new_product_user=True),
        Classification(control_requested=True),
    ],
)
def test_R_C3_these_customers_need_two_cms_with_a_primary(c):
    assert needs_two_managers(c)
    broken = violations(c, cm("m-1", "senior"), [], GRADES, THRESHOLD, on=ON)
    assert any(b.startswith("R-C3") for b in broken)
    assert not any(
        b.startswith("R-C3")
        for b in violations(c, cm("m-1", "senior"), [cm("m-2", "senior")], GRADES, THRESHOLD, on=ON)
    )


def test_R_C3_a_small_ordinary_customer_needs_one():
    assert needs_two_managers(Classification(size=Size.SMALL)) == []
    assert (
        violations(Classification(size=Size.SMALL), cm("m-1", "trainee"), [], GRADES, THRESHOLD, on=ON) == []
    )


@pytest.mark.parametrize(
    "c",
    [
        Classification(core=True, major_value=True),
        Classification(complex_needs=True),
        Classification(investment_needs=True),
        Classification(first_development=True, size=Size.LARGE),
        Classification(risk_business=True, risk_amount=Decimal("1000000.01")),
        Classification(abnormal=Abnormality.OCCURRED),
    ],
)
def test_R_C1_these_customers_need_a_senior_cm(c):
    assert needs_senior(c, THRESHOLD)
    broken = violations(c, cm("m-1", "cm"), [cm("m-2", "cm")], GRADES, THRESHOLD, on=ON)
    assert any(b.startswith("R-C1") for b in broken)
    assert not any(
        b.startswith("R-C1")
        for b in violations(c, cm("m-1", "senior"), [cm("m-2", "cm")], GRADES, THRESHOLD, on=ON)
    )


def test_R_C1_risk_business_at_or_below_the_threshold_needs_no_senior():
    assert needs_senior(Classification(risk_business=True, risk_amount=THRESHOLD), THRESHOLD) == []


def test_R_Q5_a_grade_serves_only_its_classes_unless_mentored_by_a_senior():
    medium = Classification(size=Size.MEDIUM)
    assert customer_classes(medium) == {"basic", "medium"}
    alone = violations(medium, cm("m-1", "trainee"), [cm("m-2", "trainee")], GRADES, THRESHOLD, on=ON)
    assert [b[:4] for b in alone] == ["R-Q5", "R-Q5"]
    mentored = violations(medium, cm("m-1", "senior"), [cm("m-2", "trainee")], GRADES, THRESHOLD, on=ON)
    assert mentored == []
    trainee_primary = violations(
        medium, cm("m-1", "trainee"), [cm("m-2", "senior")], GRADES, THRESHOLD, on=ON
    )
    assert [b[:4] for b in trainee_primary] == ["R-Q5"]


def test_R_A4_shares_must_cover_assigned_cms_and_sum_to_100():
    ids = ["m-1", "m-2"]
    assert check_shares(AttributionMode.SHARES, {"m-1": Decimal("60"), "m-2": Decimal("40")}, ids, None) == {
        "m-1": Decimal("60"),
        "m-2": Decimal("40"),
    }
    with pytest.raises(RuleViolation, match=r"99\.99%"):
        check_shares(AttributionMode.SHARES, {"m-1": Decimal("60"), "m-2": Decimal("39.99")}, ids, None)
    with pytest.raises(RuleViolation, match="not serving"):
        check_shares(AttributionMode.SHARES, {"m-1": Decimal("50"), "m-9": Decimal("50")}, ids, None)
    with pytest.raises(RuleViolation, match="positive"):
        check_shares(AttributionMode.SHARES, {"m-1": Decimal("100"), "m-2": Decimal("0")}, ids, None)


def test_R_A4_a_team_pool_needs_a_team_and_no_shares():
    assert check_shares(AttributionMode.TEAM_POOL, {}, ["m-1", "m-2"], "t-1") == {}
    with pytest.raises(RuleViolation, match="team"):
        check_shares(AttributionMode.TEAM_POOL, {}, ["m-1"], None)
    with pytest.raises(RuleViolation, match="lead allocates"):
        check_shares(AttributionMode.TEAM_POOL, {"m-1": Decimal("100")}, ["m-1"], "t-1")


@given(st.integers(min_value=1, max_value=30))
def test_R_A4_default_equal_shares_always_sum_to_exactly_100(n):
    shares = equal_shares([f"m-{i}" for i in range(n)])
    assert sum(shares.values()) == Decimal("100")
    assert max(shares.values()) - min(shares.values()) < Decimal("0.01") * n


def test_R_C7_value_weighs_volume_profit_and_growth():
    from datetime import date

    from services.customer.domain.value import ValueInputs, customer_value, months_back

    v = ValueInputs(Decimal("1000000"), Decimal("500000"), Decimal("20000"), Decimal("12000"))
    assert customer_value(v) == Decimal("39000.00")  # 15000 volume + 20000 profit + 4000 growth
    shrinking = ValueInputs(Decimal("0"), Decimal("0"), Decimal("10000"), Decimal("30000"))
    assert customer_value(shrinking) == Decimal("10000.00")
    assert months_back(date(2026, 1, 15), 1) == "2025-12"
    assert months_back(date(2026, 1, 15), -1) == "2026-02"


def test_R_M6_top_fifth_and_suggested_importance():
    from services.customer.domain.classification import Importance
    from services.customer.domain.value import suggested_importance, top_fifth

    ranked = [f"c{i}" for i in range(10)]
    assert top_fifth(ranked) == {"c0", "c1"}
    assert top_fifth(["only"]) == {"only"}
    assert [suggested_importance(i, 10) for i in (0, 1, 2, 4, 5)] == [
        Importance.CORE,
        Importance.CORE,
        Importance.IMPORTANT,
        Importance.IMPORTANT,
        Importance.ORDINARY,
    ]


def test_R_D1_segment_score_and_ideal_targets():
    from services.customer.domain.pipeline import is_ideal, segment_score

    assert segment_score(8, 6, 7, 3) == Decimal("6.00")
    with pytest.raises(RuleViolation):
        segment_score(11, 0, 0, 0)
    assert is_ideal(True, True, True)
    assert not is_ideal(True, True, False)


def test_R_D1_targets_move_forward_won_after_a_proposal_and_final_stays_final():
    from services.customer.domain.pipeline import Stage, advance
    from shared.errors import Conflict

    assert advance(Stage.TARGET, Stage.VISITED) is Stage.VISITED
    assert advance(Stage.CONTACTED, Stage.LOST) is Stage.LOST
    with pytest.raises(RuleViolation, match="back"):
        advance(Stage.VISITED, Stage.CONTACTED)
    with pytest.raises(RuleViolation, match="proposal"):
        advance(Stage.VISITED, Stage.WON)
    assert advance(Stage.PROPOSAL, Stage.WON) is Stage.WON
    with pytest.raises(Conflict):
        advance(Stage.WON, Stage.LOST)
