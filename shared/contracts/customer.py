"""Payloads published by customer service on `customer.customers`."""

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload
from shared.rules import RuleId, Violation


class CustomerRegistered(Payload):
    """A customer file was opened, with the CMs serving it."""

    customer_id: str = Field(min_length=1, max_length=64)
    file_no: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=32)
    primary_manager_id: str = Field(min_length=1, max_length=64)
    co_manager_ids: tuple[str, ...] = ()
    importance: str = "ordinary"
    branch: str | None = None
    external_id: str | None = Field(
        default=None, max_length=64, description="core banking's customer number, when known"
    )


class CustomerIdentified(Payload):
    """A customer's core banking number was set, changed or removed."""

    customer_id: str = Field(min_length=1, max_length=64)
    external_id: str | None = Field(default=None, max_length=64)
    previous_external_id: str | None = Field(default=None, max_length=64)


class PortfolioCustomer(Payload):
    """One customer in a departing CM's portfolio."""

    customer_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=32)
    role: str = Field(min_length=1, max_length=16)


class ManagerPortfolioPublished(Payload):
    """The customers a departing CM serves, as of the departure request (R-I6)."""

    manager_id: str = Field(min_length=1, max_length=64)
    departure_event_id: str = Field(min_length=1, max_length=64)
    as_of: AwareDatetime
    customers: tuple[PortfolioCustomer, ...] = Field(default=(), max_length=100_000)


class CustomerAssignmentChanged(Payload):
    """Who serves the customer from `effective_from`, with profit shares (R-A4); appraisal keeps history."""

    customer_id: str = Field(min_length=1, max_length=64)
    primary_manager_id: str = Field(min_length=1, max_length=64)
    co_manager_ids: tuple[str, ...] = ()
    team_id: str | None = None
    attribution_mode: str = Field(pattern="^(shares|team_pool)$")
    shares: dict[str, str] = Field(
        default_factory=dict, description="percent per manager, as decimal strings"
    )
    effective_from: AwareDatetime
    reason: str = Field(default="", max_length=1000)


class CustomerClassified(Payload):
    """The customer's classification (R-C1, R-C3) or importance changed."""

    customer_id: str = Field(min_length=1, max_length=64)
    importance: str
    classification: dict[str, str | bool | None]


class ComplianceViolation(Payload):
    """One broken rule, structured (schema version 2): the rule, its catalogue message key, its parameters."""

    rule_id: str | None = Field(
        default=None, pattern=r"^R-[A-Z][0-9]$", description="the DOMAIN rule, e.g. R-C3 (none: no rule)"
    )
    message_key: str = Field(min_length=1, max_length=128, description="key of the message catalogue")
    params: dict[str, str] = Field(default_factory=dict, description="the message's parameters, as text")

    @classmethod
    def of(cls, violation: Violation) -> "ComplianceViolation":
        """A domain `Violation` as the contract carries it."""
        params = {name: str(value) for name, value in violation.params.items()}
        return cls(rule_id=violation.rule.value, message_key=violation.message_key, params=params)

    @property
    def rule(self) -> RuleId | None:
        """The rule as a `RuleId` (None for an id this reader does not know)."""
        known = {rule.value for rule in RuleId}
        return RuleId(self.rule_id) if self.rule_id is not None and self.rule_id in known else None


class CustomerComplianceChanged(Payload):
    """A change made the current team break R-C1/R-C2/R-C3/R-Q5, or the breach was cured.

    Version 2 adds `violations` (structured: rule id, message key, parameters); `issues` keeps the
    English lines of version 1 for readers that only know it. Readers of version 2 use `violations`
    and fall back to the lines only for a version 1 message (no `violations` although non-compliant).
    """

    customer_id: str = Field(min_length=1, max_length=64)
    compliant: bool
    issues: tuple[str, ...] = Field(default=(), description="English lines, one per issue (version 1)")
    violations: tuple[ComplianceViolation, ...] = Field(
        default=(), max_length=100, description="the issues, structured (version 2)"
    )


class VisitFiled(Payload):
    """R-M2: a visit report or phone contact was filed (key: customer id)."""

    visit_id: str = Field(min_length=1, max_length=64)
    customer_id: str = Field(min_length=1, max_length=64)
    manager_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(pattern="^(sales|maintenance|phone)$")
    occurred_at: AwareDatetime
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    version: int = Field(ge=1)
    supersedes_id: str | None = None
    filed_at: AwareDatetime | None = Field(default=None, description="when the report was filed")
    filed_late: bool = Field(
        default=False, description="R-M2: filed later than the cooperative's delay after the visit"
    )


class DissatisfactionWarned(Payload):
    """R-M5: the customer's rolling satisfaction fell below the threshold: the relationship is at risk."""

    customer_id: str = Field(min_length=1, max_length=64)
    rolling_average: str
    threshold: str
