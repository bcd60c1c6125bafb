"""Shared vocabulary for rules that report schema violations (not a rule module itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gie_lint import shape
from gie_lint.rules.api import Hit, Scenario
from gie_lint.schema.violation import Violation
from gie_lint.shape import JsonPath
from gie_lint.source.resources import Resource

GIE_GROUPS = ("inference.networking.k8s.io", "inference.networking.x-k8s.io")
V1_POOL = "inference.networking.k8s.io/v1"
V1ALPHA2_POOL = "inference.networking.x-k8s.io/v1alpha2"


def unknown_field(violation: Violation) -> str | None:
    """The unexpected key of an additionalProperties violation (the path ends with it)."""
    if violation.keyword == "additionalProperties" and violation.path:
        key = violation.path[-1]
        return key if isinstance(key, str) else None
    return None


def missing_field(violation: Violation) -> str | None:
    return violation.detail if violation.keyword == "required" else None


def under(violation: Violation, *prefix: str | int) -> bool:
    return violation.path[:len(prefix)] == prefix


def is_cel(violation: Violation) -> bool:
    return violation.keyword == "x-kubernetes-validations"


def dotted(path: JsonPath) -> str:
    return shape.dotted(path, "(document)")


def claimed_hits(resource: Resource, scenario: Scenario, claims: Callable[[Resource, Violation], bool],
                 describe: Callable[[Resource, Violation], Hit | None]) -> Iterator[Hit]:
    """Hits for the violations a rule claims, one per (path, message)."""
    seen: set[tuple[JsonPath, str]] = set()
    for violation in scenario.schema(resource).violations:
        if not claims(resource, violation):
            continue
        hit = describe(resource, violation)
        if hit is not None and (hit.path, hit.message) not in seen:
            seen.add((hit.path, hit.message))
            yield hit


def first(values: Iterable[Any]) -> Any:
    return next(iter(values), None)
