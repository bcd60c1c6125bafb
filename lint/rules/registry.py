"""The rule registry: every rule declared in a module under `lint/rules/<group>/`, discovered automatically.

The CLI (`gie-lint rules`), the docs pages and SARIF metadata all read this registry, so a rule's id,
name, severity and documentation live in exactly one place. Duplicate ids or names are a bug, raised here.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import pkgutil
from collections.abc import Iterable

from gie_lint.rules.api import Rule

_NOT_RULES = ("gie_lint.rules.api", "gie_lint.rules.docs", "gie_lint.rules.registry")


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every module below `gie_lint.rules`, sorted by id."""
    import gie_lint.rules as package

    found: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        if module_info.name in _NOT_RULES:
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if not isinstance(value, Rule) or found.get(value.id) is value:
                continue
            if value.id in found:
                raise RuntimeError(f"duplicate rule id {value.id} ({module_info.name})")
            if value.name in names:
                raise RuntimeError(f"duplicate rule name {value.name} ({value.id} and {names[value.name]})")
            found[value.id] = value
            names[value.name] = value.id
    return tuple(sorted(found.values(), key=lambda rule: rule.id))


def module_of(rule: Rule) -> str:
    """The module that declares the rule (the check's module)."""
    return str(rule.check.__module__)  # type: ignore[attr-defined]


def lookup_id(token: str) -> str | None:
    """The id of the rule a token names (an id in any case, or a name); None when it names none."""
    for rule in all_rules():
        if token.upper() == rule.id or token.lower() == rule.name:
            return rule.id
    return None


def known(token: str) -> Rule | None:
    """The rule a token names (an id in any case, or a name), or None."""
    found = lookup_id(token)
    return next(rule for rule in all_rules() if rule.id == found) if found is not None else None


def lookup(token: str) -> Rule:
    """A rule by id (any case) or name; KeyError names the closest candidates."""
    found = lookup_id(token)
    if found is not None:
        return next(rule for rule in all_rules() if rule.id == found)
    names = [r.name for r in all_rules()]
    close = [r.id for r in all_rules() if r.id.startswith(token.upper()) or token.lower() in r.name]
    close += [n for n in difflib.get_close_matches(token.lower(), names, n=3, cutoff=0.6) if n not in close]
    hint = f" (did you mean {', '.join(close[:5])}?)" if close else " (see `gie-lint rules`)"
    raise KeyError(f"unknown rule {token!r}{hint}")


def matching(tokens: Iterable[str]) -> list[Rule]:
    """Rules named by id (GIE040), name (epp-replicas-without-le) or id prefix (GIE0, GIE04)."""
    wanted = [token.strip() for token in tokens if token.strip()]
    return [rule for rule in all_rules()
            if any(rule.name == t.lower() or (t.upper().startswith("GIE") and rule.id.startswith(t.upper()))
                   for t in wanted)]


def selected(select: Iterable[str] | None, ignore: Iterable[str]) -> tuple[Rule, ...]:
    """The rules a run uses: `select` (None: all) minus `ignore`."""
    chosen = all_rules() if select is None else tuple(matching(select))
    dropped = {rule.id for rule in matching(ignore)}
    return tuple(rule for rule in chosen if rule.id not in dropped)


# The rule scopes whose findings one file can settle alone (`check --file-local`): no scenario, variants or run rule.
FILE_LOCAL_SCOPES = frozenset({"source", "resource", "config"})


def file_local(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The rules of `rules` that judge one file at a time."""
    return tuple(rule for rule in rules if rule.scope in FILE_LOCAL_SCOPES)
