"""Payloads published by audit on `audit.cases`."""

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload


class DepartureAuditOpened(Payload):
    """Audit opened a departure audit for a CM (R-I6)."""

    audit_id: str = Field(min_length=1, max_length=64)
    manager_id: str = Field(min_length=1, max_length=64)


class DepartureCleared(Payload):
    """Every customer of a departing CM was reviewed and found clear (R-I6)."""

    audit_id: str = Field(min_length=1, max_length=64)
    manager_id: str = Field(min_length=1, max_length=64)
    cleared_at: AwareDatetime
    items_reviewed: int = Field(ge=0)
