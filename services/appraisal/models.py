"""Appraisal tables."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.tables import UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the appraisal database."""


MESSAGING = define_messaging_tables(Base.metadata)


class ObservedManagerRow(Base):
    """A CM as appraisal learned of them from `staffing.managers`."""

    __tablename__ = "observed_managers"

    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(32))
    standing: Mapped[str] = mapped_column(String(16))
    last_event_type: Mapped[str] = mapped_column(String(128))
    events_seen: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
