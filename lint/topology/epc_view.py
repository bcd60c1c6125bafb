"""A normalised view of one EndpointPickerConfig: its plugin declarations, profiles, and paths by pattern.

Shape only (no release facts): the config rules combine these views with `gie_lint.releases.plugins`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gie_lint.shape import JsonPath
from gie_lint.source.placeholders import unresolved
from gie_lint.topology.configs import elided


@dataclass(frozen=True)
class PluginDecl:
    """One `plugins[]` entry: its effective name (name, else type) and where it is written."""

    index: int
    name: str
    type: str
    path: JsonPath
    data: dict[str, Any]
    named: bool  # `name` is written (else the name defaults to the type)


def plugin_decls(data: Any) -> list[PluginDecl]:
    """The judgeable plugin declarations; elided (`...`) or malformed entries are left to GIE061."""
    items = data.get("plugins") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or elided(item):
            continue
        plugin_type, name = item.get("type"), item.get("name")
        if not isinstance(plugin_type, str) or not plugin_type:
            continue
        effective = name if isinstance(name, str) and name else plugin_type
        found.append(PluginDecl(index, effective, plugin_type, ("plugins", index), item, isinstance(name, str)))
    return found


def plugins_complete(data: Any) -> bool:
    """Every `plugins[]` entry is a judgeable declaration (nothing elided or templated away)."""
    items = data.get("plugins", []) if isinstance(data, dict) else None
    return isinstance(items, list) and len(plugin_decls(data)) == len(items) and not any(
        unresolved(d.name) or unresolved(d.type) for d in plugin_decls(data))


def walk(data: Any, pattern: list[str], path: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """(path, value) for every node matching `pattern` ("*" = each list item); elided parts are skipped."""
    if elided(data):
        return
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from walk(item, rest, (*path, index))
    elif isinstance(data, dict) and head in data:
        yield from walk(data[head], rest, (*path, head))


def profiles(data: Any) -> list[tuple[JsonPath, dict[str, Any]]]:
    """The judgeable `schedulingProfiles[]` entries with their paths."""
    return [(path, value) for path, value in walk(data, ["schedulingProfiles", "*"]) if isinstance(value, dict)]
