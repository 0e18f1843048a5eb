"""Customer tables."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.cooperative_settings import define_cooperative_settings
from shared.idempotency import define_idempotency_table
from shared.logins import define_login_links
from shared.tables import Hundredths, UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the customer database."""


MESSAGING = define_messaging_tables(Base.metadata)
IDEMPOTENCY_KEYS = define_idempotency_table(Base.metadata)
LOGIN_LINKS = define_login_links(Base.metadata)  # a CM's login → manager id (issue 16)
COOPERATIVE_SETTINGS = define_cooperative_settings(Base.metadata)  # audit's, by effective date (ADR 0012)


class CustomerRow(Base):
    """A customer file and its roster line (R-C4), classification (R-C1, R-C3) and compliance."""

    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("org_id", "file_no", name="uq_customers_org_file_no"),
        UniqueConstraint("org_id", "external_id", name="uq_customers_org_external_id"),
        Index("ix_customers_org_id_document", "org_id", "id_document_hash"),
        # `q` searches prefixes by range; on PostgreSQL byte-wise ops so the range ignores the collation
        Index(
            "ix_customers_org_name_key",
            "org_id",
            "name_key",
            postgresql_ops={"name_key": "varchar_pattern_ops"},
        ),
        Index(
            "ix_customers_org_phone_key",
            "org_id",
            "phone_key",
            postgresql_ops={"phone_key": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    file_no: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(64), comment="core banking's customer number")
    name_key: Mapped[str] = mapped_column(
        String(200), default="", server_default="", comment="the name folded, for search"
    )
    phone_key: Mapped[str | None] = mapped_column(String(64), comment="the contact's digits reversed")
    id_document_hash: Mapped[str | None] = mapped_column(
        String(64), comment="HMAC-SHA256 of the ID-document number; never the number itself"
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    branch: Mapped[str | None] = mapped_column(String(64), index=True)
    office_id: Mapped[str | None] = mapped_column(
        String(64), index=True, comment="the office it belongs to; none: the cooperative's head office"
    )
    address: Mapped[str | None] = mapped_column(String(500))
    contact: Mapped[str | None] = mapped_column(String(200))
    relationship_evaluation: Mapped[str | None] = mapped_column(Text)
    cooperation_direction: Mapped[str | None] = mapped_column(Text)
    importance: Mapped[str] = mapped_column(String(16), default="ordinary")
    deposit_balance: Mapped[Decimal | None] = mapped_column(Hundredths())
    loan_balance: Mapped[Decimal | None] = mapped_column(Hundredths())
    overdue_balance: Mapped[Decimal | None] = mapped_column(Hundredths())
    balances_as_of: Mapped[datetime | None] = mapped_column(UtcDateTime())
    classification: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    team_id: Mapped[str | None] = mapped_column(String(64))
    attribution_mode: Mapped[str] = mapped_column(String(16), default="shares")
    compliant: Mapped[bool] = mapped_column(default=True)
    compliance_issues: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(128))
    row_version: Mapped[int] = mapped_column(default=1)
    assignments: Mapped[list["AssignmentRow"]] = relationship(
        back_populates="customer", lazy="selectin", cascade="all, delete-orphan", order_by="AssignmentRow.id"
    )

    __mapper_args__ = {"version_id_col": row_version}


class AssignmentRow(Base):
    """A CM serving a customer over a period, with a profit share (R-A4); history is never deleted."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    share: Mapped[Decimal | None] = mapped_column(Hundredths())
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    changed_by: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(String(1000))
    customer: Mapped[CustomerRow] = relationship(back_populates="assignments")


class SectionRow(Base):
    """One version of one information section of the customer file (R-C6, R-R3)."""

    __tablename__ = "file_sections"
    __table_args__ = (UniqueConstraint("customer_id", "section", "version", name="uq_file_section_version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    section: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column()
    content: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(128))
    written_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ManagerProjectionRow(Base):
    """What customer service knows of each CM, rebuilt from `staffing.managers`."""

    __tablename__ = "manager_projection"

    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    employee_no: Mapped[str | None] = mapped_column(String(32), comment="as staffing published it")
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    certified_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LadderVersionRow(Base):
    """Every ladder version published, in force from its date (R-Q3); the projection holds today's."""

    __tablename__ = "ladder_versions"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date)
    grades: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    # When the customers were re-evaluated under it (R-Q3); None until its day came and they were.
    rechecked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class GradeProjectionRow(Base):
    """A grade of a cooperative's ladder in force, from `ladder.published` (R-Q5, R-C1)."""

    __tablename__ = "grade_projection"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    ladder_version: Mapped[int] = mapped_column()
    may_lead_teams: Mapped[bool] = mapped_column()
    customer_classes: Mapped[list[str]] = mapped_column(JSON)
    products: Mapped[list[str] | None] = mapped_column(JSON)
    authorization_limit: Mapped[Decimal] = mapped_column(Hundredths())


