"""One-pass parsing of hot events from bytes: envelope and payload by constrained types, no Python validators.

A fast parser only accelerates: it returns None for anything it is not sure of (other event types, a
negative or integer amount, both or neither customer reference), and the consumer then takes the
ordinary path, which decides and explains. Whatever it accepts, the ordinary path accepts with the
same result (`tests/unit/test_wire.py` checks that on generated messages).
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shared.contracts.corebanking import EXTERNAL_ID, MAX_AHEAD, BalanceReported
from shared.envelope import Envelope
from shared.money import FEN

# Non-negative, ASCII digits only (pydantic's regex engine reads `\d` as any Unicode digit).
_AMOUNT = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,15}(\.[0-9]{1,2})?$")]


class _BalanceWire(BaseModel):
    """`balance.reported`'s payload with every field checked by the parser itself."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    customer_id: str | None = Field(default=None, min_length=1, max_length=64)
    external_id: Annotated[str, StringConstraints(pattern=EXTERNAL_ID)] | None = None
    deposit: _AMOUNT
    loan: _AMOUNT
    overdue: _AMOUNT
    as_of: AwareDatetime


class _BalanceEnvelopeWire(Envelope):
    """A `balance.reported` envelope with its payload typed, parsed in one pass."""

    event_type: Literal["balance.reported"]
    payload: _BalanceWire  # type: ignore[assignment]


def parse_balance(raw: bytes) -> tuple[Envelope, BalanceReported] | None:
    """The envelope and contract of a plain `balance.reported`, or None when the ordinary path must decide."""
    try:
        wire = _BalanceEnvelopeWire.model_validate_json(raw)
    except (ValidationError, ArithmeticError, RecursionError, ValueError, TypeError):
        return None
    body = wire.payload
    if (body.customer_id is None) == (body.external_id is None):
        return None
    if body.as_of > datetime.now(UTC) + MAX_AHEAD:  # the ordinary path refuses it with the reason
        return None
    # The wire envelope is an Envelope (its payload typed, which the batch path never reads): building
    # a plain one with `model_construct` cost as much as the parse itself.
    event = BalanceReported.model_construct(
        customer_id=body.customer_id,
        external_id=body.external_id,
        deposit=Decimal(body.deposit).quantize(FEN),
        loan=Decimal(body.loan).quantize(FEN),
        overdue=Decimal(body.overdue).quantize(FEN),
        as_of=body.as_of,
    )
    return wire, event
