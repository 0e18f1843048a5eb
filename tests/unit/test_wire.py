"""The one-pass balance parser accepts nothing the ordinary parse refuses, and yields the same event."""

import json
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.contracts.corebanking import BalanceReported
from shared.envelope import Envelope, EnvelopeError, parse_envelope
from shared.wire import parse_balance

AMOUNTS = (
    st.sampled_from(
        [
            "0",
            "12.5",
            "1003.25",
            "999999999999999.99",
            "-4.00",
            "1e3",
            "+5",
            "\uff11\uff12",
            "\u0661",
            "1.234",
            "",
        ]
    )
    | st.integers(-(10**16), 10**16)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
)
TIMES = st.sampled_from(
    [
        "2026-03-01T00:00:00+00:00",
        "2026-03-01T08:00:00+08:00",
        "2026-03-01T00:00:00",
        "9999-12-31T23:59:59-12:00",
    ]
)


def _message(payload: dict[str, Any], event_type: str = "balance.reported", version: Any = 1) -> bytes:
    return json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "event_type": event_type,
            "schema_version": version,
            "occurred_at": "2026-03-01T00:00:00+00:00",
            "producer": "corebanking",
            "org_id": "rcc-1",
            "key": "c-1",
            "correlation_id": "corr",
            "actor": {"kind": "system", "user_id": "corebanking"},
            "payload": payload,
        }
    ).encode()


def _ordinary(raw: bytes) -> tuple[Envelope, BalanceReported] | None:
    try:
        envelope = parse_envelope(raw)
        return envelope, BalanceReported.model_validate(envelope.payload)
    except (EnvelopeError, ValidationError, ValueError):
        return None


@settings(max_examples=150, deadline=None)
@given(
    deposit=AMOUNTS,
    loan=AMOUNTS,
    overdue=AMOUNTS,
    as_of=TIMES,
    refs=st.sampled_from([("c-1", None), (None, "CB-77"), ("c-1", "CB-77"), (None, None), ("", None)]),
    event_type=st.sampled_from(["balance.reported", "profit.posted"]),
    version=st.sampled_from([1, 2, 0]),
)
def test_whatever_the_fast_parser_accepts_the_ordinary_parse_accepts_alike(
    deposit, loan, overdue, as_of, refs, event_type, version
):
    payload = {"deposit": deposit, "loan": loan, "overdue": overdue, "as_of": as_of}
    if refs[0] is not None:
        payload["customer_id"] = refs[0]
    if refs[1] is not None:
        payload["external_id"] = refs[1]
    raw = _message(payload, event_type, version)
    fast = parse_balance(raw)
    if fast is None:
        return
    slow = _ordinary(raw)
    assert slow is not None, raw
    assert fast[1].model_dump() == slow[1].model_dump()
    assert fast[0].model_dump(exclude={"payload"}) == slow[0].model_dump(exclude={"payload"})


def test_a_plain_report_takes_the_fast_path_and_unusual_ones_the_ordinary_one():
    good = {
        "customer_id": "c-1",
        "deposit": "10.5",
        "loan": "0",
        "overdue": "0.00",
        "as_of": "2026-03-01T00:00:00Z",
    }
    parsed = parse_balance(_message(good))
    assert parsed is not None
    assert str(parsed[1].deposit) == "10.50"
    assert str(parsed[1].loan) == "0.00"
    for unusual in ({"deposit": "-1.00"}, {"deposit": 5}, {"external_id": "CB-1"}, {"deposit": "1e3"}):
        assert parse_balance(_message({**good, **unusual})) is None
