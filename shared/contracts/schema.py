"""JSON Schema and an example message of every event type, built from the registry."""

import copy
import hashlib
import re
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from shared.contracts.examples import CUSTOMER, HINTS, KEY_FIELDS, KEYS, MANAGER, PAYLOADS, RECOMMENDATION
from shared.contracts.registry import EVENT_TYPES, TOPICS, EventContract
from shared.envelope import Envelope

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXAMPLE_ORG = "rcc-demo"
EXAMPLE_TIME = "2026-01-31T09:30:00Z"
EXAMPLE_DATE = "2026-01-31"
DEFS = "#/$defs/{model}"
_ENUM_PATTERN = re.compile(r"^\^\(([A-Za-z0-9_|-]+)\)\$$")
_ID_PREFIXES = {"report": "r", "visit": "v", "audit": "a", "finding": "f", "team": "t", "expense": "e"}
_IDS = {"customer": CUSTOMER, "manager": MANAGER, "author": MANAGER, "recommendation": RECOMMENDATION}


class ExampleError(ValueError):
    """No valid example could be generated for an event type: write one in `shared/contracts/examples.py`."""


def message_schema(contract: EventContract, ref_template: str = DEFS) -> dict[str, Any]:
    """The JSON Schema of one event type's whole message: the envelope with its payload typed."""
    envelope = Envelope.model_json_schema(ref_template=ref_template)
    payload = contract.payload.model_json_schema(ref_template=ref_template)
    defs: dict[str, Any] = dict(envelope.pop("$defs", {}))
    for name, definition in payload.pop("$defs", {}).items():
        if name in defs and defs[name] != definition:
            raise ValueError(f"{contract.event_type}: two different schemas named {name}")
        defs[name] = definition
    topic = TOPICS[contract.topic]
    properties = envelope["properties"]
    properties["event_type"] = {
        "const": contract.event_type,
        "type": "string",
        "title": "Event Type",
        "description": "Tells the event types of one topic apart.",
    }
    properties["schema_version"] = {
        "const": contract.schema_version,
        "type": "integer",
        "title": "Schema Version",
        "description": "Within a version every change is additive; consumers ignore unknown fields.",
    }
    properties["key"]["description"] = f"The Kafka message key, repeated here: the {topic.key}."
    properties["event_id"]["description"] = "Unique per event; consumers skip an event_id they have seen."
    properties["payload"] = payload
    message: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"{contract.event_type} v{contract.schema_version}",
        "description": payload.get("description", ""),
        "type": "object",
        "properties": properties,
        "required": envelope["required"],
        "x-topic": contract.topic,
        "x-key": topic.key,
        "x-owner": topic.owner,
        "x-external": topic.external,
    }
    if defs:
        message["$defs"] = defs
    return message


def example_payload(contract: EventContract) -> dict[str, Any]:
    """A valid payload of the event type: written by hand, else generated from its schema."""
    given = PAYLOADS.get(contract.event_type)
    if given is not None:
        sample: Any = copy.deepcopy(given)
    else:
        schema = contract.payload.model_json_schema(ref_template=DEFS)
        sample = _sample(schema, schema.get("$defs", {}), contract.event_type)
    try:
        contract.payload.model_validate(sample)
    except ValueError as exc:
        raise ExampleError(
            f"the example of {contract.event_type} is not valid ({exc}); "
            "write or fix its payload in shared/contracts/examples.py"
        ) from exc
    assert isinstance(sample, dict)
    return sample


def example_message(contract: EventContract) -> dict[str, Any]:
    """A complete, valid message (envelope and payload) of the event type, the same on every run."""
    topic = TOPICS[contract.topic]
    payload = example_payload(contract)
    name = f"steward-example:{contract.event_type}:v{contract.schema_version}"
    return {
        "event_id": str(uuid5(NAMESPACE_URL, name)),
        "event_type": contract.event_type,
        "schema_version": contract.schema_version,
        "occurred_at": EXAMPLE_TIME,
        "producer": topic.owner,
        "org_id": EXAMPLE_ORG,
        "key": _key(contract, payload),
        "correlation_id": str(uuid5(NAMESPACE_URL, name + ":correlation")),
        "causation_id": None,
        "actor": {"kind": "system", "user_id": topic.owner, "roles": []},
        "payload": payload,
    }


def all_examples() -> dict[str, dict[str, Any]]:
    """The example message of every registered event type."""
    return {name: example_message(contract) for name, contract in sorted(EVENT_TYPES.items())}


def _key(contract: EventContract, payload: dict[str, Any]) -> str:
    if contract.event_type in KEYS:
        return KEYS[contract.event_type]
    fields = TOPICS[contract.topic].key.split(" or ")
    for field in [KEY_FIELDS.get(contract.event_type, fields[0]), *fields]:
        value = payload.get(field.strip())
        if isinstance(value, str) and value:
            return value
    for field, value in payload.items():
        if field.endswith("_id") and isinstance(value, str) and value:
            return value
    return contract.event_type


def _id(field: str) -> str:
    stem = field.removesuffix("_ids").removesuffix("_id").split("_")[-1]
    if stem in _IDS:
        return _IDS[stem]
    prefix = _ID_PREFIXES.get(stem, stem[:2] or "x")
    return f"{prefix}-{hashlib.sha256(field.encode()).hexdigest()[:12]}"


def _sample(schema: dict[str, Any], defs: dict[str, Any], field: str) -> Any:
    """A plausible value for a JSON Schema node, by type, format, pattern and field name."""
    if "$ref" in schema:
        return _sample(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, field)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _sample(options[0], defs, field) if options else None
    if field in HINTS and not _ENUM_PATTERN.match(schema.get("pattern", "")):
        return HINTS[field]
    if "examples" in schema:
        return schema["examples"][0]
    kind = schema.get("type")
    if kind == "object":
        if "properties" in schema:
            return {name: _sample(sub, defs, name) for name, sub in schema["properties"].items()}
        extra = schema.get("additionalProperties")
        return {"example": _sample(extra, defs, field)} if isinstance(extra, dict) else {}
    if kind == "array":
        if schema.get("maxItems") == 0:
            return []
        items = schema.get("items", {"type": "string"})
        return [_sample(items, defs, field.removesuffix("s"))]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 2025 if field == "year" else 1)
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "string":
        return _string(schema, field)
    return None


def _string(schema: dict[str, Any], field: str) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return EXAMPLE_TIME
    if fmt == "date":
        return EXAMPLE_DATE
    enum = _ENUM_PATTERN.match(schema.get("pattern", ""))
    if enum:
        return enum.group(1).split("|")[0]
    if isinstance(HINTS.get(field), str):
        return str(HINTS[field])
    if field.endswith(("_id", "_ids")) or field in ("author", "id"):
        return _id(field)
    return f"example {field.replace('_', ' ')}"[: schema.get("maxLength", 200)]
