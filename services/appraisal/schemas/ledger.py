"""Schemas of the profit ledger and of the CMs appraisal knows."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class ManagerRead(BaseModel):
    """A CM as appraisal knows them."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    name: str
    branch: str
    grade: str | None
    standing: str
    last_event_type: str
    events_seen: int
    updated_at: datetime


class PostingRead(BaseModel):
    """A profit posting from core banking."""

    model_config = ConfigDict(from_attributes=True)

    posting_id: str
    customer_id: str
    period: str
    product: str
    amount: Decimal
    posted_on: date


class HeldRead(PostingRead):
    """A posting held until its customer becomes known."""

    received_at: datetime
