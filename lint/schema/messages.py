"""JSON Schema errors -> Violations with messages that say what to change.

jsonschema-rs reports *what* failed (keyword, instance, schema location); a linter has to say what to
write instead: an unknown key gets the close known name, a quoted number is told to drop the quotes, an
anyOf/oneOf failure becomes one message instead of one per branch. lint/schema/store.py calls
:func:`violations_from_error` for every error of a document; this module knows nothing about loading
schemas.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Protocol

from gie_lint.schema.violation import Violation
from gie_lint.shape import JsonPath, dotted


class DescribedSchema(Protocol):
    """What a message needs of the schema that failed (kept apart from the store, which imports this)."""

    api_version: str
    kind: str

    def node_at(self, path: JsonPath) -> dict[str, Any] | None: ...

_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "true/false", "null": "null"}


def _show(value: Any) -> str:
    """A value as the user wrote it in YAML (strings unquoted), short."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."




def _type_hint(value: Any, types: list[str]) -> str:
    want = [t for t in types if t != "null"] or types
    words = " or ".join(want)
    if value is None:
        return f"`null` is not allowed here (expected {words}): give a value or remove the key"
    if isinstance(value, (dict, list)):
        fix = {"object": "write key: value pairs, not a list", "array": "write a list (lines starting with `- `)"}
        expected = " or ".join(_TYPE_WORDS.get(t, t) for t in want)
        found = "a mapping" if isinstance(value, dict) else "a list"
        return f"expected {expected}, found {found}: " + next((fix[t] for t in want if t in fix), f"write {expected}")
    shown = _show(value)
    if isinstance(value, str) and {"integer", "number"} & set(want) and re.fullmatch(r"[-+]?\d+(\.\d+)?", value):
        hint = "write a number without quotes"
    elif isinstance(value, str) and "boolean" in want and value.lower() in ("true", "false"):
        hint = f"write {value.lower()} without quotes"
    elif "string" in want and not isinstance(value, str):
        hint = f'quote it: "{shown}"'
    elif "integer" in want and isinstance(value, float):
        hint = "write a whole number"
    elif "array" in want:
        hint = "write a list (lines starting with `- `)"
    elif "object" in want:
        hint = "write key: value pairs"
    else:
        hint = f"write {' or '.join(_TYPE_WORDS.get(t, t) for t in want)}"
    return f"`{shown}` is not of type {words}: {hint}"


def _collapse(error: Any) -> str | None:
    """One message for an anyOf/oneOf failure instead of one per branch (None = not an error)."""
    value = error.instance
    if error.kind.name == "oneOf" and type(error.kind).__name__ == "OneOfMultipleValid":
        # Only the int-or-string definition of the strict schemas does this, on null: Kubernetes reads
        # null as "unset" there, so it is not a problem.
        return None if value is None else f"`{_show(value)}` matches more than one allowed form: make it unambiguous"
    branches = [list(b) for b in error.kind.context]
    if branches and all(b and all(e.kind.name == "type" for e in b) for b in branches):
        types = sorted({t for b in branches for e in b for t in e.kind.types})
        return _type_hint(value, types)
    closest = min((b for b in branches if b), key=len, default=[])
    detail = f" (closest: {closest[0].message})" if closest else ""
    return f"`{_show(value)}` does not match any allowed form{detail}: fix the value"


def _simple_message(error: Any) -> str:
    name, kind, value = error.kind.name, error.kind, error.instance
    shown = _show(value)
    if name == "enum":
        options = ", ".join(_show(o) for o in kind.options[:12])
        return f"`{shown}` is not one of {options}: use one of these"
    if name == "const":
        return f"`{shown}` must be `{_show(kind.expected_value)}`"
    if name == "pattern":
        return f"`{shown}` does not match the pattern `{kind.pattern}`: fix the value"
    limit: Any = getattr(kind, "limit", None)
    measured = {"minLength": ("characters", len(value) if isinstance(value, str) else 0),
                "maxLength": ("characters", len(value) if isinstance(value, str) else 0),
                "minItems": ("items", len(value) if isinstance(value, list) else 0),
                "maxItems": ("items", len(value) if isinstance(value, list) else 0),
                "minProperties": ("entries", len(value) if isinstance(value, dict) else 0),
                "maxProperties": ("entries", len(value) if isinstance(value, dict) else 0)}
    if name in measured:
        unit, count = measured[name]
        what = f"`{shown}`" if isinstance(value, str) else "this value"
        if name.startswith("max"):
            return f"{what} has {count} {unit}, at most {limit} allowed: remove {count - limit}"
        return f"{what} has {count} {unit}, at least {limit} required: add {limit - count}"
    if name in ("minimum", "exclusiveMinimum"):
        return f"`{shown}` is too small (minimum {limit}{', exclusive' if 'exclusive' in name else ''}): raise it"
    if name in ("maximum", "exclusiveMaximum"):
        return f"`{shown}` is too large (maximum {limit}{', exclusive' if 'exclusive' in name else ''}): lower it"
    if name == "uniqueItems":
        return "list items must be unique: remove the duplicates"
    return str(error.message)


def is_broken_ref(error: Any) -> bool:
    """A `$ref` that does not resolve: a broken schema, not a problem of the document."""
    return error.kind.name == "Referencing" or type(error.kind).__name__ == "Referencing"


def violations_from_error(error: Any, schema: DescribedSchema) -> list[Violation]:
    """Convert one jsonschema-rs error; additionalProperties yields one Violation per unknown key.

    A broken `$ref` (:func:`is_broken_ref`) is the caller's to raise as a SchemaError before this.
    """
    name, path = error.kind.name, tuple(error.instance_path)
    if name == "additionalProperties":
        node = schema.node_at(path) or {}
        known = sorted(node.get("properties") or {})
        out = []
        for key in error.kind.unexpected:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            fix = f"remove it or rename it to `{close[0]}`" if close else "remove it"
            message = f"unknown field `{key}`: {fix} (not in the {schema.api_version} {schema.kind} schema)"
            out.append(Violation((*path, key), name, message, key))
        return out
    if name == "required":
        where = f"add it under `{dotted(path)}`" if path else "add it at the top level"
        return [Violation(path, name, f"missing required field `{error.kind.property}`: {where}", error.kind.property)]
    if name == "type":
        return [Violation(path, name, _type_hint(error.instance, list(error.kind.types)))]
    if name in ("anyOf", "oneOf"):
        collapsed = _collapse(error)
        return [] if collapsed is None else [Violation(path, name, collapsed)]
    return [Violation(path, name, _simple_message(error))]
