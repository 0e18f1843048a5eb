"""The committed contracts (docs/contracts/) against the live models: compatibility, examples, AsyncAPI."""

import json
import warnings
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel, Field
from typer.testing import CliRunner

from shared.contracts import EVENT_TYPES
from shared.contracts.base import Payload
from shared.contracts.registry import EventContract
from shared.contracts.schema import example_message, message_schema
from shared.envelope import parse_envelope
from shared.money import Money
from steward.contract_compat import incompatibilities
from steward.contracts_export import EXPORT_HINT, compare, example_path, export, schema_path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "docs" / "contracts"
NAMES = sorted(EVENT_TYPES)


@pytest.mark.parametrize("event_type", NAMES)
def test_every_contract_is_committed_and_compatible_with_its_schema(event_type):
    contract = EVENT_TYPES[event_type]
    path = schema_path(CONTRACTS, contract)
    if not path.exists():
        pytest.fail(f"{event_type} v{contract.schema_version} has no committed schema: {EXPORT_HINT}")
    committed = json.loads(path.read_text())
    problems = incompatibilities(committed, message_schema(contract))
    assert not problems, (
        f"{event_type} changed incompatibly within schema_version {contract.schema_version}: "
        f"{problems}; keep the change additive (a new optional field) or bump schema_version"
    )
    if committed != message_schema(contract):
        warnings.warn(f"docs/contracts is behind for {event_type}: {EXPORT_HINT}", stacklevel=1)


def test_no_committed_contract_was_dropped_from_the_registry():
    orphaned = compare(CONTRACTS).orphaned
    assert not orphaned, f"event types removed from the registry but still promised to others: {orphaned}"


@pytest.mark.parametrize("event_type", NAMES)
def test_the_committed_example_is_a_valid_message(event_type):
    contract = EVENT_TYPES[event_type]
    path = example_path(CONTRACTS, contract)
    assert path.exists(), f"{event_type} has no committed example: {EXPORT_HINT}"
    schema = json.loads(schema_path(CONTRACTS, contract).read_text())
    example = json.loads(path.read_text())
    jsonschema.Draft202012Validator(schema).validate(example)
    jsonschema.Draft202012Validator(message_schema(contract)).validate(example)
    envelope = parse_envelope(path.read_bytes())
    assert envelope.event_type == event_type
    contract.payload.model_validate(envelope.payload)


def test_schemas_reject_what_the_consumers_reject():
    contract = EVENT_TYPES["balance.reported"]
    validator = jsonschema.Draft202012Validator(message_schema(contract))
    good = example_message(contract)
    assert validator.is_valid(good)
    as_float = json.loads(json.dumps(good))
    as_float["payload"]["deposit"] = 152340.5
    assert not validator.is_valid(as_float)
    missing = json.loads(json.dumps(good))
    del missing["payload"]["as_of"]
    assert not validator.is_valid(missing)
    wrong_type = {**good, "event_type": "profit.posted"}
    assert not validator.is_valid(wrong_type)
    unknown_extra = {**good, "payload": {**good["payload"], "branch_code": "N01"}}
    assert validator.is_valid(unknown_extra)  # consumers ignore fields they do not know


class _V1(Payload):
    customer_id: str = Field(min_length=1)
    amount: Money
    note: str | None = None


def _schema(model: type[BaseModel]) -> dict:
    return message_schema(EventContract("test.happened", "corebanking.balances", model))


def test_additive_optional_fields_are_compatible():
    class Added(_V1):
        branch: str | None = None
        tags: tuple[str, ...] = ()

    assert incompatibilities(_schema(_V1), _schema(Added)) == []
    assert incompatibilities(_schema(_V1), _schema(_V1)) == []


