"""EndpointPickerConfig facts per release (lint/releases/data/epc_plugins.yaml) and a normalised view of one config.

Rules GIE062–GIE068 and GIE014 read the registry of plugin types, their roles and the feature gates of the
release in force from here, so a new release is a data change, not a code change.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources as package_files
from typing import Any

import yaml

from lint.releases import versions
from lint.shape import JsonPath
from lint.source.placeholders import unresolved
from lint.topology.configs import elided


@functools.cache
def _facts() -> dict[str, Any]:
    text = package_files.files("lint.releases.data").joinpath("epc_plugins.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def _in_range(entry: dict[str, Any], release: versions.Release) -> bool:
    return release.at_least(entry["since"]) and not ("removed" in entry and release.at_least(entry["removed"]))


def fact(name: str) -> Any:
    return _facts()[name]


def plugin_entry(plugin_type: str) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = _facts()["plugins"].get(plugin_type)
    return entry


def registered(release: versions.Release) -> dict[str, list[str]]:
    """type → roles for every type the upstream EPP of `release` registers."""
    return {name: entry["roles"] for name, entry in _facts()["plugins"].items() if _in_range(entry, release)}


def roles(release: versions.Release, plugin_type: str) -> list[str] | None:
    """The roles of a registered type; None when the type is not registered (or unknown)."""
    return registered(release).get(plugin_type)


def feature_gates(release: versions.Release) -> list[str]:
    return [name for name, entry in _facts()["feature_gates"].items() if _in_range(entry, release)]


def feature_gate_entry(name: str) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = _facts()["feature_gates"].get(name)
    return entry


def references(release: versions.Release) -> list[dict[str, Any]]:
    return [ref for ref in _facts()["references"] if _in_range(ref, release)]


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
