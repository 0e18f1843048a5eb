"""Money: a Decimal that travels as a string and never as a float."""

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

FEN = Decimal("0.01")


def _to_decimal(value: Any) -> Decimal:
    """Accept a string, an int or a Decimal; refuse floats, which cannot hold money exactly."""
    if isinstance(value, bool | float):
        raise ValueError('money must be given as a string such as "1234.56", not a float')
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a decimal amount: {value!r}") from exc
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


Money = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    PlainSerializer(lambda d: format(Decimal(d).quantize(FEN), "f"), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d{1,15}(\.\d{1,2})?$", "examples": ["1234.56"]}),
]
