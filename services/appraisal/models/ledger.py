"""What appraisal keeps from other services: CMs, grades over time, ladder, teams, assignments, postings."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.appraisal.models.base import Base
from shared.tables import Hundredths, UtcDateTime


class ManagerRow(Base):
    """A CM as appraisal learned of them from `staffing.managers`."""

    __tablename__ = "managers"

    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    branch: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str | None] = mapped_column(String(32))
    standing: Mapped[str] = mapped_column(String(16))
    last_event_type: Mapped[str] = mapped_column(String(128), default="")
    events_seen: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GradeSpellRow(Base):
    """A CM's grade from a moment on (R-Q8 history): pay weighs the grades held in a year (R-P1)."""

    __tablename__ = "grade_spells"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    grade: Mapped[str | None] = mapped_column(String(32))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())


class LadderRow(Base):
    """A version of a cooperative's grade ladder from `ladder.published`."""

    __tablename__ = "ladders"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date)
    grades: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class TeamRow(Base):
    """A team and its members as staffing last published them (R-C2, R-A4)."""

    __tablename__ = "teams"

    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[str] = mapped_column(String(64))
    member_ids: Mapped[list[str]] = mapped_column(JSON)
    dissolved: Mapped[bool] = mapped_column(default=False)


class AssignmentPeriodRow(Base):
    """Who served a customer from a date on, and how its profit is attributed (R-A4).

    A period runs until the next period of the same customer; the first also covers postings
    dated before it (the file was opened after the customer banked with the cooperative).
    """

    __tablename__ = "assignment_periods"
    __table_args__ = (Index("ix_assignment_periods_customer", "customer_id", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    covers_from: Mapped[date] = mapped_column(Date)
    effective_at: Mapped[datetime] = mapped_column(UtcDateTime())
    primary_manager_id: Mapped[str] = mapped_column(String(64))
    manager_ids: Mapped[list[str]] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[str | None] = mapped_column(String(64))
    shares: Mapped[dict[str, str]] = mapped_column(JSON)
    sole_manager_id: Mapped[str | None] = mapped_column(String(64), comment="takes all the profit, if anyone")
    source_event_id: Mapped[str] = mapped_column(String(64), unique=True)


class PostingRow(Base):
    """R-A2: one profit posting from core banking; corrections are negative postings."""

    __tablename__ = "postings"
    __table_args__ = (Index("ix_postings_year_customer", "org_id", "year", "customer_id", "posted_on"),)

    # A posting id is core banking's, unique within one cooperative only (issue 19, finding 7).
    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    posting_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(
        String(64), comment="core banking's number, when the posting named the customer by it"
    )
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7))
    product: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Hundredths())
    posted_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PostingTotalRow(Base):
    """A customer's postings of a year summed at ingestion, so a yearly appraisal reads one row each."""

    __tablename__ = "posting_totals"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    total: Mapped[Decimal] = mapped_column(Hundredths())


class OverspendRow(Base):
    """R-P2: a CM's marketing overspend of a year, from `expense.year-closed`; deducted from pay."""

    __tablename__ = "overspends"

    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64))
    overspend: Mapped[Decimal] = mapped_column(Hundredths())