def test_removed_retyped_and_new_required_fields_are_breaking():
    class Removed(Payload):
        customer_id: str = Field(min_length=1)
        note: str | None = None

    class Retyped(Payload):
        customer_id: str = Field(min_length=1)
        amount: int
        note: str | None = None

    class NewRequired(_V1):
        branch: str

    class NotNullable(Payload):
        customer_id: str = Field(min_length=1)
        amount: Money
        note: str = ""

    assert incompatibilities(_schema(_V1), _schema(Removed)) == ["payload.amount: removed"]
    [retyped] = incompatibilities(_schema(_V1), _schema(Retyped))
    assert retyped.startswith("payload.amount: retyped from string (pattern")
    assert retyped.endswith("to integer")
    assert incompatibilities(_schema(_V1), _schema(NewRequired)) == ["payload.branch: new required field"]
    assert incompatibilities(_schema(_V1), _schema(NotNullable)) == [
        "payload.note: retyped from null | string to string"
    ]


def test_nested_models_are_compared_field_by_field():
    old = message_schema(EVENT_TYPES["credit-decision.made"])
    new = json.loads(json.dumps(old))
    new["$defs"]["CreditQuestion"]["properties"]["due_date"] = {"type": "string"}
    assert incompatibilities(old, new) == [
        "payload.questions[].due_date: retyped from string (format date) to string"
    ]


def test_export_writes_every_contract_and_refuses_a_breaking_change(tmp_path):
    from steward.cli import app

    result = CliRunner().invoke(app, ["contracts", "export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.schema.json"))) == len(EVENT_TYPES)
    assert len(list((tmp_path / "examples").glob("*.json"))) == len(EVENT_TYPES)
    assert "`risk.credit-decisions`" in (tmp_path / "README.md").read_text()
    assert CliRunner().invoke(app, ["contracts", "check", "--out", str(tmp_path)]).exit_code == 0

    path = schema_path(tmp_path, EVENT_TYPES["profit.posted"])
    tampered = json.loads(path.read_text())
    tampered["properties"]["payload"]["properties"]["legacy_code"] = {"type": "string"}
    path.write_text(json.dumps(tampered))
    refused = CliRunner().invoke(app, ["contracts", "export", "--out", str(tmp_path)])
    assert refused.exit_code == 1
    assert "payload.legacy_code: removed" in refused.output
    assert json.loads(path.read_text()) == tampered  # nothing overwritten
    assert export(tmp_path, allow_breaking=True).breaking
    assert compare(tmp_path).compatible


def test_asyncapi_describes_every_event_type_with_its_schema_and_example():
    from faststream.specification.asyncapi.site import get_asyncapi_html

    from services.customer.app import create_app
    from services.customer.settings import CustomerSettings
    from shared.asyncapi import AsyncAPIDocument
    from shared.ops import service_asyncapi
    from shared.settings import KafkaSettings

    settings = CustomerSettings(profile="dev", kafka=KafkaSettings(topic_prefix="p."))
    doc = service_asyncapi(create_app(settings).state.runtime)
    channels = {c["address"]: c for c in doc["channels"].values()}
    decisions = channels["p.risk.credit-decisions"]
    assert list(decisions["messages"]) == ["credit-decision.made.v1"]
    assert "outside the suite" in decisions["description"]
    published = channels["p.customer.credit-recommendations"]["messages"]
    assert set(published) == {"credit-recommendation.submitted.v1", "credit-recommendation.answered.v1"}
    message = doc["components"]["messages"]["credit-recommendation.submitted.v1"]
    example = message["examples"][0]["payload"]
    assert example["event_type"] == "credit-recommendation.submitted"
    schema = doc["components"]["schemas"]["credit-recommendation.submitted.v1"]
    resolver_doc = {"$defs": doc["components"]["schemas"], **schema}
    text = json.dumps(resolver_doc).replace("#/components/schemas/", "#/$defs/")
    jsonschema.Draft202012Validator(json.loads(text)).validate(example)
    assert "EmptyPayload" not in doc["components"]["schemas"]
    refs = json.dumps(doc)
    for name in doc["components"]["messages"]:
        assert f"#/components/messages/{name}" in refs
    page = get_asyncapi_html(AsyncAPIDocument(doc))
    assert "<title>Steward Customer events AsyncAPI</title>" in page
    assert "credit-recommendation.submitted.v1" in page
