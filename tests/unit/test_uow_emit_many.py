"""Many events of one type at once: the same envelopes and outbox rows as one `emit` each."""

from typing import Any

import pytest
from sqlalchemy import MetaData

from shared.contracts.customer import CustomerComplianceChanged
from shared.envelope import parse_envelope
from shared.tables import define_messaging_tables
from shared.uow import UnitOfWork


def _uow() -> UnitOfWork:
    return UnitOfWork(None, define_messaging_tables(MetaData()), "customer")  # type: ignore[arg-type]


def test_emit_many_queues_the_rows_emit_would() -> None:
    one, many = _uow(), _uow()
    payloads = [
        CustomerComplianceChanged(customer_id=f"c-{n}", compliant=False, issues=("R-A1",)) for n in range(3)
    ]
    for p in payloads:
        one.emit("customer.compliance-changed", key=p.customer_id, org_id="org-1", payload=p)
    many.emit_many("customer.compliance-changed", "org-1", [(p.customer_id, p) for p in payloads])
    rows: list[list[dict[str, Any]]] = [one._pending, many._pending]
    for a, b in zip(*rows, strict=True):
        assert {k: a[k] for k in ("event_type", "topic", "key")} == {
            k: b[k] for k in ("event_type", "topic", "key")
        }
        ea, eb = parse_envelope(a["value"]), parse_envelope(b["value"])
        assert (ea.payload, ea.schema_version, ea.producer, ea.org_id, ea.key) == (
            eb.payload,
            eb.schema_version,
            eb.producer,
            eb.org_id,
            eb.key,
        )
        assert str(eb.event_id) == b["event_id"]


def test_emit_many_refuses_a_payload_of_another_contract() -> None:
    wrong = CustomerComplianceChanged(customer_id="c-1", compliant=True, issues=())
    with pytest.raises(TypeError):
        _uow().emit_many("customer.registered", "org-1", [("c-1", wrong)])
