"""Is a contract's new JSON Schema compatible with the committed one of the same schema_version?

Within a version a change must be additive: a new optional field is fine; a removed field, a field
whose type, format or pattern changed, a new required field, or a field no longer required is not.
"""

import json
from typing import Any

Schema = dict[str, Any]


def incompatibilities(old: Schema, new: Schema) -> list[str]:
    """What in `new` breaks a producer or consumer written against `old`; empty when compatible."""
    problems: list[str] = []
    _compare(old, new, old.get("$defs", {}), new.get("$defs", {}), "", problems, 0)
    return problems


def _resolve(node: Schema, defs: Schema) -> Schema:
    for _ in range(32):
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node
        node = defs[ref.rsplit("/", 1)[-1]]
    raise ValueError("schema $ref chain too deep")


def shape(node: Schema, defs: Schema) -> str:
    """A one-line description of a node's type: what may not change within a version."""
    node = _resolve(node, defs)
    if "anyOf" in node:
        return " | ".join(sorted(shape(branch, defs) for branch in node["anyOf"]))
    if "const" in node:
        return f"const {json.dumps(node['const'])}"
    if "enum" in node:
        return f"enum {json.dumps(sorted(str(v) for v in node['enum']))}"
    kind = node.get("type", "any")
    text = "|".join(sorted(kind)) if isinstance(kind, list) else str(kind)
    if "format" in node:
        text += f" (format {node['format']})"
    if "pattern" in node:
        text += f" (pattern {node['pattern']})"
    return text


def _compare(
    old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str, out: list[str], depth: int
) -> None:
    if depth > 32:
        return
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    where = path or "message"
    before, after = shape(old, old_defs), shape(new, new_defs)
    if before != after:
        out.append(f"{where}: retyped from {before} to {after}")
        return
    if "anyOf" in old and "anyOf" in new:
        olds = sorted(old["anyOf"], key=lambda n: shape(n, old_defs))
        news = sorted(new["anyOf"], key=lambda n: shape(n, new_defs))
        for o, n in zip(olds, news, strict=True):
            _compare(o, n, old_defs, new_defs, path, out, depth + 1)
        return
    if old.get("type") == "array":
        items_old, items_new = old.get("items"), new.get("items")
        if isinstance(items_old, dict) and isinstance(items_new, dict):
            _compare(items_old, items_new, old_defs, new_defs, f"{path}[]", out, depth + 1)
        return
    if old.get("type") == "object":
        _compare_object(old, new, old_defs, new_defs, path, out, depth)


def _compare_object(
    old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str, out: list[str], depth: int
) -> None:
    prefix = f"{path}." if path else ""
    old_props: Schema = old.get("properties", {})
    new_props: Schema = new.get("properties", {})
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    for name, node in old_props.items():
        if name not in new_props:
            out.append(f"{prefix}{name}: removed")
        else:
            _compare(node, new_props[name], old_defs, new_defs, f"{prefix}{name}", out, depth + 1)
    for name in sorted(new_required - old_required):
        what = "now required" if name in old_props else "new required field"
        out.append(f"{prefix}{name}: {what}")
    for name in sorted(old_required - new_required):
        if name in new_props:
            out.append(f"{prefix}{name}: no longer required (readers rely on it)")
    extra_old, extra_new = old.get("additionalProperties"), new.get("additionalProperties")
    if isinstance(extra_old, dict) and isinstance(extra_new, dict):
        _compare(extra_old, extra_new, old_defs, new_defs, f"{prefix}*", out, depth + 1)
