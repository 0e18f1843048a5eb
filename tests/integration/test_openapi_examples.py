"""Every request field of the four APIs has a description and a realistic example its own schema accepts."""

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.inprocess import SERVICES, build_app, offline_settings

MONEY_PATTERN = r"^-?\d{1,15}(\.\d{1,2})?$"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _options(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]


def _is_model(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A nested object model (or a list of them): its own fields carry the examples."""
    for option in _options(schema):
        target = _resolve(doc, option.get("items", option))
        if "properties" in target:
            return True
    return False


def _request_models(doc: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    todo = []
    for operations in doc["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            todo += re.findall(r"#/components/schemas/([\w.\-]+)", str(content))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += re.findall(r"#/components/schemas/([\w.\-]+)", str(doc["components"]["schemas"][name]))
    return {n for n in found if "properties" in doc["components"]["schemas"][n]}


def _problems(doc: dict[str, Any]) -> list[str]:
    problems = []
    for model in sorted(_request_models(doc)):
        for field, prop in doc["components"]["schemas"][model]["properties"].items():
            where = f"{model}.{field}"
            described = "description" in prop or any(
                "description" in _resolve(doc, option) for option in _options(prop)
            )
            if not described:
                problems.append(f"{where}: no description")
            if _is_model(doc, prop):
                continue
            examples = prop.get("examples")
            if not examples:
                problems.append(f"{where}: no example")
                continue
            validator = Draft202012Validator({**prop, "components": doc["components"]})
            for example in examples:
                errors = [e.message for e in validator.iter_errors(example)]
                if errors:
                    problems.append(f"{where}: example {example!r} is refused: {errors[0]}")
                text = str(prop)
                if MONEY_PATTERN in text and not re.fullmatch(r"-?\d+\.\d{2}", str(example)):
                    problems.append(f"{where}: money example {example!r} is not a string with two decimals")
                if "date-time" in text and not re.search(r"(Z|[+-]\d\d:\d\d)$", str(example)):
                    problems.append(f"{where}: date-time example {example!r} has no offset")
                if field == "name" and not CJK.search(str(example)):
                    problems.append(f"{where}: a name's example should be a Chinese name, not {example!r}")
    return problems


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_field_has_a_description_and_a_realistic_valid_example(service, tmp_path):
    app = build_app(service, offline_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    doc = app.openapi()
    assert _request_models(doc), "no request body found: is the walk broken?"
    assert _problems(doc) == []
