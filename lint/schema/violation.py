"""A schema-level problem inside one document, before it becomes a finding.

Schema engines (JSON Schema, CEL, list-map keys) speak in JSON paths; rules turn these into findings
with positions and rule ids. Keeping this type tiny lets the schema layer stay ignorant of rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from gie_lint.shape import JsonPath


@dataclass(frozen=True, order=True)
class Violation:
    """One schema violation.

    path: where the problem is. For an unknown field the path ends with that field's key (so it points
    at the key's line); for a missing required field it is the parent object (``detail`` names the field).
    keyword: the schema keyword that failed ("additionalProperties", "required", "type", "enum",
    "maxItems", "pattern", "x-kubernetes-validations", "x-kubernetes-list-type", ...).
    message: what is wrong and what to change, for a human.
    detail: the unknown/missing property name, the CEL rule text, or None.
    """

    path: JsonPath
    keyword: str
    message: str
    detail: str | None = None
