"""The yearly cycle (R-A1) and what hangs on it: participants, samples, evaluations, pools, results."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.appraisal.models.base import Base
from shared.tables import Hundredths, UtcDateTime

CYCLE_FK = "cycles.id"


class CycleRow(Base):
    """One version of a year's appraisal; a correction is a new version with its reason."""

    __tablename__ = "cycles"
    __table_args__ = (UniqueConstraint("org_id", "year", "version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[date] = mapped_column(Date)
    seed: Mapped[str] = mapped_column(String(64))
    sample_size: Mapped[int] = mapped_column(Integer)
    source_weights: Mapped[dict[str, str]] = mapped_column(JSON)
    criteria_weights: Mapped[dict[str, str]] = mapped_column(JSON)
    loss_policy: Mapped[str] = mapped_column(String(16))
    supersedes_id: Mapped[str | None] = mapped_column(String(40))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finalized_by: Mapped[str | None] = mapped_column(String(64))
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ladder_version: Mapped[int | None] = mapped_column(Integer)
    unattributed_profit: Mapped[Decimal | None] = mapped_column(Hundredths())


class ParticipantRow(Base):
    """A CM appraised in a cycle: on the post when it opened."""

    __tablename__ = "participants"

    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class SampleRow(Base):
    """R-A3: a customer drawn to evaluate a CM (drawn with the cycle's recorded seed)."""

    __tablename__ = "customer_samples"

    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class EvaluationRow(Base):
    """R-A3: one evaluation of a CM; the latest from the same evaluator replaces the earlier one."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("cycle_id", "manager_id", "source", "evaluator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), index=True)
    manager_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    evaluator: Mapped[str] = mapped_column(String(64))
    performance: Mapped[Decimal] = mapped_column(Hundredths())
    ability: Mapped[Decimal] = mapped_column(Hundredths())
    quality: Mapped[Decimal] = mapped_column(Hundredths())
    score: Mapped[Decimal] = mapped_column(Hundredths())
    comment: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PoolRow(Base):
    """R-A4: profit pooled to a team in a cycle's year, as of the last computation."""

    __tablename__ = "team_pools"

    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Hundredths())
    allocated_for: Mapped[Decimal | None] = mapped_column(Hundredths())
    allocated_by: Mapped[str | None] = mapped_column(String(64))
    allocated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PoolAllocationRow(Base):
    """R-A4: the team lead's split of a pool; valid while the pool is still the amount it split."""

    __tablename__ = "pool_allocations"

    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Hundredths())


class ResultRow(Base):
    """A CM's result sheet in a cycle: every figure and how it was reached (R-A2, R-A3, R-P1, R-Q8)."""

    __tablename__ = "results"
    __table_args__ = (Index("ix_results_manager", "manager_id"),)

    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    branch: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str | None] = mapped_column(String(32))
    direct_profit: Mapped[Decimal] = mapped_column(Hundredths())
    pool_profit: Mapped[Decimal] = mapped_column(Hundredths())
    attributed_profit: Mapped[Decimal] = mapped_column(Hundredths())
    source_scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[Decimal | None] = mapped_column(Hundredths())
    carried_loss_in: Mapped[Decimal] = mapped_column(Hundredths())
    floating_rate: Mapped[str] = mapped_column(String(16))
    floating_pay: Mapped[Decimal] = mapped_column(Hundredths())
    carried_loss_out: Mapped[Decimal] = mapped_column(Hundredths())
    fixed_pay: Mapped[Decimal] = mapped_column(Hundredths())
    overspend: Mapped[Decimal] = mapped_column(Hundredths())
    net_pay: Mapped[Decimal] = mapped_column(Hundredths())
    proposal: Mapped[str] = mapped_column(String(16))
    proposal_reason: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)


class InKindRow(Base):
    """R-P3: floating pay paid in kind, recorded at its value against the CM's result."""

    __tablename__ = "pay_in_kind"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), index=True)
    manager_id: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500))
    value: Mapped[Decimal] = mapped_column(Hundredths())
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReminderRow(Base):
    """R-A3: a reminder the supervisor sent for an evaluation still owed, and when."""

    __tablename__ = "evaluation_reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(String(40), ForeignKey(CYCLE_FK), index=True)
    manager_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    evaluator: Mapped[str | None] = mapped_column(String(64))
    reminded_by: Mapped[str] = mapped_column(String(64))
    reminded_at: Mapped[datetime] = mapped_column(UtcDateTime())
