"""EndpointPickerConfig facts per release (`data/<line>/epc_plugins.yaml`).

Rules GIE062–GIE068 and GIE014 read the registry of plugin types, their roles and the feature gates of the
release in force from here, so a new release is a data change, not a code change.
"""

from __future__ import annotations

import functools
from typing import Any

from gie_lint.releases import catalog, versions


def _facts() -> dict[str, Any]:
    facts: dict[str, Any] = versions.line().data("epc_plugins")
    return facts


def _of(release: versions.Release) -> dict[str, Any]:
    """The line's EndpointPickerConfig facts; empty for a line whose EPP reads no config (lwepp)."""
    if not catalog.has(release.line.project, "epc_plugins"):
        return {"plugins": {}, "feature_gates": {}, "references": []}
    facts: dict[str, Any] = release.line.data("epc_plugins")
    return facts


def fact(name: str, release: versions.Release | None = None) -> Any:
    """A fact of the line's `epc_plugins.yaml` (the default line's without a release); None where the line
    does not record it."""
    return (_of(release) if release is not None else _facts()).get(name)


def plugin_entry(plugin_type: str, release: versions.Release) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = _of(release)["plugins"].get(plugin_type)
    return entry


@functools.cache
def registered(release: versions.Release) -> dict[str, list[str]]:
    """type → roles for every type the upstream EPP of `release` registers."""
    return {name: entry["roles"] for name, entry in _of(release)["plugins"].items()
            if versions.in_window(entry, release)}


def roles(release: versions.Release, plugin_type: str) -> list[str] | None:
    """The roles of a registered type; None when the type is not registered (or unknown)."""
    return registered(release).get(plugin_type)


@functools.cache
def feature_gates(release: versions.Release) -> list[str]:
    return [name for name, entry in _of(release)["feature_gates"].items() if versions.in_window(entry, release)]


def feature_gate_entry(name: str, release: versions.Release) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = _of(release)["feature_gates"].get(name)
    return entry


@functools.cache
def references(release: versions.Release) -> list[dict[str, Any]]:
    return [ref for ref in _of(release)["references"] if versions.in_window(ref, release)]
