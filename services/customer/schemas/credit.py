"""Reports and credit recommendations (R-W3, R-R2..R-R4)."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.customer.domain.credit import RecommendationStatus, ReportKind
from shared.money import Money


class ReportCreate(BaseModel):
    """Submit a report; to correct one, submit a new version that supersedes it (R-R3)."""

    model_config = ConfigDict(extra="forbid")

    kind: ReportKind = Field(examples=["risk_analysis"])
    title: str = Field(
        description="The report's title", examples=["绿野家庭农场风险分析报告"], min_length=1, max_length=200
    )
    body: str = Field(
        description="The report's text",
        examples=["一、基本情况……二、风险分析……"],
        min_length=1,
        max_length=100_000,
    )
    supersedes_id: str | None = Field(
        description="The report this version corrects (R-R3)",
        examples=["r-51d2"],
        default=None,
        max_length=64,
    )


class ReportRead(BaseModel):
    """A submitted report, immutable."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_id: str
    kind: ReportKind
    title: str
    body: str
    version: int
    supersedes_id: str | None
    routed_to: list[str]
    author: str
    submitted_at: datetime


class RecommendationCreate(BaseModel):
    """Recommend credit for a customer the CM serves (R-R2)."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field(
        description="The product recommended", examples=["farm_loan"], min_length=1, max_length=64
    )
    amount: Money = Field(description="Amount in yuan, a string with two decimals", examples=["300000.00"])
    term_months: int = Field(description="Term in months", examples=[12], ge=1, le=600)
    purpose: str = Field(
        description="What the money is for", examples=["购置春耕化肥及农机。"], min_length=1, max_length=1000
    )
    rationale: str = Field(
        description="Why the CM recommends it",
        examples=["客户经营稳定，近三年无不良记录。"],
        min_length=1,
        max_length=20_000,
    )
    report_ids: list[str] = Field(
        description="Reports supporting it (R-W3)", examples=[["r-51d2"]], default_factory=list, max_length=20
    )


class QuestionRead(BaseModel):
    """A question from risk and its answer (R-R4)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    recommendation_id: str
    question: str
    due_date: date
    asked_at: datetime
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None
    overdue: bool = False


class RecommendationRead(BaseModel):
    """A recommendation, its co-sign and the decision of risk."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_id: str
    author: str
    product: str
    amount: Money
    term_months: int
    purpose: str
    rationale: str
    report_ids: list[str]
    authorization_limit: Money
    status: RecommendationStatus
    cosigned_by: str | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    approved_amount: Money | None
    credit_line: Money | None
    decision_reason: str | None
    questions: list[QuestionRead] = Field(default_factory=list)


class AnswerCreate(BaseModel):
    """Answer one question from risk."""

    model_config = ConfigDict(extra="forbid")

    question_id: int = Field(
        description="The question of risk or a product department being answered",
        examples=[3],
        ge=1,
        le=2**63 - 1,
    )
    answer: str = Field(
        description="The CM's answer",
        examples=["客户2025年销售收入较上年增长18%，附审计报表。"],
        min_length=1,
        max_length=20_000,
    )
