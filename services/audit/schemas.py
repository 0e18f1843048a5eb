"""Audit HTTP schemas."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.audit.domain import AuditStatus, ItemStatus


class ItemRead(BaseModel):
    """One customer under review."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: str
    customer_name: str
    customer_kind: str
    status: ItemStatus
    note: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None


class DepartureAuditRead(BaseModel):
    """A departure audit with its progress."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    manager_id: str
    status: AuditStatus
    portfolio_received: bool
    requested_at: datetime | None
    opened_at: datetime
    cleared_at: datetime | None
    items_done: int
    items_total: int
    items: list[ItemRead]


class ItemClear(BaseModel):
    """An auditor's finding that a customer is clear."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000)
