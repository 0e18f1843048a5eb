"""Audit tables."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.tables import UtcDateTime, define_messaging_tables


class Base(DeclarativeBase):
    """Declarative base of the audit database."""


MESSAGING = define_messaging_tables(Base.metadata)


class DepartureAuditRow(Base):
    """One departure audit: it gates a CM's departure (R-I6)."""

    __tablename__ = "departure_audits"
    __table_args__ = (UniqueConstraint("departure_event_id", name="uq_departure_audits_request"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    departure_event_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    portfolio_received: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    items: Mapped[list["DepartureAuditItemRow"]] = relationship(
        back_populates="audit",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="DepartureAuditItemRow.id",
    )


class DepartureAuditItemRow(Base):
    """One customer of the departing CM, reviewed by an auditor."""

    __tablename__ = "departure_audit_items"
    __table_args__ = (UniqueConstraint("audit_id", "customer_id", name="uq_departure_items_customer"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("departure_audits.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    audit: Mapped[DepartureAuditRow] = relationship(back_populates="items")
