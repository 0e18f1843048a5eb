"""The customers import builds its events' payloads as dicts (no model per event): each is exactly what
its contract's model would put on the wire, and the envelope `emit_many` writes from it is one `emit` would.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic_core import to_json
from sqlalchemy import MetaData

from services.customer.domain import assignment as rules
from services.customer.service.import_writes import (
    Plan,
    assigned_payload,
    non_compliant_payload,
    registered_payload,
)
from shared.contracts import contract_for
from shared.contracts.customer import ComplianceViolation
from shared.envelope import parse_envelope
from shared.tables import define_messaging_tables
from shared.uow import UnitOfWork

PLAN = Plan(
    line=2,
    external_id="62001",
    values={"name": "绿野家庭农场", "kind": "farm_household", "importance": "ordinary", "branch": None},
    classification={},
    primary="m-1",
    co=("m-2", "m-3"),
    team_id=None,
    since=datetime(2024, 1, 1, tzinfo=UTC),
    issues=["R-C3: a large core customer needs a senior CM"],
    violations=(ComplianceViolation(rule_id="R-C3", message_key="rule.c3", params={"grade": "trainee"}),),
)


def _on_the_wire(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as its contract's model reads and writes it back."""
    model = contract_for(event_type).payload.model_validate_json(to_json(payload))
    return dict(model.model_dump(mode="json"))


def test_R_A4_import_payloads_are_their_contracts_own_json() -> None:
    row = {**PLAN.values, "file_no": "F00000001"}
    shares: dict[str, Decimal] = rules.equal_shares([PLAN.primary, *PLAN.co])
    built = {
        "customer.registered": registered_payload("c-1", row, PLAN),
        "customer.assignment-changed": assigned_payload("c-1", PLAN, shares),
        "customer.compliance-changed": non_compliant_payload("c-1", PLAN),
    }
    for event_type, payload in built.items():
        assert _on_the_wire(event_type, payload) == payload, event_type
    assert built["customer.assignment-changed"]["effective_from"] == "2024-01-01T00:00:00Z"


def test_emit_many_with_dict_payloads_writes_the_envelope_emit_would() -> None:
    tables = define_messaging_tables(MetaData())
    one = UnitOfWork(None, tables, "customer")  # type: ignore[arg-type]
    many = UnitOfWork(None, tables, "customer")  # type: ignore[arg-type]
    payload = registered_payload("c-1", {**PLAN.values, "file_no": "F00000001"}, PLAN)
    model = contract_for("customer.registered").payload.model_validate(payload)
    one.emit("customer.registered", key="c-1", org_id="org-1", payload=model)
    many.emit_many("customer.registered", "org-1", [("c-1", payload)])
    a, b = one._pending[0], many._pending[0]
    assert (a["event_type"], a["topic"], a["key"]) == (b["event_type"], b["topic"], b["key"])
    assert a["headers"].keys() == b["headers"].keys()
    ea, eb = parse_envelope(a["value"]), parse_envelope(b["value"])
    assert ea.model_dump(exclude={"event_id", "occurred_at", "correlation_id"}) == eb.model_dump(
        exclude={"event_id", "occurred_at", "correlation_id"}
    )
    assert str(eb.event_id) == b["event_id"]
