"""Customer tables."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.tables import UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the customer database."""


MESSAGING = define_messaging_tables(Base.metadata)


class CustomerRow(Base):
    """A customer file."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("org_id", "file_no", name="uq_customers_org_file_no"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    file_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(128))
    assignments: Mapped[list["AssignmentRow"]] = relationship(
        back_populates="customer", lazy="selectin", cascade="all, delete-orphan"
    )


class AssignmentRow(Base):
    """A CM serving a customer, from a date (history kept: `valid_to` closes it)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    customer: Mapped[CustomerRow] = relationship(back_populates="assignments")


class ManagerProjectionRow(Base):
    """What customer service knows of each CM, rebuilt from `staffing.managers`."""

    __tablename__ = "manager_projection"

    manager_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    certified_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FileCounterRow(Base):
    """The next customer file number of each cooperative."""

    __tablename__ = "file_counters"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_no: Mapped[int] = mapped_column()
