"""The first problem of an invalid config, worded for a human: which key, what is wrong, what to write.

The config schema (`config.schema.json`) is judged by jsonschema-rs, and its errors are worded as the manifests'
schema errors are (`gie_lint.schema.messages`): "unknown key `bogus`: remove it or rename it to `files`", never
"Additional properties are not allowed ('bogus', 'paths' were unexpected)". A pattern is described by the form
it stands for, never shown as a regex.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gie_lint import spelling
from gie_lint.schema.jsonnode import node_at
from gie_lint.schema.messages import violations_from_error

_VERSION = r"^v?\d+\.\d+(\.\d+)?$"
# Every `pattern` in config.schema.json, as the form a user should write (a test keeps the two in step).
FORMS = {
    _VERSION: "a version like v1.5.0 or 1.5",
    r"^(v?\d+\.\d+(\.\d+)?|main)$": "a version like v0.10.0, or main",
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": "a namespace name (lower-case letters, digits and `-`)",
    r"^[A-Za-z_][A-Za-z0-9_]*$": "a variable name (letters, digits and `_`, not starting with a digit)",
    r"^([Gg][Ii][Ee]\d{0,3}|[a-z0-9]+(-[a-z0-9]+)*)$": "a rule id (GIE040), name (epp-replicas-without-le) or "
                                                       "id prefix (GIE0)",
    r"^(GIE\d{3}|[a-z0-9]+(-[a-z0-9]+)*)$": "a rule id (GIE040) or name (epp-replicas-without-le)",
    r"\S": "some text (not only spaces)",
}

# Keys other linters' configs use for what gie-lint calls otherwise.
_SYNONYMS = {"paths": "files", "path": "files", "include": "files", "version": "gie_version",
             "disable": "ignore", "enable": "select", "extend-exclude": "exclude"}


@dataclass(frozen=True)
class Problem:
    path: tuple[Any, ...]  # where in the config: the key to point at
    message: str


class _ConfigSchema:
    """The config schema as `violations_from_error` needs it: its name and the node at a path."""

    api_version, kind = "gie-lint", "config"

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def node_at(self, path: tuple[Any, ...]) -> dict[str, Any] | None:
        return node_at(self.schema, path)


def first_problem(schema: dict[str, Any], errors: list[Any]) -> Problem | None:
    """The problem to report of jsonschema-rs `errors` (the first by place in the config), or None."""
    described = _ConfigSchema(schema)
    # By place; at one place an unknown key first: `paths:` for `files:` also makes `files` missing.
    ordered = sorted(errors, key=lambda e: ([str(part) for part in e.instance_path],
                                            e.kind.name != "additionalProperties"))
    return _problem(ordered[0], described) if ordered else None


def _problem(error: Any, schema: _ConfigSchema) -> Problem:
    path = tuple(error.instance_path)
    if error.kind.name == "propertyNames":  # a key of the wrong form: point at the key, say the form
        inner = error.kind.error
        return Problem((*path, inner.instance), f"`{inner.instance}` is not {_form(inner)}")
    if error.kind.name == "pattern":
        return Problem(path, f"`{error.instance}` is not {_form(error)}")
    if error.kind.name == "additionalProperties":
        node = schema.node_at(path) or {}
        known = sorted(node.get("properties") or {})
        unexpected = sorted(error.kind.unexpected)
        fixes = [_unknown_key(key, known) for key in unexpected]
        guessed = all("rename it" in fix for fix in fixes)
        allowed = f" (allowed here: {', '.join(known)})" if known and not guessed else ""
        return Problem((*path, unexpected[0]), "; ".join(fixes) + allowed)
    violations = violations_from_error(error, schema)
    message = violations[0].message if violations else str(error.message)
    return Problem(violations[0].path if violations else path, message.replace("field `", "key `"))


def _unknown_key(key: str, known: list[str]) -> str:
    close = [_SYNONYMS[key]] if _SYNONYMS.get(key) in known else spelling.closest(key, known, cutoff=0.75)
    return f"unknown key `{key}`: " + (f"remove it or rename it to `{close[0]}`" if close else "remove it")


def _form(error: Any) -> str:
    pattern = error.kind.pattern
    form = FORMS.get(pattern, "in the expected form")
    normal = spelling.normalized_version(str(error.instance)) if pattern == _VERSION else None
    return form + (f" (did you mean {normal}?)" if normal else "")
