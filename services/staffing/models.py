"""Staffing tables."""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.tables import UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the staffing database."""


MESSAGING = define_messaging_tables(Base.metadata)


class ManagerRow(Base):
    """A customer manager on the staff roll."""

    __tablename__ = "managers"
    __table_args__ = (UniqueConstraint("org_id", "employee_no", name="uq_managers_org_employee_no"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    employee_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(32))
    branch: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    departure_reason: Mapped[str | None] = mapped_column(String(1000))
    departure_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    departed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    departure_audit_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
