"""The rule registry: every rule is one declaration, discovered from `lint/rules/`.

The CLI (`gie-lint rules`), the docs pages and SARIF metadata all read this registry, so a rule's id,
name, severity and documentation live in exactly one place.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lint.result import Severity
from lint.schema.violation import JsonPath

SCOPES = ("source", "resource", "config", "scenario", "variants")
_ID = re.compile(r"^GIE\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields: where (a JSON path in the object or config) and what to change."""

    path: JsonPath
    message: str
    severity: Severity | None = None  # None: the rule's configured severity
    target: Any = None  # another object of the scenario to attach the finding to (scenario rules)


@dataclass(frozen=True)
class Rule:
    """One rule. `check` is None for source rules (the reader reports them as it reads)."""

    id: str
    name: str
    severity: Severity
    scope: str
    summary: str
    rationale: str
    bad: str
    good: str
    fix: str
    check: Callable[..., Iterable[Hit]] | None = None
    # For rules that report schema violations: does this rule own violation `v` of resource `r`?
    claims: Callable[[Any, Any], bool] | None = None
    since: str | None = None  # catalog section or note on which releases it applies to

    def __post_init__(self) -> None:
        if not _ID.match(self.id) or not _NAME.match(self.name) or self.scope not in SCOPES:
            raise ValueError(f"malformed rule declaration {self.id} {self.name} ({self.scope})")
        for part in ("summary", "rationale", "bad", "good", "fix"):
            if not getattr(self, part).strip():
                raise ValueError(f"rule {self.id} has no {part}")


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every module in `lint.rules`, sorted by id; duplicate ids or names are a bug."""
    import lint.rules as package

    found: dict[str, Rule] = {}
    names: set[str] = set()
    for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, Rule):
                if value.id in found and found[value.id] is not value:
                    raise RuntimeError(f"duplicate rule id {value.id}")
                if value.id not in found and value.name in names:
                    raise RuntimeError(f"duplicate rule name {value.name}")
                found[value.id] = value
                names.add(value.name)
    return tuple(sorted(found.values(), key=lambda rule: rule.id))


def by_name(name: str) -> Rule:
    for rule in all_rules():
        if rule.name == name or rule.id == name:
            return rule
    raise KeyError(name)
