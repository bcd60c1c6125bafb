"""The releases matrix: per release of every line, what changed, computed from the same data the rules read.

Each row compares a release with the one before it on its line: CRD kinds and API versions (the bundled
schemas of `schemas/index.json`), EndpointPickerConfig API versions and top-level fields, EPP flags and
plugin types added or removed (`in_window` over `epp_flags.yaml` / `epc_plugins.yaml`), and renames.
"""

from __future__ import annotations

from typing import Any

from gie_lint.docs.text import code, esc
from gie_lint.releases import builds, plugins
from gie_lint.releases.versions import Release, ReleaseLine, in_force, in_window
from gie_lint.schema import catalog

_LINE_SCHEMAS = {"gie": "gie", "llm-d-router": "llm-d-router"}


def _code(items: list[str]) -> str:
    return ", ".join(code(item) for item in items) or "–"


def _crds(line: ReleaseLine, tag: str, index: dict[str, Any]) -> list[str]:
    key = _LINE_SCHEMAS.get(line.project)
    entries = index.get(key, {}).get(tag, {}) if key else {}
    return sorted(f"{name.split('|')[1]} {name.split('|')[0]}" for name in entries)


def _flags(release: Release) -> set[str]:
    table = release.line.data("epp_flags")
    return {name for name, entry in table["flags"].items() if in_window(entry, release)}


def _plugins(release: Release) -> set[str]:
    return set(plugins.registered(release))


def _renames(release: Release, previous: Release | None) -> list[str]:
    """Plugin types that stop at this release with a `replaced_by`, and the flag spelling and parser changes."""
    if previous is None:
        return []
    out = []
    table = release.line.data("epp_flags")
    if table.get("camel_until") == release.tag:
        out.append("EPP flags camelCase → kebab-case (poolName → pool-name)")
    parser, before = in_force(table.get("parsers", {}), release), in_force(table.get("parsers", {}), previous)
    if parser != before:
        out.append(f"flag parser {before} → {parser}")
    for name, entry in sorted((plugins.fact("plugins", release) or {}).items()):
        if entry.get("until") == release.tag and entry.get("replaced_by"):
            out.append(f"{name} → {entry['replaced_by']}")
    return out


def rows(line: ReleaseLine) -> list[dict[str, Any]]:
    """One dict per release of `line`, oldest first, with what it added and removed."""
    index = catalog.Index(catalog.schemas_dir()).data
    out: list[dict[str, Any]] = []
    previous: Release | None = None
    for tag in line.tags:
        release = line.release(tag)
        epc = release.epc() or {}
        flags, types = _flags(release), _plugins(release)
        crds = _crds(line, tag, index)
        before = (_flags(previous), _plugins(previous), _crds(line, previous.tag, index),
                  set((previous.epc() or {}).get("fields", []))) if previous else (set(), set(), [], set())
        fields = list(epc.get("fields", []))
        api = builds.gie_api_of(release)
        out.append({
            "release": tag, "date": release.facts.get("date", ""),
            "gie_api": api.tag if api is not None and line.project != "gie" else None,
            "crds": crds, "crds_added": sorted(set(crds) - set(before[2])),
            "crds_removed": sorted(set(before[2]) - set(crds)),
            "config_api_versions": list(epc.get("epc_api_versions", [])),
            "config_fields": fields, "config_fields_added": [f for f in fields if f not in before[3]],
            "config_fields_removed": sorted(before[3] - set(fields)),
            "flags_added": sorted(flags - before[0]), "flags_removed": sorted(before[0] - flags),
            "plugins_added": sorted(types - before[1]), "plugins_removed": sorted(before[1] - types),
            "renames": _renames(release, previous),
        })
        previous = release
    return out


def page() -> str:
    parts = ["# Releases", "",
             "Generated from the release data the rules read (`lint/releases/data/`) and the bundled CRD schemas "
             "(`schemas/index.json`). Each row lists what a release changed compared with the previous release of "
             "its line; the first row of a line lists everything it has.", ""]
    for line in builds.lines():
        parts += [f"## {esc(line.name)} (`{line.project}`)", "",
                  "| Release | Date | CRDs (kind, API version) | Config API versions | Config fields | "
                  "Flags added | Flags removed | Plugin types added | Plugin types removed | Renames |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for row in rows(line):
            release = row["release"] + (f" (GIE API {row['gie_api']})" if row["gie_api"] else "")
            crds = _code(row["crds"]) + (f"<br>new: {_code(row['crds_added'])}" if row["crds_added"]
                                          and row["crds_added"] != row["crds"] else "")
            crds += f"<br>dropped: {_code(row['crds_removed'])}" if row["crds_removed"] else ""
            fields = ("added: " + _code(row["config_fields_added"]) if row["config_fields_added"] else "") + (
                "<br>removed: " + _code(row["config_fields_removed"]) if row["config_fields_removed"] else "")
            parts.append(" | ".join(["", esc(release), esc(row["date"]), crds, _code(row["config_api_versions"]),
                                     fields or "–", _code(row["flags_added"]),
                                     _code(row["flags_removed"]), _code(row["plugins_added"]),
                                     _code(row["plugins_removed"]), _code(row["renames"]), ""]).strip())
        parts.append("")
    return "\n".join(parts)