class TeamProjectionRow(Base):
    """A CM team as staffing last published it (R-C2)."""

    __tablename__ = "team_projection"

    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[str] = mapped_column(String(64))
    dissolved: Mapped[bool] = mapped_column(default=False)


class TeamMemberProjectionRow(Base):
    """A CM in a live team, as staffing last published it."""

    __tablename__ = "team_member_projection"

    team_id: Mapped[str] = mapped_column(ForeignKey("team_projection.team_id"), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class FileCounterRow(Base):
    """The last customer file number of each cooperative."""

    __tablename__ = "file_counters"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_no: Mapped[int] = mapped_column()


class ReportRow(Base):
    """A report on a customer (R-W3); immutable once submitted, corrected by a new version (R-R3)."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column()
    supersedes_id: Mapped[str | None] = mapped_column(String(64))
    routed_to: Mapped[list[str]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(128))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecommendationRow(Base):
    """A credit recommendation to the risk department (R-R2, R-I1) and its decision."""

    __tablename__ = "credit_recommendations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    author: Mapped[str] = mapped_column(String(64), index=True)
    product: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Hundredths())
    term_months: Mapped[int] = mapped_column()
    purpose: Mapped[str] = mapped_column(String(1000))
    rationale: Mapped[str] = mapped_column(Text)
    report_ids: Mapped[list[str]] = mapped_column(JSON)
    authorization_limit: Mapped[Decimal] = mapped_column(Hundredths())
    status: Mapped[str] = mapped_column(String(32), index=True)
    cosigned_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(128))
    approved_amount: Mapped[Decimal | None] = mapped_column(Hundredths())
    credit_line: Mapped[Decimal | None] = mapped_column(Hundredths())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}


class InfoRequestRow(Base):
    """A question from risk about a recommendation, with a due date (R-R4)."""

    __tablename__ = "info_requests"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    recommendation_id: Mapped[str] = mapped_column(ForeignKey("credit_recommendations.id"), index=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(128))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class VisitRow(Base):
    """A filed visit or phone contact (R-D3, R-M1..R-M3): immutable; corrections are new versions (R-R3)."""

    __tablename__ = "visits"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    satisfaction: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column()
    supersedes_id: Mapped[str | None] = mapped_column(String(64))
    superseded: Mapped[bool] = mapped_column(default=False)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    filed_late: Mapped[bool] = mapped_column(default=False)  # R-M2: later than the configured delay


class DailyReportRow(Base):
    """A CM's day (R-W4): the morning plan and the evening outcome, each submitted once."""

    __tablename__ = "daily_reports"
    __table_args__ = (UniqueConstraint("manager_id", "day", name="uq_daily_report_day"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    day: Mapped[date] = mapped_column(Date)
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    planned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProfitRow(Base):
    """A profit posting from core banking (R-C7 input); one row per posting id."""

    __tablename__ = "profit_postings"

    posting_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    product: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Hundredths())
    posted_on: Mapped[date] = mapped_column(Date)


class ProspectRow(Base):
    """A development target (R-D1) and its stage; history of stages kept."""

    __tablename__ = "prospects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    segment_score: Mapped[Decimal] = mapped_column(Hundredths())
    unmet_needs: Mapped[bool] = mapped_column()
    rcc_can_serve: Mapped[bool] = mapped_column()
    competitive_advantage: Mapped[bool] = mapped_column()
    preliminary_assessment: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    history: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}


class OfficeProjectionRow(Base):
    """An office's place in the tree from a date, as staffing published it on `staffing.offices`."""

    __tablename__ = "office_projection"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))


class OfficeClosureRow(Base):
    """The tree from `as_of` until the next change: each office and every office below it (itself too)."""

    __tablename__ = "office_closure"
    __table_args__ = (Index("ix_office_closure_descendant", "org_id", "as_of", "descendant_id"),)

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    ancestor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    descendant_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class StaffOfficeProjectionRow(Base):
    """The office a user belongs to and how far their data scope reaches (`staffing.offices`)."""

    __tablename__ = "staff_office_projection"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(16), default="default")


# Who read which customer (issue 16): written in batches by services.customer.access_log.
ACCESS_LOG = Table(
    "access_log",
    Base.metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("org_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("roles", String(200), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("rows", Integer(), nullable=True),
    Index("ix_access_log_org_customer_at", "org_id", "customer_id", "at"),
    Index("ix_access_log_org_user_at", "org_id", "user_id", "at"),
    Index("ix_access_log_at", "at"),
)
