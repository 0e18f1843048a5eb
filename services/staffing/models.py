"""Staffing tables."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.idempotency import define_idempotency_table
from shared.logins import define_login_links
from shared.tables import Hundredths, UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the staffing database."""


MESSAGING = define_messaging_tables(Base.metadata)
IDEMPOTENCY_KEYS = define_idempotency_table(Base.metadata)
LOGIN_LINKS = define_login_links(Base.metadata)  # a CM's login → manager id (issue 16)


class ManagerRow(Base):
    """A staff member: on the roll, on the CM post, leaving or gone. Versioned against lost writes."""

    __tablename__ = "managers"
    __table_args__ = (UniqueConstraint("org_id", "employee_no", name="uq_managers_org_employee_no"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    employee_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str | None] = mapped_column(String(32))
    branch: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    hire_date: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str | None] = mapped_column(String(16))
    health_attested: Mapped[bool] = mapped_column(default=False)
    ethics_attested: Mapped[bool] = mapped_column(default=False)
    bad_business_record: Mapped[bool] = mapped_column(default=False)
    certified_until: Mapped[date | None] = mapped_column(Date, index=True)
    certification_warned_for: Mapped[date | None] = mapped_column(Date)
    certification_expired_for: Mapped[date | None] = mapped_column(Date)
    departure_reason: Mapped[str | None] = mapped_column(String(1000))
    intended_last_day: Mapped[date | None] = mapped_column(Date)
    departure_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    departure_event_id: Mapped[str | None] = mapped_column(String(64), comment="the pending request's event")
    departed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    departure_audit_id: Mapped[str | None] = mapped_column(String(64))
    last_applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_expense_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}


class LadderVersionRow(Base):
    """One version of a cooperative's grade ladder, in force from a date (R-Q3..R-Q5)."""

    __tablename__ = "ladder_versions"
    __table_args__ = (UniqueConstraint("org_id", "version", name="uq_ladder_org_version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column()
    effective_from: Mapped[date] = mapped_column(Date)
    grades: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(1000))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApplicationRow(Base):
    """A qualification application and its review (R-Q1, R-Q2)."""

    __tablename__ = "qualification_applications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("managers.id"), index=True)
    target_grade: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    failed_conditions: Mapped[list[str]] = mapped_column(JSON)
    submitted_by: Mapped[str] = mapped_column(String(128))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_reason: Mapped[str | None] = mapped_column(String(1000))


class CertificationRow(Base):
    """An exam sitting: components, weighted score, pass mark, validity (R-Q6, R-Q7)."""

    __tablename__ = "certifications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(ForeignKey("managers.id"), index=True)
    grade: Mapped[str] = mapped_column(String(32))
    ladder_version: Mapped[int] = mapped_column()
    exam_date: Mapped[date] = mapped_column(Date)
    performance: Mapped[Decimal] = mapped_column(Hundredths())
    ability: Mapped[Decimal] = mapped_column(Hundredths())
    exam: Mapped[Decimal] = mapped_column(Hundredths())
    score: Mapped[Decimal] = mapped_column(Hundredths())
    pass_mark: Mapped[Decimal] = mapped_column(Hundredths())
    passed: Mapped[bool] = mapped_column()
    valid_until: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GradeProposalRow(Base):
    """A grade proposal from the appraisal, waiting for a second HR user (R-Q8)."""

    __tablename__ = "grade_proposals"
    __table_args__ = (UniqueConstraint("source_event_id", name="uq_grade_proposals_source"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(ForeignKey("managers.id"), index=True)
    year: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    from_grade: Mapped[str] = mapped_column(String(32))
    to_grade: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(1000))
    source_event_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_reason: Mapped[str | None] = mapped_column(String(1000))


class GradeChangeRow(Base):
    """Every grade change, kept forever: who, when, why (R-Q8)."""

    __tablename__ = "grade_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(ForeignKey("managers.id"), index=True)
    from_grade: Mapped[str | None] = mapped_column(String(32))
    to_grade: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(1000))
    proposal_id: Mapped[str | None] = mapped_column(String(64))
    changed_by: Mapped[str] = mapped_column(String(128))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TeamRow(Base):
    """A CM team led by a senior CM (R-C2)."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[str] = mapped_column(ForeignKey("managers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    dissolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TeamMemberRow(Base):
    """A CM in a team over a period (history kept)."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    manager_id: Mapped[str] = mapped_column(ForeignKey("managers.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ExpenseRow(Base):
    """A marketing expense a CM recorded (R-P2)."""

    __tablename__ = "expenses"
    __table_args__ = (Index("ix_expenses_manager_date", "manager_id", "spent_on"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(ForeignKey("managers.id"))
    category: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Hundredths())
    spent_on: Mapped[date] = mapped_column(Date)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    receipt_ref: Mapped[str | None] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BudgetRow(Base):
    """A budget HR set for a grade, year and category, overriding the ladder (R-P2)."""

    __tablename__ = "expense_budgets"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    grade: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Hundredths())
    reason: Mapped[str] = mapped_column(String(1000))
    set_by: Mapped[str] = mapped_column(String(128))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ExpenseYearRow(Base):
    """A closed expense year: overspend was published for the appraisal (R-P2)."""

    __tablename__ = "expense_years"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    closed_by: Mapped[str] = mapped_column(String(128))
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ServedCustomerRow(Base):
    """Who serves a customer now, as customer service published it on `customer.customers` (R-P2)."""

    __tablename__ = "served_customers"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    manager_ids: Mapped[list[str]] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OfficeVersionRow(Base):
    """An office's place in the cooperative's tree from a date (cooperative → branches → outlets)."""

    __tablename__ = "office_versions"
    __table_args__ = (UniqueConstraint("org_id", "office_id", "effective_from", name="uq_office_version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    office_id: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    effective_from: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OfficeStaffRow(Base):
    """The office a user (staff, CM, supervisor) belongs to, and how far their data scope reaches."""

    __tablename__ = "office_staff"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64), index=True)
    scope: Mapped[str] = mapped_column(String(16), default="default")
    assigned_by: Mapped[str] = mapped_column(String(128))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
