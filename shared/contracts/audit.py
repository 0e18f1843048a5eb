"""Payloads published by audit on `audit.cases`."""

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload
from shared.money import Money


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
    departure_event_id: str | None = Field(
        default=None,
        max_length=64,
        description="event id of the manager.departure-requested this audit answers (a stale one is ignored)",
    )


class FindingRaised(Payload):
    """Audit found a problem: which rule, about whom, how serious (key: customer or manager id)."""

    finding_id: str = Field(min_length=1, max_length=64)
    rule_id: str = Field(min_length=1, max_length=16)
    manager_id: str | None = None
    customer_id: str | None = None
    severity: str = Field(pattern="^(low|medium|high|critical)$")
    description: str = Field(max_length=4000)
    amount_at_risk: Money | None = None


class FindingResolved(Payload):
    """A finding was remediated."""

    finding_id: str = Field(min_length=1, max_length=64)
    rule_id: str = Field(min_length=1, max_length=16)
    remediation: str = Field(max_length=4000)
