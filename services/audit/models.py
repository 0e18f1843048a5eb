"""Audit tables."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.customer_refs import define_customer_refs
from shared.idempotency import define_idempotency_table
from shared.logins import define_login_links
from shared.office_scope import define_office_tables
from shared.tables import Hundredths, UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the audit database."""


MESSAGING = define_messaging_tables(Base.metadata)
IDEMPOTENCY_KEYS = define_idempotency_table(Base.metadata)
CUSTOMER_REFS = define_customer_refs(Base.metadata)
LOGIN_LINKS = define_login_links(Base.metadata)  # a CM's login → manager id (issue 16)
OFFICES = define_office_tables(Base.metadata)  # the office tree and who is where (issue 21)


class DepartureAuditRow(Base):
    """One departure audit: it gates a CM's departure (R-I6)."""

    __tablename__ = "departure_audits"
    __table_args__ = (UniqueConstraint("departure_event_id", name="uq_departure_audits_request"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    departure_event_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), index=True)
    portfolio_received: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # the departure's W3C traceparent when tracing is on: clearances link to it, the clearing continues it
    trace_parent: Mapped[str | None] = mapped_column(String(64))
    row_version: Mapped[int] = mapped_column(default=1)
    items: Mapped[list["DepartureAuditItemRow"]] = relationship(
        back_populates="audit",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="DepartureAuditItemRow.id",
    )

    __mapper_args__ = {"version_id_col": row_version}


class DepartureAuditItemRow(Base):
    """One customer of the departing CM, reviewed by an auditor."""

    __tablename__ = "departure_audit_items"
    __table_args__ = (UniqueConstraint("audit_id", "customer_id", name="uq_departure_items_customer"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("departure_audits.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32), default="portfolio")
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    audit: Mapped[DepartureAuditRow] = relationship(back_populates="items")


class FindingRow(Base):
    """A finding: the rule, the subject, the evidence, and how it was remediated."""

    __tablename__ = "findings"
    # One open finding per rule and subject, even when two consumers see the same condition at once:
    # the loser's transaction fails, is retried, and adds its evidence to the winner's finding.
    __table_args__ = (
        Index(
            "uq_findings_open_subject",
            "org_id",
            "rule_id",
            "subject_key",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    rule_id: Mapped[str] = mapped_column(String(16), index=True)
    subject_key: Mapped[str | None] = mapped_column(String(160), index=True)
    manager_id: Mapped[str | None] = mapped_column(String(64), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    audit_item_id: Mapped[int | None] = mapped_column(ForeignKey("departure_audit_items.id"), index=True)
    spot_check_item_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check_items.id"), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    amount_at_risk: Mapped[Decimal | None] = mapped_column(Hundredths())
    evidence: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    raised_by: Mapped[str] = mapped_column(String(128))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())
    remediation: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AssignmentProjectionRow(Base):
    """Who serves which customer now, from `customer.assignment-changed` (to catch late assignments)."""

    __tablename__ = "assignment_projection"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str | None] = mapped_column(String(16))


class JournalRow(Base):
    """One event audit saw, chained to the row before by hash; append-only."""

    __tablename__ = "journal"

    seq: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(255))
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[str] = mapped_column(String(40))
    body_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JournalHeadRow(Base):
    """The end of the chain; updated with a compare-and-set so concurrent appends never fork it."""

    __tablename__ = "journal_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column()
    last_hash: Mapped[str] = mapped_column(String(64))


class PopulationRow(Base):
    """Something a spot check can sample (customer, visit report, recommendation, expense), from events."""

    __tablename__ = "sample_population"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str | None] = mapped_column(String(64))
    branch: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SpotCheckRow(Base):
    """A regular or random spot check (R-I5); the seed and population are kept so the draw reproduces."""

    __tablename__ = "spot_checks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    population: Mapped[str] = mapped_column(String(32))
    strata: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(BigInteger)
    sample_size: Mapped[int] = mapped_column()
    population_ids: Mapped[list[list[str]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # the office whose subtree it was drawn from (a restricted auditor's); None: the whole cooperative
    office_id: Mapped[str | None] = mapped_column(String(64), index=True)
    items: Mapped[list["SpotCheckItemRow"]] = relationship(
        back_populates="check", lazy="selectin", cascade="all, delete-orphan", order_by="SpotCheckItemRow.id"
    )


class SpotCheckItemRow(Base):
    """One sampled subject, reviewed like a departure item."""

    __tablename__ = "spot_check_items"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    check_id: Mapped[str] = mapped_column(ForeignKey("spot_checks.id"), index=True)
    subject_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    check: Mapped[SpotCheckRow] = relationship(back_populates="items")


class WatchRow(Base):
    """Something a compliance rule waits on: a question due, a warning awaiting a visit (R-R4, R-M5)."""

    __tablename__ = "compliance_watches"

    rule_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    due: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    evidence: Mapped[list[str]] = mapped_column(JSON)


class ManagerWatchRow(Base):
    """What compliance needs to know of a CM: grade and certification (from `staffing.managers`)."""

    __tablename__ = "manager_watch"

    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    grade: Mapped[str] = mapped_column(String(32))
    branch: Mapped[str | None] = mapped_column(String(64))
    certified: Mapped[bool] = mapped_column(default=True)


class VisitPlanRow(Base):
    """A customer's visit plan as audit follows it (R-M4): importance and the last in-person visit."""

    __tablename__ = "visit_plans"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    importance: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(UtcDateTime())
    last_visit: Mapped[datetime | None] = mapped_column(UtcDateTime())


class GradeLimitRow(Base):
    """A grade's authorization limit in a cooperative's ladder, from `ladder.published` (R-I1)."""

    __tablename__ = "grade_limits"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    ladder_version: Mapped[int] = mapped_column()
    authorization_limit: Mapped[Decimal] = mapped_column(Hundredths())


class LadderLimitsRow(Base):
    """Each ladder version's authorization limits by grade, in force from its date (R-I1)."""

    __tablename__ = "ladder_limits"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date)
    limits: Mapped[dict[str, str]] = mapped_column(JSON)


class SettingsVersionRow(Base):
    """One version of a cooperative's compliance settings, in force from `effective_from` (ADR 0012)."""

    __tablename__ = "settings_versions"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    settings: Mapped[dict[str, object]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # when the sweep re-checked what this version changes (R-M4 visit plans); null until it took effect
    rechecked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class BalanceSeenRow(Base):
    """The newest balance report judged per customer: an older one arriving later changes nothing (R-C5)."""

    __tablename__ = "balance_seen"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    as_of: Mapped[datetime] = mapped_column(UtcDateTime())
