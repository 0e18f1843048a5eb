"""Visits, visit plans, satisfaction and daily reports (R-D2, R-D3, R-M1..R-M5, R-W4)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.customer.domain.visits import Priority, VisitKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attendee(_Strict):
    """Who goes, and in what role (R-D2)."""

    manager_id: str = Field(description="A CM on the visit", examples=["m-2f1c"], min_length=1, max_length=64)
    role: str = Field(description="Their role on the visit", examples=["主谈"], min_length=1, max_length=100)


class SalesPlan(_Strict):
    """R-D2: the plan made before a sales visit."""

    preliminary_value_assessment: str = Field(
        description="Is it worth developing? (R-D2)",
        examples=["年销售额约三千万元，值得开发。"],
        min_length=1,
        max_length=4000,
    )
    attendees: list[Attendee] = Field(description="Who goes, with what role", min_length=1, max_length=10)
    scheduled_for: AwareDatetime = Field(
        description="When, with the offset", examples=["2026-04-10T09:30:00+08:00"]
    )
    method: str = Field(
        description="How (visit, meeting, event)", examples=["上门拜访"], min_length=1, max_length=200
    )
    questions: list[str] = Field(
        description="What to ask",
        examples=[["资金需求规模？", "现有合作银行？"]],
        default_factory=list,
        max_length=30,
    )
    customer_needs: str = Field(
        default="", max_length=4000, description="What the customer most needs", examples=["流动资金贷款"]
    )
    materials: list[str] = Field(
        description="What to present and hand over",
        examples=[["农户小额贷款产品手册"]],
        default_factory=list,
        max_length=30,
    )
    expected_questions: list[str] = Field(
        description="Likely questions and answers",
        examples=[["利率多少？——执行本社2026年定价。"]],
        default_factory=list,
        max_length=30,
    )


class SalesRecord(_Strict):
    """R-D3: what happened at a sales visit."""

    introductions_made: bool = Field(description="Greeting and introductions done", examples=[True])
    rapport: str = Field(
        default="", max_length=4000, description="How rapport was built", examples=["共同回顾当地茶叶市场。"]
    )
    motives: list[Literal["more_profit", "new_technology", "new_information"]] = Field(
        description="The customer's motives", examples=[["more_profit"]], default_factory=list
    )
    qualified_as: Literal["prime", "ordinary"] = Field(
        description="Prime or ordinary customer (R-D3)", examples=["prime"]
    )
    pitch: str = Field(
        default="", max_length=4000, description="What was proposed", examples=["三年期流动资金贷款。"]
    )
    agreement_checked: bool = Field(description="Agreement was checked", examples=[True])
    materials_exchanged: list[str] = Field(
        description="Materials exchanged", examples=[["营业执照复印件"]], default_factory=list, max_length=30
    )
    next_meeting: AwareDatetime | None = Field(
        default=None, description="The next meeting, with the offset", examples=["2026-04-24T14:00:00+08:00"]
    )
    next_attendees: list[str] = Field(
        description="Who attends the next meeting", examples=[["m-2f1c"]], default_factory=list, max_length=10
    )


class MaintenanceRecord(_Strict):
    """R-M3: the maintenance-visit checklist; the next visit date is fixed before leaving."""

    greeted: bool = Field(description="Greeted the customer", examples=[True])
    summarized_agreement: bool = Field(description="Summarized the existing agreement", examples=[True])
    asked_satisfaction: bool = Field(description="Asked about satisfaction", examples=[True])
    stated_objectives: bool = Field(description="Stated the visit's objectives", examples=[True])
    listened: bool = Field(description="Listened to the customer", examples=[True])
    asked_comments: bool = Field(description="Asked for comments on operations", examples=[True])
    problems_found: str = Field(
        default="", max_length=4000, description="Problems found", examples=["结算到账偏慢。"]
    )
    data_discussed: str = Field(
        default="",
        max_length=4000,
        description="Data discussed and given",
        examples=["近三个月存款日均余额。"],
    )
    cross_sell_opportunities: str = Field(
        default="", max_length=4000, description="Chances to sell more", examples=["可办理代发工资业务。"]
    )
    next_visit_on: date = Field(
        description="The next visit's date, fixed before leaving", examples=["2026-05-20"]
    )


class PhoneRecord(_Strict):
    """R-M1: a phone contact; it never fully replaces a visit."""

    summary: str = Field(
        description="What was said",
        examples=["电话回访，客户对贷款发放速度满意。"],
        min_length=1,
        max_length=4000,
    )


class VisitCreate(_Strict):
    """File a visit report right after the visit (R-M2); to correct one, supersede it (R-R3)."""

    kind: VisitKind = Field(examples=["maintenance"])
    occurred_at: AwareDatetime = Field(
        description="When the visit took place, with the offset", examples=["2026-04-10T10:15:00+08:00"]
    )
    sales_plan: SalesPlan | None = Field(default=None, description="The plan of a first sales visit (R-D2)")
    sales: SalesRecord | None = Field(default=None, description="The sales-visit record (R-D3)")
    maintenance: MaintenanceRecord | None = Field(
        default=None, description="The maintenance-visit checklist (R-M3)"
    )
    phone: PhoneRecord | None = Field(default=None, description="The phone contact (R-M1)")
    satisfaction: int | None = Field(
        examples=[4], default=None, ge=1, le=5, description="R-M5: 1 (very unhappy) to 5"
    )
    supersedes_id: str | None = Field(
        description="The report this version corrects (R-R3)",
        examples=["v-77a1"],
        default=None,
        max_length=64,
    )

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
    filed_late: bool = Field(
        default=False, description="R-M2: filed later than the cooperative's delay after the visit (flagged)"
    )


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

    description: str = Field(
        description="The task",
        examples=["走访绿野家庭农场，了解春耕资金需求。"],
        min_length=1,
        max_length=1000,
    )
    priority: Priority = Field(examples=["primary"])
    customer_id: str | None = Field(
        description="The customer, if any", examples=["c-8e21"], default=None, max_length=64
    )
    expected_result: str = Field(
        description="The result expected", examples=["确认贷款金额与期限。"], default="", max_length=1000
    )


class DayPlan(_Strict):
    """R-W4: the morning plan."""

    tasks: list[TaskPlan] = Field(description="Today's tasks by priority (R-W4)", min_length=1, max_length=50)


class TaskOutcome(_Strict):
    """R-W4: what happened to one planned task."""

    task: int = Field(
        description="The planned task's position in the plan (0 first)", examples=[0], ge=0, lt=50
    )
    done: bool = Field(description="Whether it was done", examples=[True])
    result: str = Field(
        description="What came of it", examples=["客户同意下周提交贷款资料。"], default="", max_length=2000
    )


class DayOutcome(_Strict):
    """R-W4: the evening report."""

    outcomes: list[TaskOutcome] = Field(description="What happened to each planned task", max_length=50)


class DailyReportRead(BaseModel):
    """A CM's day."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    day: date
    plan: list[dict[str, object]]
    planned_at: datetime
    outcome: list[dict[str, object]] | None
    reported_at: datetime | None
