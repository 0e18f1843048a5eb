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
    external_id: str | None = None


class AssignmentPeriodRead(BaseModel):
    """Who served a customer over a stretch of dates and how its profit is attributed (R-A4)."""

    model_config = ConfigDict(from_attributes=True)

    valid_from: date
    valid_to: date | None
    primary_manager_id: str
    manager_ids: list[str]
    mode: str
    team_id: str | None
    shares: dict[str, str]


class TeamRead(BaseModel):
    """A team as staffing last published it."""

    model_config = ConfigDict(from_attributes=True)

    team_id: str
    name: str
    lead_id: str
    member_ids: list[str]
    dissolved: bool


class OverspendRead(BaseModel):
    """R-P2: a CM's marketing overspend of a year, to be deducted from pay."""

    model_config = ConfigDict(from_attributes=True)

    manager_id: str
    year: int
    overspend: Decimal
