"""Appraisal rules without I/O: attribution, pay, scores, proposals, cycles (R-A1..R-A4, R-P1..R-P3, R-Q8)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.appraisal.domain.attribution import (
    Assignment,
    attribute,
    check_allocation,
    split_largest_remainder,
)
from services.appraisal.domain.cycle import (
    CycleStatus,
    auto_open_due,
    check_before_deadline,
    check_can_open,
    check_editable,
    check_year,
)
from services.appraisal.domain.evaluation import (
    Criterion,
    Source,
    combined_score,
    draw_sample,
    evaluation_score,
    missing_evaluations,
)
from services.appraisal.domain.grading import GradeTerms, ProposalKind, propose
from services.appraisal.domain.pay import (
    GradeTime,
    LossPolicy,
    YearTerms,
    check_in_kind,
    pay_sheet,
    year_terms,
)
from shared.errors import Conflict, RuleViolation

D = Decimal

weights = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.decimals(min_value=D("0.01"), max_value=D("100"), places=2),
    min_size=1,
    max_size=6,
)


@given(total=st.integers(min_value=-(10**12), max_value=10**12), shares=weights)
def test_R_A4_largest_remainder_never_creates_or_loses_a_fen(total, shares):
    parts = split_largest_remainder(total, shares)
    assert sum(parts.values()) == total
    assert set(parts) == set(shares)
    weight_sum = sum(shares.values())
    for key, part in parts.items():
        exact = D(total) * shares[key] / weight_sum
        assert abs(D(part) - exact) < 1


def test_R_A4_remainders_go_to_the_largest_fractions_then_by_name():
    assert split_largest_remainder(100, {"a": D(1), "b": D(1), "c": D(1)}) == {"a": 34, "b": 33, "c": 33}
    assert split_largest_remainder(-100, {"a": D(1), "b": D(1), "c": D(1)}) == {"a": -34, "b": -33, "c": -33}
    assert split_largest_remainder(10, {"a": D(15), "b": D(85)}) == {"a": 2, "b": 8}
    assert split_largest_remainder(1001, {"x": D("33.33"), "y": D("33.33"), "z": D("33.34")}) == {
        "x": 334,
        "y": 333,
        "z": 334,
    }


def test_R_A4_a_sole_cm_takes_all_shares_split_and_a_pool_goes_to_the_team():
    sole = attribute(12345, Assignment("m1", "shares", {}, None))
    assert sole.managers == {"m1": 12345}
    shared = attribute(10001, Assignment("m1", "shares", {"m1": D(60), "m2": D(40)}, None))
    assert shared.managers == {"m1": 6001, "m2": 4000}
    pooled = attribute(-500, Assignment("m1", "team_pool", {}, "t1"))
    assert (pooled.managers, pooled.team_id, pooled.team_fen) == ({}, "t1", -500)


def test_R_A4_a_pool_split_adds_up_exactly_and_names_only_members():
    check_allocation(D("100.00"), {"a": D("60.00"), "b": D("40.00")}, {"a", "b"})
    with pytest.raises(RuleViolation, match="must be equal"):
        check_allocation(D("100.00"), {"a": D("60.00"), "b": D("39.99")}, {"a", "b"})
    with pytest.raises(RuleViolation, match="not members"):
        check_allocation(D("100.00"), {"a": D("60.00"), "z": D("40.00")}, {"a", "b"})


def test_R_P1_floating_pay_has_no_cap():
    sheet = pay_sheet(D("98765432.10"), YearTerms.whole_year(D("0.03"), D("12000")), D("0"), LossPolicy.ZERO)
    assert sheet.floating_pay == D("2962962.96")
    assert sheet.fixed_pay == D("144000.00")
    assert sheet.net_pay == D("3106962.96")


def test_R_P1_a_grade_changed_mid_year_weights_rate_and_fixed_pay_by_the_days_held():
    cm = GradeTime("cm", 31, D("0.0250"), D("6000"))
    senior = GradeTime("senior", 334, D("0.0400"), D("9000"))
    terms = year_terms([cm, senior], 365)
    # (0.025 x 31 + 0.04 x 334) / 365 = 0.038726...; fixed 72,000 x 31/365 + 108,000 x 334/365
    assert terms.floating_rate == D("0.038726")
    assert terms.fixed_pay == D("104942.47")
    sheet = pay_sheet(D("100000.00"), terms, D("0"), LossPolicy.ZERO)
    assert sheet.floating_pay == D("3872.60")
    assert sheet.explanation.startswith("rate 0.038726 weighted by days held (cm 31 days at 0.0250")
    assert "fixed for 365 of 365 days" in sheet.explanation


def test_R_P1_a_cm_hired_mid_year_gets_the_full_rate_and_fixed_pay_for_the_days_on_post():
    terms = year_terms(
        [GradeTime("trainee", 0, D("0.01"), D("1")), GradeTime("cm", 184, D("0.025"), D("6000"))], 365
    )
    assert terms.floating_rate == D("0.025000")
    assert terms.fixed_pay == D("36295.89")  # 72,000 x 184 / 365
    assert year_terms([GradeTime("cm", 365, D("0.025"), D("6000"))], 365) == YearTerms.whole_year(
        D("0.025"), D("6000")
    )
    with pytest.raises(RuleViolation):
        year_terms([], 365)


def test_R_P1_a_loss_pays_no_floating_pay_by_default():
    sheet = pay_sheet(D("-5000.00"), YearTerms.whole_year(D("0.03"), D("8000")), D("0"), LossPolicy.ZERO)
    assert (sheet.floating_pay, sheet.carried_loss_out) == (D("0.00"), D("0.00"))


def test_R_P1_a_loss_can_be_carried_forward_and_offset_next_year():
    loss = pay_sheet(
        D("-5000.00"), YearTerms.whole_year(D("0.03"), D("8000")), D("0"), LossPolicy.CARRY_FORWARD
    )
    assert loss.carried_loss_out == D("-5000.00")
    carry = LossPolicy.CARRY_FORWARD
    next_year = pay_sheet(
        D("12000.00"), YearTerms.whole_year(D("0.03"), D("8000")), D("0"), carry, D("-5000.00")
    )
    assert next_year.pay_base == D("7000.00")
    assert next_year.floating_pay == D("210.00")
    assert "carried in" in next_year.explanation


def test_R_P2_overspend_is_deducted_and_net_pay_may_fall_below_fixed_pay():
    sheet = pay_sheet(D("1000.00"), YearTerms.whole_year(D("0.02"), D("100")), D("1500.00"), LossPolicy.ZERO)
    assert sheet.net_pay == D("1200.00") + D("20.00") - D("1500.00")
    with pytest.raises(RuleViolation):
        pay_sheet(D("1000.00"), YearTerms.whole_year(D("0.02"), D("100")), D("-1"), LossPolicy.ZERO)


def test_R_P3_pay_in_kind_is_positive_and_within_the_floating_pay():
    check_in_kind(D("1000.00"), [D("400.00")], D("600.00"))
    with pytest.raises(RuleViolation, match="exceed"):
        check_in_kind(D("1000.00"), [D("400.00")], D("600.01"))
    with pytest.raises(RuleViolation):
        check_in_kind(D("1000.00"), [], D("0"))


def test_R_A3_evaluation_and_combined_scores_use_the_configured_weights():
    criteria = {"performance": D("0.4"), "ability": D("0.3"), "quality": D("0.3")}
    scores = {Criterion.PERFORMANCE: D(90), Criterion.ABILITY: D(80), Criterion.QUALITY: D(70)}
    assert evaluation_score(scores, criteria) == D("81.00")
    with pytest.raises(RuleViolation, match="between 0 and 100"):
        evaluation_score({**scores, Criterion.QUALITY: D("100.01")}, criteria)
    sources = {"self": D("0.2"), "customer": D("0.3"), "supervisor": D("0.5"), "colleague": D("0")}
    by_source = {Source.SELF: D(100), Source.CUSTOMER: D(80), Source.SUPERVISOR: D(60)}
    by_source[Source.COLLEAGUE] = D(0)
    assert combined_score(by_source, sources) == D("74.00")
    assert combined_score({Source.SUPERVISOR: D(60)}, sources) == D("60.00")
    assert combined_score({}, sources) is None


def test_R_A3_the_customer_sample_is_reproducible_from_its_seed():
    customers = [f"c{i}" for i in range(50)]
    first = draw_sample("seed-1", "m1", customers, 5)
    assert first == draw_sample("seed-1", "m1", reversed(customers), 5)
    assert len(first) == 5
    assert set(first) <= set(customers)
    assert first != draw_sample("seed-2", "m1", customers, 5)
    assert draw_sample("s", "m1", ["a", "b"], 5) == ["a", "b"]
    assert draw_sample("s", "m1", [], 3) == []


def test_R_A3_missing_lists_self_supervisor_and_each_sampled_customer():
    missing = missing_evaluations("m1", {Source.CUSTOMER: {"c1"}}, ["c1", "c2"])
    assert [(m.source, m.evaluator) for m in missing] == [
        (Source.SELF, "m1"),
        (Source.SUPERVISOR, None),
        (Source.CUSTOMER, "c2"),
    ]
    complete = {Source.SELF: {"m1"}, Source.SUPERVISOR: {"s"}, Source.CUSTOMER: {"c1", "c2"}}
    assert missing_evaluations("m1", complete, ["c1", "c2"]) == []


LADDER = [
    GradeTerms("senior", 1, 1, D(12000), D("0.03"), D(80), D(2_000_000), D(85), D(2_500_000)),
    GradeTerms("cm", 2, 1, D(8000), D("0.025"), D(70), D(800_000), D(75), D(1_000_000)),
    GradeTerms("trainee", 3, 1, D(5000), D("0.015"), D(60), D(100_000), D(60), D(0)),
]


@pytest.mark.parametrize(
    ("grade", "score", "profit", "kind"),
    [
        ("cm", D(90), D(3_000_000), ProposalKind.PROMOTE),
        ("cm", D(84), D(3_000_000), ProposalKind.KEEP),
        ("cm", D(72), D(900_000), ProposalKind.KEEP),
        ("cm", D(72), D(700_000), ProposalKind.DEMOTE),
        ("trainee", D(59), D(200_000), ProposalKind.REMOVE),
        ("trainee", D(80), D(1_000_000), ProposalKind.PROMOTE),
        ("senior", D(99), D(9_000_000), ProposalKind.KEEP),
        ("senior", D(79), D(9_000_000), ProposalKind.DEMOTE),
        ("cm", None, D(9_000_000), ProposalKind.KEEP),
    ],
)
def test_R_Q8_results_against_own_and_next_grade_standards(grade, score, profit, kind):
    proposed, reason = propose(LADDER, grade, score, profit)
    assert proposed is kind
    assert reason


def test_R_A1_a_cycle_appraises_a_past_year_only():
    check_year(2025, date(2026, 1, 5))
    for year in (2026, 2027):
        with pytest.raises(RuleViolation, match="has not ended"):
            check_year(year, date(2026, 1, 5))


def test_R_A1_one_open_cycle_per_year_and_corrections_after_finalizing():
    assert check_can_open([]) == 1
    with pytest.raises(Conflict, match="already open"):
        check_can_open([(1, "open")])
    with pytest.raises(Conflict, match="correction"):
        check_can_open([(1, "finalized")])
    with pytest.raises(Conflict, match="immutable"):
        check_editable(CycleStatus.FINALIZED)
    with pytest.raises(Conflict, match="deadline"):
        check_before_deadline(date(2026, 1, 25), date(2026, 1, 26))


def test_R_A1_cycles_open_automatically_on_the_configured_january_day():
    assert auto_open_due(date(2026, 1, 4), 1, 5) is None
    assert auto_open_due(date(2026, 1, 5), 1, 5) == 2025
    assert auto_open_due(date(2026, 3, 1), 1, 5) == 2025
