"""Contract examples are plausible, and scores (0-100) and rates (decimals 0-1) are bounded within v1."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.contracts import EVENT_TYPES
from shared.contracts.appraisal import ResultFinalized
from shared.contracts.staffing import ManagerCertified

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "contracts" / "examples"


def _strings(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_contract_example_is_plausible_and_valid(path):
    message = json.loads(path.read_text())
    placeholders = [s for s in _strings(message["payload"]) if s.startswith("example") or s == "1234.56"]
    assert placeholders == []
    EVENT_TYPES[message["event_type"]].payload.model_validate(message["payload"])


def test_result_example_adds_up_and_its_score_and_rate_are_in_range():
    payload = json.loads((EXAMPLES / "appraisal.result-finalized.v1.json").read_text())["payload"]
    assert Decimal(0) <= Decimal(payload["score"]) <= Decimal(100)
    assert Decimal(payload["attributed_profit"]) * Decimal(payload["floating_rate"]) == Decimal(
        payload["floating_pay"]
    )
    assert Decimal(payload["floating_pay"]) + Decimal(payload["fixed_pay"]) - Decimal(
        payload["overspend"]
    ) == Decimal(payload["net_pay"])


def test_scores_above_100_and_rates_that_are_not_decimals_between_0_and_1_are_refused():
    good = json.loads((EXAMPLES / "appraisal.result-finalized.v1.json").read_text())["payload"]
    for bad in ({"score": "150.00"}, {"score": "-1.00"}, {"floating_rate": "2.5%"}, {"floating_rate": "1.5"}):
        with pytest.raises(ValidationError):
            ResultFinalized.model_validate({**good, **bad})
    certified = json.loads((EXAMPLES / "manager.certified.v1.json").read_text())["payload"]
    with pytest.raises(ValidationError):
        ManagerCertified.model_validate({**certified, "score": "101.00"})
