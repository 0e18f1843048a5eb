"""Visits, visit plans, satisfaction and daily reports (R-D2, R-D3, R-M1..R-M5, R-W4)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.customer.domain.visits import Priority, VisitKind

Text = Field(default="", max_length=4000)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attendee(_Strict):
    """Who goes, and in what role (R-D2)."""

    manager_id: str = Field(min_length=1, max_length=64)
    role: str = Field(min_length=1, max_length=100)


class SalesPlan(_Strict):
    """R-D2: the plan made before a sales visit."""

    preliminary_value_assessment: str = Field(min_length=1, max_length=4000)
    attendees: list[Attendee] = Field(min_length=1, max_length=10)
    scheduled_for: AwareDatetime
    method: str = Field(min_length=1, max_length=200)
    questions: list[str] = Field(default_factory=list, max_length=30)
    customer_needs: str = Text
    materials: list[str] = Field(default_factory=list, max_length=30)
    expected_questions: list[str] = Field(default_factory=list, max_length=30)


class SalesRecord(_Strict):
    """R-D3: what happened at a sales visit."""

    introductions_made: bool
    rapport: str = Text
    motives: list[Literal["more_profit", "new_technology", "new_information"]] = Field(default_factory=list)
    qualified_as: Literal["prime", "ordinary"]
    pitch: str = Text
    agreement_checked: bool
    materials_exchanged: list[str] = Field(default_factory=list, max_length=30)
    next_meeting: AwareDatetime | None = None
    next_attendees: list[str] = Field(default_factory=list, max_length=10)


class MaintenanceRecord(_Strict):
    """R-M3: the maintenance-visit checklist; the next visit date is fixed before leaving."""

    greeted: bool
    summarized_agreement: bool
    asked_satisfaction: bool
    stated_objectives: bool
    listened: bool
    asked_comments: bool
    problems_found: str = Text
    data_discussed: str = Text
    cross_sell_opportunities: str = Text
    next_visit_on: date


class PhoneRecord(_Strict):
    """R-M1: a phone contact; it never fully replaces a visit."""

    summary: str = Field(min_length=1, max_length=4000)


class VisitCreate(_Strict):
    """File a visit report right after the visit (R-M2); to correct one, supersede it (R-R3)."""

    kind: VisitKind
    occurred_at: AwareDatetime
    sales_plan: SalesPlan | None = None
    sales: SalesRecord | None = None
    maintenance: MaintenanceRecord | None = None
    phone: PhoneRecord | None = None
    satisfaction: int | None = Field(default=None, ge=1, le=5, description="R-M5: 1 (very unhappy) to 5")
    supersedes_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _record_matches_kind(self) -> Self:
        given = {k for k in ("sales", "maintenance", "phone") if getattr(self, k) is not None}
        if given != {self.kind.value}:
            raise ValueError(f"a {self.kind.value} visit carries exactly its own record ({self.kind.value})")
        if self.kind is VisitKind.SALES and self.sales_plan is None:
            raise ValueError("a sales visit needs its R-D2 plan")
        if self.kind is not VisitKind.SALES and self.sales_plan is not None:
            raise ValueError("only a sales visit has a sales plan")
        return self


class VisitRead(BaseModel):
    """A filed visit report."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_id: str
    manager_id: str
    kind: VisitKind
    occurred_at: datetime
    plan: dict[str, object]
    record: dict[str, object]
    satisfaction: int | None
    version: int
    supersedes_id: str | None
    superseded: bool
    filed_at: datetime


class DueRead(BaseModel):
    """R-M4: when a customer's next visit is due."""

    customer_id: str
    name: str
    importance: str
    branch: str | None
    managers: list[str]
    last_visit: date | None
    next_due: date
    overdue: bool


class SatisfactionRead(BaseModel):
    """R-M5: scores, the rolling average and whether it is below the warning threshold."""

    customer_id: str
    scores: list[int]
    rolling_average: Decimal | None
    threshold: Decimal
    warning: bool


class TaskPlan(_Strict):
    """R-W4: one task of the day."""

    description: str = Field(min_length=1, max_length=1000)
    priority: Priority
    customer_id: str | None = Field(default=None, max_length=64)
    expected_result: str = Field(default="", max_length=1000)


class DayPlan(_Strict):
    """R-W4: the morning plan."""

    tasks: list[TaskPlan] = Field(min_length=1, max_length=50)


class TaskOutcome(_Strict):
    """R-W4: what happened to one planned task."""

    task: int = Field(ge=0, lt=50)
    done: bool
    result: str = Field(default="", max_length=2000)


class DayOutcome(_Strict):
    """R-W4: the evening report."""

    outcomes: list[TaskOutcome] = Field(max_length=50)


class DailyReportRead(BaseModel):
    """A CM's day."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    day: date
    plan: list[dict[str, object]]
    planned_at: datetime
    outcome: list[dict[str, object]] | None
    reported_at: datetime | None
