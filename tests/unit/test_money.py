"""Money parses exactly the published pattern (issue 13): number-like strings outside it are refused."""

import re
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.money import MONEY_PATTERN, Money

MONEY = TypeAdapter(Money)


@pytest.mark.parametrize(
    "text",
    [
        "1e3",
        "+5",
        "1_000",
        "\uff11\uff12\uff13",
        "\u0661\u0662\u0663",
        " 5",
        "5 ",
        ".5",
        "5.",
        "1,000",
        "NaN",
        "",
    ],
)
def test_number_like_strings_outside_the_published_pattern_are_refused(text: str) -> None:
    assert not re.fullmatch(MONEY_PATTERN.strip("^$"), text, flags=re.ASCII)
    with pytest.raises(ValidationError) as refused:
        MONEY.validate_python(text)
    assert repr(text) not in str(refused.value.errors()[0]["msg"])  # the input is not echoed


EXACT = [
    ("0", "0.00"),
    ("-12.5", "-12.50"),
    ("1234.56", "1234.56"),
    ("999999999999999.99", "999999999999999.99"),
]


@pytest.mark.parametrize(("text", "amount"), EXACT)
def test_strings_of_the_published_pattern_are_exact(text: str, amount: str) -> None:
    assert MONEY.validate_python(text) == Decimal(amount)
    assert re.fullmatch(MONEY_PATTERN.strip("^$"), text, flags=re.ASCII)


def test_the_reasons_name_the_rule() -> None:
    with pytest.raises(ValidationError, match="two decimal places"):
        MONEY.validate_python("1.234")
    with pytest.raises(ValidationError, match="out of range"):
        MONEY.validate_python("1234567890123456")
    with pytest.raises(ValidationError, match="not a float"):
        MONEY.validate_python(1.5)
    assert MONEY.validate_python(12) == Decimal("12.00")
