"""Payloads published by audit on `audit.cases`."""

from decimal import Decimal

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


def _default_rating_warnings() -> list[str]:
    return ["C", "D", "E", "watch", "substandard", "doubtful", "loss"]


class CooperativeSettings(Payload):
    """A cooperative's compliance parameters, owned by audit (ADR 0012); every field has its one default."""

    visit_interval_core_days: int = Field(examples=[30], default=30, ge=1, le=365, description="R-M4")
    visit_interval_important_days: int = Field(examples=[60], default=60, ge=1, le=365, description="R-M4")
    visit_interval_ordinary_days: int = Field(examples=[90], default=90, ge=1, le=730, description="R-M4")
    visit_tolerance_days: int = Field(
        examples=[7], default=7, ge=0, le=90, description="R-M4: days of grace before a visit is overdue"
    )
    dissatisfaction_visit_days: int = Field(
        examples=[14], default=7, ge=1, le=90, description="R-M5: days to visit after a warning"
    )
    satisfaction_window: int = Field(
        examples=[3], default=3, ge=1, le=50, description="R-M5: scores in the rolling average"
    )
    satisfaction_threshold: Money = Field(
        default=Decimal("3.00"),
        ge=1,
        le=5,
        examples=["3.00"],
        description="R-M5: a rolling average below this warns (1 to 5)",
    )
    report_delay_hours: int = Field(
        examples=[48],
        default=48,
        ge=1,
        le=24 * 90,
        description="R-M2: a visit report filed later than this after the visit is flagged",
    )
    rating_warnings: list[str] = Field(
        examples=[["C", "D"]],
        default_factory=_default_rating_warnings,
        max_length=50,
        description="R-I1 ratings that raise an early warning",
    )

    def visit_interval(self, importance: str) -> int:
        """R-M4: days between visits for an importance level."""
        return {"core": self.visit_interval_core_days, "important": self.visit_interval_important_days}.get(
            importance, self.visit_interval_ordinary_days
        )


class SettingsChanged(CooperativeSettings):
    """A cooperative's settings as a whole, in force from `effective_from` (key: the cooperative's id)."""

    effective_from: AwareDatetime = Field(
        description="from when these values apply; a rule judges an act by the values in force at its date"
    )
