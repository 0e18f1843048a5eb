"""Reports and credit recommendations (R-W3, R-R2, R-R3, R-R4, R-I1): a CM recommends, risk decides."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from shared.errors import Conflict, Forbidden, RuleViolation


class ReportKind(StrEnum):
    """R-W3 reports a CM writes."""

    COMPREHENSIVE_EVALUATION = "comprehensive_evaluation"
    RISK_ANALYSIS = "risk_analysis"
    BUSINESS_PROPOSAL = "business_proposal"
    RISK_CONTROL = "risk_control"


DEPARTMENTS_OF_REPORTS = ("risk", "product", "management")
"""R-W3: every report a CM writes goes to risk control, the product departments and general management."""

ROUTES: dict[ReportKind, tuple[str, ...]] = {kind: DEPARTMENTS_OF_REPORTS for kind in ReportKind}


class RecommendationStatus(StrEnum):
    """Where a credit recommendation stands."""

    AWAITING_COSIGN = "awaiting_cosign"
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    DECLINED = "declined"


class Decision(StrEnum):
    """What the risk department decided (R-R2)."""

    APPROVED = "approved"
    DECLINED = "declined"
    MORE_INFORMATION = "more_information"


DECIDED = frozenset({RecommendationStatus.APPROVED, RecommendationStatus.DECLINED})


def check_author_serves(author: str, serving: set[str]) -> None:
    """R-R2/R-I1: only a CM serving the customer recommends business for it."""
    if author not in serving:
        raise Forbidden("customer.credit.not_serving")


def initial_status(amount: Decimal, authorization_limit: Decimal) -> RecommendationStatus:
    """R-I1: above the author's authorization limit a senior CM must co-sign before it goes to risk."""
    if amount <= 0:
        raise RuleViolation("customer.credit.amount_not_positive")
    return (
        RecommendationStatus.AWAITING_COSIGN
        if amount > authorization_limit
        else RecommendationStatus.SUBMITTED
    )


def cosign(
    status: RecommendationStatus, author: str, cosigner: str, cosigner_is_senior: bool
) -> RecommendationStatus:
    """R-I1: a senior CM other than the author co-signs; then it is submitted to risk."""
    if status is not RecommendationStatus.AWAITING_COSIGN:
        raise Conflict("customer.credit.no_cosign_needed", status=status.value)
    if cosigner == author:
        raise Forbidden("customer.credit.author_cosigns")
    if not cosigner_is_senior:
        raise Forbidden("customer.credit.cosigner_not_senior")
    return RecommendationStatus.SUBMITTED


def decide(
    status: RecommendationStatus, author: str, decider: str, decision: Decision
) -> RecommendationStatus:
    """R-R2: risk decides a submitted recommendation; never the CM who recommended it."""
    if decider == author:
        raise Forbidden("customer.credit.decides_own")
    if status not in (RecommendationStatus.SUBMITTED, RecommendationStatus.INFO_REQUESTED):
        raise Conflict("customer.credit.not_decidable", status=status.value)
    return {
        Decision.APPROVED: RecommendationStatus.APPROVED,
        Decision.DECLINED: RecommendationStatus.DECLINED,
        Decision.MORE_INFORMATION: RecommendationStatus.INFO_REQUESTED,
    }[decision]


def is_overdue(due: date, answered: bool, today: date) -> bool:
    """R-R4: a question not answered by its due date is overdue."""
    return not answered and today > due
