"""What core banking and the risk department publish about customers, keyed by customer id.

From schema version 2 core banking may name the customer by its own customer number (`external_id`)
instead of Steward's id; version 1 messages (always `customer_id`) stay valid.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Self

from pydantic import AwareDatetime, Field, ValidationInfo, field_validator, model_validator

from shared.contracts.base import Payload
from shared.money import Money

Id = Field(min_length=1, max_length=64)
MAX_AHEAD = timedelta(days=1)
"""Clock skew tolerated on a balance report's `as_of`; later than this is refused."""
EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"


class CustomerReference(Payload):
    """Names a customer by Steward's id or by core banking's customer number: exactly one of the two."""

    model_config = Payload.model_config | {
        "json_schema_extra": {"oneOf": [{"required": ["customer_id"]}, {"required": ["external_id"]}]}
    }

    customer_id: str | None = Field(default=None, min_length=1, max_length=64, description="Steward's id")
    external_id: str | None = Field(
        default=None,
        pattern=EXTERNAL_ID,
        description="core banking's customer number, as set on the customer file (schema version 2)",
    )

    @model_validator(mode="after")
    def _one_reference(self) -> Self:
        if (self.customer_id is None) == (self.external_id is None):
            raise ValueError("name the customer by exactly one of customer_id or external_id")
        return self

    @property
    def reference(self) -> str:
        """The id the message names the customer by, for logs and dead letters."""
        return self.customer_id or f"external id {self.external_id}"

    def resolved(self, customer_id: str) -> Self:
        """The same message naming the customer by Steward's id."""
        return self.model_copy(update={"customer_id": customer_id})


class BalanceReported(CustomerReference):
    """R-C5: a customer's balances at core banking as of a time (published by core banking)."""

    deposit: Money
    loan: Money
    overdue: Money
    as_of: AwareDatetime

    @field_validator("as_of")
    @classmethod
    def _not_ahead(cls, value: datetime) -> datetime:
        """Bounds (finding 9): a report from the far future would hide every real one (the newest wins)."""
        if value > datetime.now(UTC) + MAX_AHEAD:
            raise ValueError(
                f"as_of {value.isoformat()} is in the future; balances are reported as of a past time"
            )
        return value

    @field_validator("deposit", "loan", "overdue")
    @classmethod
    def _not_negative(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        """Bounds (finding 9): a balance is never negative; a correction is a new, newer report."""
        if value < 0:
            raise ValueError(
                f"the {info.field_name} balance is negative ({value}); balances are never negative"
            )
        return value


class ProfitPosted(CustomerReference):
    """R-A2: one profit posting per customer, period and product; corrections are negative postings."""

    posting_id: str = Field(min_length=1, max_length=128)
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    product: str = Field(min_length=1, max_length=64)
    amount: Money
    posted_on: date


class CustomerRated(Payload):
    """R-I1: risk's rating of a customer and its early-warning flags (on `risk.customer-ratings`)."""

    customer_id: str = Id
    rating: str = Field(min_length=1, max_length=16)
    warning_flags: tuple[str, ...] = Field(default=(), max_length=20)
