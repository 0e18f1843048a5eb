"""Issue 19: reports and credit recommendations decided in pure functions (R-W3, R-R2..R-R4, R-Q5, R-I1)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.customer.domain import credit as rules
from shared.errors import Conflict, Forbidden, RuleViolation

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
CM = rules.Author("cm", Decimal("500000"), frozenset({"loan"}))


def test_R_W3_R_R3_a_report_is_routed_and_a_correction_is_its_next_version():
    first = rules.file_report("c-1", rules.ReportKind.RISK_CONTROL, "m-1", {"m-1"}, None, None, NOW)
    assert (first.version, first.supersedes_id, first.submitted_at) == (1, None, NOW)
    assert set(first.routed_to) == {"risk", "product", "management"}
    prior = rules.PriorReport("r-1", "c-1", "risk_control", 1)
    fix = rules.file_report("c-1", rules.ReportKind.RISK_CONTROL, "m-1", {"m-1"}, prior, "r-1", NOW)
    assert (fix.version, fix.supersedes_id) == (2, "r-1")
    with pytest.raises(RuleViolation):
        rules.file_report("c-1", rules.ReportKind.RISK_ANALYSIS, "m-1", {"m-1"}, prior, "r-1", NOW)
    with pytest.raises(RuleViolation):
        rules.file_report("c-1", rules.ReportKind.RISK_CONTROL, "m-1", {"m-1"}, None, "r-9", NOW)
    with pytest.raises(Forbidden):
        rules.file_report("c-1", rules.ReportKind.RISK_CONTROL, "m-2", {"m-1"}, None, None, NOW)


def test_R_I1_above_the_authors_limit_a_recommendation_waits_for_a_cosign():
    within = rules.recommend("m-1", CM, {"m-1"}, {}, "c-1", "loan", Decimal("500000"))
    assert within.submitted
    above = rules.recommend("m-1", CM, {"m-1"}, {}, "c-1", "loan", Decimal("500000.01"))
    assert (above.status, above.authorization_limit) == (
        rules.RecommendationStatus.AWAITING_COSIGN,
        Decimal("500000"),
    )


def test_R_R2_R_Q5_only_a_serving_cm_recommends_a_product_of_their_grade_on_this_customers_reports():
    with pytest.raises(Forbidden):
        rules.recommend("m-2", CM, {"m-1"}, {}, "c-1", "loan", Decimal("1"))
    with pytest.raises(RuleViolation):
        rules.recommend("m-1", CM, {"m-1"}, {"r-1": "c-2"}, "c-1", "loan", Decimal("1"))
    with pytest.raises(Forbidden):
        rules.recommend("m-1", None, {"m-1"}, {}, "c-1", "loan", Decimal("1"))
    with pytest.raises(RuleViolation) as refused:
        rules.recommend("m-1", CM, {"m-1"}, {}, "c-1", "bond", Decimal("1"))
    assert refused.value.key == "customer.credit.product_not_allowed"
    anything = rules.Author("senior", Decimal("0"), frozenset())
    assert rules.recommend("m-1", anything, {"m-1"}, {}, "c-1", "bond", Decimal("1")).status is not None


def test_R_I1_a_cosigner_is_an_active_certified_senior():
    assert rules.is_senior("active", date(2026, 6, 1), True, NOW.date())
    assert not rules.is_senior("active", date(2026, 5, 31), True, NOW.date())
    assert not rules.is_senior("departure_pending", date(2027, 1, 1), True, NOW.date())
    assert not rules.is_senior("active", None, True, NOW.date())
    assert not rules.is_senior("active", date(2027, 1, 1), False, NOW.date())


def test_R_R2_risk_decides_never_the_author_and_an_approval_names_its_amount():
    submitted = rules.RecommendationStatus.SUBMITTED
    ok = rules.take_decision(submitted, "m-1", "risk-1", rules.Decision.APPROVED, Decimal("10"), None)
    assert (ok.status, ok.approved_amount) == (rules.RecommendationStatus.APPROVED, Decimal("10"))
    with pytest.raises(RuleViolation):
        rules.take_decision(submitted, "m-1", "risk-1", rules.Decision.APPROVED, None, None)
    with pytest.raises(Forbidden):
        rules.take_decision(submitted, "m-1", "m-1", rules.Decision.DECLINED, None, None)
    with pytest.raises(Conflict):
        rules.take_decision(
            rules.RecommendationStatus.DECLINED, "m-1", "r", rules.Decision.DECLINED, None, None
        )


def test_R_R4_a_question_is_answered_once_by_a_serving_cm():
    rules.check_answerable("m-1", {"m-1"}, answered=False)
    with pytest.raises(RuleViolation):
        rules.check_answerable("m-1", {"m-1"}, answered=True)
    with pytest.raises(Forbidden):
        rules.check_answerable("m-2", {"m-1"}, answered=False)
