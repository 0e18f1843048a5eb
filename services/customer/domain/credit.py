"""Reports and credit recommendations (R-W3, R-R2, R-R3, R-R4, R-I1): a CM recommends, risk decides."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from services.customer.domain.assignment import check_product
from shared.errors import Conflict, Forbidden, NotFound, RuleViolation


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


@dataclass(frozen=True)
class PriorReport:
    """The report a correction supersedes, as stored."""

    report_id: str
    customer_id: str
    kind: str
    version: int


@dataclass(frozen=True)
class ReportFiled:
    """R-W3/R-R3: a report to store immutably and route by event; a correction is its next version."""

    customer_id: str
    kind: ReportKind
    version: int
    supersedes_id: str | None
    routed_to: tuple[str, ...]
    author: str
    submitted_at: datetime


def file_report(
    customer_id: str,
    kind: ReportKind,
    author: str,
    serving: set[str],
    corrects: PriorReport | None,
    corrects_id: str | None,
    now: datetime,
) -> ReportFiled:
    """R-W3: a serving CM files a report; a correction names an earlier one of the same customer and kind."""
    check_author_serves(author, serving)
    version, supersedes = 1, None
    if corrects_id is not None:
        if corrects is None or corrects.customer_id != customer_id or corrects.kind != kind.value:
            raise RuleViolation("customer.report.correction_mismatch")
        version, supersedes = corrects.version + 1, corrects.report_id
    return ReportFiled(customer_id, kind, version, supersedes, ROUTES[kind], author, now)


@dataclass(frozen=True)
class Author:
    """The recommending CM as customer service knows them: grade, its limit and products in force."""

    grade: str
    authorization_limit: Decimal
    products: frozenset[str]


@dataclass(frozen=True)
class Recommended:
    """R-R2/R-I1: a new recommendation: submitted to risk now, or waiting for a senior co-sign."""

    status: RecommendationStatus
    authorization_limit: Decimal

    @property
    def submitted(self) -> bool:
        """True when it goes to risk at once (`credit-recommendation.submitted`)."""
        return self.status is RecommendationStatus.SUBMITTED


def recommend(
    author_id: str,
    author: Author | None,
    serving: set[str],
    report_customers: Mapping[str, str | None],
    customer_id: str,
    product: str,
    amount: Decimal,
) -> Recommended:
    """R-R2, R-Q5, R-I1: a serving CM, this customer's reports, a product of their grade, the co-sign."""
    check_author_serves(author_id, serving)
    for report_id, owner in report_customers.items():
        if owner != customer_id:
            raise RuleViolation("customer.report.other_customer", report_id=report_id)
    if author is None:
        raise Forbidden("customer.credit.cm_only")
    check_product(author.grade, author.products, product)
    return Recommended(initial_status(amount, author.authorization_limit), author.authorization_limit)


def is_senior(status: str, certified_until: date | None, may_lead_teams: bool, today: date) -> bool:
    """R-I1: a co-signer is an active, certified CM whose grade in force may lead teams."""
    return status == "active" and certified_until is not None and certified_until >= today and may_lead_teams


@dataclass(frozen=True)
class RiskDecided:
    """R-R2: risk's decision on a recommendation, with the amount and line when approved."""

    status: RecommendationStatus
    approved_amount: Decimal | None
    credit_line: Decimal | None


def take_decision(
    status: RecommendationStatus,
    author: str,
    decider: str,
    decision: Decision,
    approved_amount: Decimal | None,
    credit_line: Decimal | None,
) -> RiskDecided:
    """R-R2: risk decides (never the author); an approval names its amount."""
    new = decide(status, author, decider, decision)
    if decision is not Decision.APPROVED:
        return RiskDecided(new, None, None)
    if approved_amount is None:
        raise RuleViolation("customer.credit.approval_without_amount")
    return RiskDecided(new, approved_amount, credit_line)


def check_answerable(author: str, serving: set[str], answered: bool) -> None:
    """R-R4: a serving CM answers a question from risk, once."""
    check_author_serves(author, serving)
    if answered:
        raise RuleViolation("customer.credit.question_answered")


def reads_report(departments: set[str], served: set[str], routed_to: list[str], customer_id: str) -> bool:
    """R-W3: a department reads the reports routed to it; a CM those of the customers they see."""
    return bool(departments.intersection(routed_to)) or customer_id in served


def check_question_of(question_recommendation: str | None, recommendation_id: str, question_id: int) -> None:
    """R-R4: a CM answers a question risk asked on this very recommendation."""
    if question_recommendation != recommendation_id:
        raise NotFound(
            "customer.credit.question_not_found", question_id=question_id, rec_id=recommendation_id
        )
