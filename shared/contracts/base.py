"""The base of every event payload: frozen, and tolerant of fields added later."""

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from shared.money import Money


def _score(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"a score is between 0 and 100, not {value}")
    return value


def _rate(value: str) -> str:
    try:
        rate = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"a rate is a decimal such as 0.025, not {value!r}") from exc
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise ValueError(f"a rate is a decimal between 0 and 1 (0.025 = 2.5%), not {value!r}")
    return value


# Tightened within version 1 by validation only: the JSON Schema's type and pattern stay as published
# (the compatibility check treats a changed pattern as breaking), the bounds are in the description.
Score = Annotated[Money, AfterValidator(_score)]
Rate = Annotated[str, AfterValidator(_rate)]


class Payload(BaseModel):
    """An event payload; within a schema version changes are additive and unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")
