"""Money: a Decimal that travels as a string and never as a float."""

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

FEN = Decimal("0.01")


# The pattern the contracts publish, in ASCII digits only: Python's `\d` and `Decimal()` also take
# full-width and Arabic-Indic digits, exponents, signs and underscores, which no contract promises.
MONEY_PATTERN = r"^-?\d{1,15}(\.\d{1,2})?$"
_EXACTLY = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,2})?")
_TOO_FINE = re.compile(r"-?[0-9]+\.[0-9]{3,}")
_TOO_LARGE = re.compile(r"-?[0-9]{16,}(\.[0-9]*)?")


def _to_decimal(value: Any) -> Decimal:
    """Accept a string of the published pattern, an int or a Decimal; refuse floats, which cannot hold
    money exactly, and number-like strings outside the pattern (`1e3`, `+5`, `1_000`, non-ASCII digits)."""
    if isinstance(value, bool | float):
        raise ValueError('money must be given as a string such as "1234.56", not a float')
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        result = _parse(value)
    else:
        raise ValueError(f"money must be a decimal string, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("money must be a finite amount")
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError("money has at most two decimal places (fen)")
    if abs(result) >= Decimal("1e15"):
        raise ValueError("money amount out of range")
    return result.quantize(FEN)


def _parse(text: str) -> Decimal:
    """A string exactly of the published pattern, as a Decimal; the reason otherwise (input not echoed)."""
    if _EXACTLY.fullmatch(text):
        return Decimal(text)
    if _TOO_FINE.fullmatch(text):
        raise ValueError("money has at most two decimal places (fen)")
    if _TOO_LARGE.fullmatch(text):
        raise ValueError("money amount out of range")
    raise ValueError(
        'not a decimal amount: ASCII digits, an optional "-" and up to two decimals, such as "1234.56"'
    )


Money = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    PlainSerializer(lambda d: format(Decimal(d).quantize(FEN), "f"), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1234.56"]}),
]
