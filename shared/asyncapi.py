"""Each service's AsyncAPI document, with the schema and an example of every event type on its topics."""

import copy
import json
from typing import Any

from shared.contracts.registry import EVENT_TYPES, TOPICS, EventContract
from shared.contracts.schema import example_message, message_schema

COMPONENT_REF = "#/components/schemas/{model}"


def describe_events(document: dict[str, Any], topic_prefix: str = "") -> dict[str, Any]:
    """Replace FastStream's untyped messages by one message per event type of each channel's topic."""
    doc = copy.deepcopy(document)
    components = doc.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    messages: dict[str, Any] = components.setdefault("messages", {})
    replaced: set[str] = set()
    for channel_id, channel in doc.get("channels", {}).items():
        logical = str(channel.get("address", "")).removeprefix(topic_prefix)
        contracts = sorted(
            (c for c in EVENT_TYPES.values() if c.topic == logical), key=lambda c: c.event_type
        )
        if not contracts:
            continue
        replaced |= {ref["$ref"].rsplit("/", 1)[-1] for ref in channel.get("messages", {}).values()}
        channel["messages"] = {}
        for contract in contracts:
            name = _message_name(contract)
            _add_schemas(schemas, name, contract)
            messages[name] = _message(contract, name)
            channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        spec = TOPICS[logical]
        owner = f"{spec.owner}, outside the suite" if spec.external else f"the {spec.owner} service"
        channel["description"] = (
            f"{spec.description}. Owned by {owner}; key: {spec.key}. {channel.get('description', '')}"
        ).strip()
        for operation in doc.get("operations", {}).values():
            if operation.get("channel", {}).get("$ref") == f"#/channels/{channel_id}":
                operation["messages"] = [
                    {"$ref": f"#/channels/{channel_id}/messages/{_message_name(c)}"} for c in contracts
                ]
    for old in replaced:
        messages.pop(old, None)
    _drop_unused_schemas(doc)
    return doc


def _message_name(contract: EventContract) -> str:
    return f"{contract.event_type}.v{contract.schema_version}"


def _add_schemas(schemas: dict[str, Any], name: str, contract: EventContract) -> None:
    schema = message_schema(contract, ref_template=COMPONENT_REF)
    schema.pop("$schema", None)
    for def_name, definition in schema.pop("$defs", {}).items():
        if schemas.setdefault(def_name, definition) != definition:
            raise ValueError(f"two different schemas named {def_name} in one AsyncAPI document")
    schemas[name] = schema


def _message(contract: EventContract, name: str) -> dict[str, Any]:
    spec = TOPICS[contract.topic]
    return {
        "name": contract.event_type,
        "title": f"{contract.event_type} (schema_version {contract.schema_version})",
        "summary": contract.payload.__doc__ or contract.event_type,
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{name}"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": spec.key},
                "bindingVersion": "0.5.0",
            }
        },
        "examples": [{"name": "example", "payload": example_message(contract)}],
    }


def _drop_unused_schemas(doc: dict[str, Any]) -> None:
    """Remove schemas that only FastStream's replaced messages used (such as EmptyPayload)."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    while True:
        text = json.dumps({k: v for k, v in doc.items() if k != "components"}) + json.dumps(
            doc["components"].get("messages", {})
        )
        text += json.dumps(schemas)
        unused = [name for name in schemas if f"#/components/schemas/{name}" not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]


class AsyncAPIDocument:
    """A finished document in the shape FastStream's HTML page expects (`to_json`)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    @property
    def title(self) -> str:
        """The document's title, for the HTML page."""
        return str(self.document.get("info", {}).get("title", "Steward"))

    def to_json(self) -> str:
        """The document as JSON text."""
        return json.dumps(self.document)
