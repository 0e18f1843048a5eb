"""The kinds of core-banking file `steward import` reads: columns, event, identity, impossible values."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel

from shared.contracts import EVENT_TYPES, EventContract
from shared.contracts.corebanking import BalanceReported, ProfitPosted
from shared.timeutil import utcnow


def _balance_identity(payload: BaseModel) -> str:
    assert isinstance(payload, BalanceReported)
    return f"customer {payload.customer_id} as of {payload.as_of.isoformat()}"


def _posting_identity(payload: BaseModel) -> str:
    assert isinstance(payload, ProfitPosted)
    return f"posting_id {payload.posting_id}"


def _impossible_balances(payload: BaseModel) -> str | None:
    """A balance is never negative and the overdue part of a loan never exceeds the loan."""
    assert isinstance(payload, BalanceReported)
    negative = [n for n in ("deposit", "loan", "overdue") if getattr(payload, n) < 0]
    if negative:
        return f"{', '.join(negative)}: a balance cannot be negative"
    if payload.overdue > payload.loan:
        return f"overdue {payload.overdue} is more than the loan {payload.loan}"
    if payload.as_of > utcnow() + timedelta(days=1):
        return f"as_of {payload.as_of.isoformat()} is in the future"
    return None


def _impossible_posting(payload: BaseModel) -> str | None:
    """A negative posting is a correction (R-A2) and allowed; a posting dated before its period is not."""
    assert isinstance(payload, ProfitPosted)
    if payload.amount == 0:
        return "amount: a posting of 0.00 changes nothing"
    if payload.posted_on.strftime("%Y-%m") < payload.period:
        return f"posted_on {payload.posted_on} is before its period {payload.period}"
    return None


def _posting_id(payload: BaseModel) -> str:
    assert isinstance(payload, ProfitPosted)
    return payload.posting_id


@dataclass(frozen=True)
class FileKind:
    """One kind of file: its columns, the event each row becomes, what must be unique in a file."""

    name: str
    event_type: str
    columns: tuple[str, ...]
    identity: Callable[[BaseModel], str]
    event_key: Callable[[BaseModel], str]
    impossible: Callable[[BaseModel], str | None]

    @property
    def contract(self) -> EventContract:
        """The contract of the rows' event type."""
        return EVENT_TYPES[self.event_type]


KINDS = {
    "balances": FileKind(
        "balances",
        "balance.reported",
        ("customer_id", "deposit", "loan", "overdue", "as_of"),
        _balance_identity,
        lambda payload: payload.model_dump_json(),  # a corrected row is a new report
        _impossible_balances,
    ),
    "pnl": FileKind(
        "pnl",
        "profit.posted",
        ("posting_id", "customer_id", "period", "product", "amount", "posted_on"),
        _posting_identity,
        _posting_id,  # a posting is one event, however often it is exported
        _impossible_posting,
    ),
}
