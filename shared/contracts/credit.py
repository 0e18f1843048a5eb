"""Credit recommendations to risk, decisions back, reports routed by event (R-R2..R-R4, R-W3)."""

from datetime import date

from pydantic import Field

from shared.contracts.base import Payload
from shared.money import Money

Id = Field(min_length=1, max_length=64)


class ReportSubmitted(Payload):
    """R-W3: a CM submitted a report; `routed_to` names the departments that should read it."""

    report_id: str = Id
    customer_id: str = Id
    kind: str
    title: str = Field(max_length=200)
    version: int = Field(ge=1)
    supersedes_id: str | None = None
    routed_to: tuple[str, ...]
    author: str = Id


class CreditRecommendationSubmitted(Payload):
    """R-R2: a CM recommends credit for a customer; risk control decides (key: customer id)."""

    recommendation_id: str = Id
    customer_id: str = Id
    author: str = Id
    cosigned_by: str | None = None
    product: str = Field(min_length=1, max_length=64)
    amount: Money
    term_months: int = Field(ge=1, le=600)
    purpose: str = Field(max_length=1000)
    rationale: str = Field(max_length=20000)
    report_ids: tuple[str, ...] = ()


class CreditRecommendationAnswered(Payload):
    """R-R4: the CM answered a question from risk."""

    recommendation_id: str = Id
    question_id: int
    answer: str = Field(max_length=20000)


class CreditQuestion(Payload):
    """R-R4: a question with a due date."""

    question: str = Field(min_length=1, max_length=4000)
    due_date: date


class CreditDecisionMade(Payload):
    """R-R2: the risk department's decision (published by risk on `risk.credit-decisions`)."""

    recommendation_id: str = Id
    decision: str = Field(pattern="^(approved|declined|more_information)$")
    approved_amount: Money | None = None
    credit_line: Money | None = None
    reason: str = Field(default="", max_length=4000)
    questions: tuple[CreditQuestion, ...] = Field(default=(), max_length=50)
