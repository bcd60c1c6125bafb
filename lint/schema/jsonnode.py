"""Schema documents as plain JSON: YAML values made JSON-compatible, and the schema node at a document path."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

from gie_lint.shape import JsonPath


def json_compatible(value: Any) -> Any:
    """The document as the API server receives it: kubectl turns YAML into JSON first, so YAML
    timestamps become strings and non-string keys (`8080:`, `on:`) become strings."""
    if isinstance(value, dict):
        return {_json_key(k): json_compatible(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_compatible(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def _json_key(key: Any) -> str:
    return key if isinstance(key, str) else json.dumps(key) if isinstance(key, (bool, type(None))) else str(key)


IMPLIED_BY_TYPE = frozenset({"enum", "const", "pattern", "format", "minLength", "maxLength", "minimum", "maximum"})


def _resolve(node: Any, root: dict[str, Any], definitions: dict[str, Any] | None) -> Any:
    """Follow ``$ref``: ``#/$defs/...`` of the Kubernetes definitions document, else of ``root``."""
    for _ in range(32):
        if not isinstance(node, dict) or "$ref" not in node:
            return node
        pointer = str(node["$ref"]).partition("#")[2]
        target: Any = definitions if definitions and pointer.startswith("/$defs/") else root
        for part in filter(None, pointer.split("/")):
            target = target.get(part) if isinstance(target, dict) else None
        node = target
    return node


def node_at(schema: dict[str, Any], path: JsonPath, definitions: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The schema node that describes ``path`` (indices step into items, map keys into values)."""
    node: Any = _resolve(schema, schema, definitions)
    for part in path:
        if not isinstance(node, dict):
            return None
        if isinstance(part, int):
            node = node.get("items")
        elif part in (node.get("properties") or {}):
            node = node["properties"][part]
        else:
            node = node.get("additionalProperties")  # a map value; True/absent is "any key", not a field
            if not isinstance(node, dict):
                return None
        node = _resolve(node, schema, definitions)
    return node if isinstance(node, dict) else None
