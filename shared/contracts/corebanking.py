"""What core banking publishes (R-C5, R-A2): balances and profit postings, keyed by customer id."""

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
