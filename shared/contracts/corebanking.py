"""What core banking and the risk department publish about customers, keyed by customer id."""

from datetime import date

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload
from shared.money import Money

Id = Field(min_length=1, max_length=64)


class BalanceReported(Payload):
    """R-C5: a customer's balances at core banking as of a time (published by core banking)."""

    customer_id: str = Id
    deposit: Money
    loan: Money
    overdue: Money
    as_of: AwareDatetime


class ProfitPosted(Payload):
    """R-A2: one profit posting per customer, period and product; corrections are negative postings."""

    posting_id: str = Field(min_length=1, max_length=128)
    customer_id: str = Id
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    product: str = Field(min_length=1, max_length=64)
    amount: Money
    posted_on: date


class CustomerRated(Payload):
    """R-I1: risk's rating of a customer and its early-warning flags (on `risk.customer-ratings`)."""

    customer_id: str = Id
    rating: str = Field(min_length=1, max_length=16)
    warning_flags: tuple[str, ...] = Field(default=(), max_length=20)
