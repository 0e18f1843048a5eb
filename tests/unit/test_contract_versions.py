"""Core-banking contracts v2 name a customer by Steward's id or core banking's number; v1 keeps working."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.contracts import EVENT_TYPES
from shared.envelope import parse_envelope

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts"


@pytest.mark.parametrize("event_type", ["balance.reported", "profit.posted"])
def test_v1_messages_still_validate_and_v2_takes_an_external_id(event_type):
    contract = EVENT_TYPES[event_type]
    assert contract.schema_version == 2
    v1 = parse_envelope((CONTRACTS / "examples" / f"{event_type}.v1.json").read_bytes())
    assert v1.schema_version == 1
    assert contract.payload.model_validate(v1.payload).customer_id == v1.payload["customer_id"]
    v2 = json.loads((CONTRACTS / "examples" / f"{event_type}.v2.json").read_text())
    payload = contract.payload.model_validate(v2["payload"])
    assert payload.customer_id is None
    assert payload.external_id
    assert payload.resolved("c-1").customer_id == "c-1"
    both = {**v2["payload"], "customer_id": "c-1"}
    neither = {k: v for k, v in v2["payload"].items() if k != "external_id"}
    for wrong in (both, neither):
        with pytest.raises(ValidationError, match="exactly one of customer_id or external_id"):
            contract.payload.model_validate(wrong)
