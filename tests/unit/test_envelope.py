"""The envelope and money as they travel."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from shared.envelope import SYSTEM_ACTOR, EnvelopeError, new_envelope, parse_envelope
from shared.money import Money


class Amount(BaseModel):
    value: Money


def _envelope(**payload):
    class P(BaseModel):
        manager_id: str = "m-1"

    return new_envelope(
        event_type="manager.registered",
        schema_version=1,
        producer="staffing",
        org_id="rcc",
        key="m-1",
        payload=P(**payload),
        actor=SYSTEM_ACTOR,
    )


def test_envelope_round_trips_through_bytes():
    env = _envelope()
    again = parse_envelope(env.to_bytes())
    assert again == env
    assert again.occurred_at.tzinfo is not None


def test_envelope_is_frozen():
    with pytest.raises(ValidationError):
        _envelope().key = "other"  # type: ignore[misc]


def test_unknown_fields_are_ignored_for_forward_compatibility():
    body = json.loads(_envelope().to_bytes())
    body["added_in_a_later_version"] = True
    assert parse_envelope(json.dumps(body).encode()).key == "m-1"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "tombstone"),
        (b"not json", "invalid envelope"),
        (b"{}", "event_id"),
        (b"x" * 1_000_001, "exceeds"),
    ],
)
def test_bad_messages_are_refused_with_a_reason(raw, reason):
    with pytest.raises(EnvelopeError, match=reason):
        parse_envelope(raw)


def test_naive_times_are_refused():
    body = json.loads(_envelope().to_bytes())
    body["occurred_at"] = "2026-01-01T10:00:00"
    with pytest.raises(EnvelopeError, match="occurred_at"):
        parse_envelope(json.dumps(body).encode())


def test_times_are_normalised_to_utc():
    body = json.loads(_envelope().to_bytes())
    body["occurred_at"] = "2026-01-01T18:00:00+08:00"
    parsed = parse_envelope(json.dumps(body).encode())
    assert parsed.occurred_at == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert parsed.occurred_at.utcoffset().total_seconds() == 0


def test_money_travels_as_a_string_and_is_a_decimal():
    amount = Amount(value="1234.50")
    assert amount.value == Decimal("1234.50")
    assert json.loads(amount.model_dump_json()) == {"value": "1234.50"}


@pytest.mark.parametrize("bad", [12.5, "12.345", "abc", "NaN", True, "1e20"])
def test_money_refuses_floats_fractions_of_a_fen_and_nonsense(bad):
    with pytest.raises(ValidationError):
        Amount(value=bad)


def test_money_schema_says_string():
    assert Amount.model_json_schema()["properties"]["value"]["type"] == "string"
