"""Payloads published by customer service on `customer.customers`."""

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload


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


class CustomerComplianceChanged(Payload):
    """A classification change made the current team break R-C1/R-C3/R-Q5, or the breach was cured."""

    customer_id: str = Field(min_length=1, max_length=64)
    compliant: bool
    issues: tuple[str, ...] = ()


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


class DissatisfactionWarned(Payload):
    """R-M5: the customer's rolling satisfaction fell below the threshold: the relationship is at risk."""

    customer_id: str = Field(min_length=1, max_length=64)
    rolling_average: str
    threshold: str
