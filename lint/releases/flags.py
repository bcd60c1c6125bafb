"""The EPP's flags per release, from `lint/releases/data/epp_flags.yaml`: names, types, defaults, parser.

What a release's EPP accepts is data; `lint.topology.eppargs` parses a container's command line against
the `FlagSet` of the release that judges it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from lint.releases.versions import Release, in_force, in_window, line


def _table() -> dict[str, Any]:
    table: dict[str, Any] = line().data("epp_flags")
    return table


def camel_to_kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "-" + m.group(1).lower(), name)


@dataclass(frozen=True)
class FlagSpec:
    """One flag as a release defines it."""

    name: str  # canonical kebab name
    type: str  # string | bool | int | duration | float
    spelling: str  # the name this release accepts (camelCase on v0.x when it had one)
    default: str | None
    library: bool = False  # zap / klog / controller-runtime, not the EPP's own

    @property
    def bool(self) -> bool:
        return self.type == "bool"


@dataclass(frozen=True)
class FlagSet:
    """Every flag one release's EPP accepts, by the spelling it accepts and by canonical name."""

    tag: str
    parser: str  # goflag | pflag
    by_spelling: dict[str, FlagSpec]
    by_name: dict[str, FlagSpec]
    camel: bool  # the release spells the GIE flags in camelCase

    def spec(self, name: str) -> FlagSpec | None:
        return self.by_name.get(name)


def _default(entry: dict[str, Any], release: Release) -> str | None:
    value = in_force(entry.get("default") or {}, release)
    return None if value is None else str(value)


@functools.cache
def flagset(release: Release) -> FlagSet:
    table = release.line.data("epp_flags")
    parser = in_force(table["parsers"], release) or "goflag"
    camel = not release.at_least(table["camel_until"])
    by_spelling: dict[str, FlagSpec] = {}
    by_name: dict[str, FlagSpec] = {}
    for library, group in ((False, table["flags"]), (True, table["logging"])):
        for name, entry in group.items():
            if not in_window(entry, release):
                continue
            spelling = entry.get("camel", name) if camel and not library else name
            spec = FlagSpec(name, entry.get("type", "string"), spelling, _default(entry, release), library)
            by_spelling[spelling] = spec
            by_name[name] = spec
    return FlagSet(release.tag, parser, by_spelling, by_name, camel)


@functools.cache
def _camel_names() -> dict[str, str]:
    """Every camelCase spelling any release had → its kebab name."""
    return {entry["camel"]: name for name, entry in _table()["flags"].items() if "camel" in entry}


def canonical(bare: str) -> str:
    """The kebab name of a written flag name without dashes (`poolName` → `pool-name`)."""
    return _camel_names().get(bare) or camel_to_kebab(bare)


@functools.cache
def any_release_type(name: str) -> str | None:
    entry = _table()["flags"].get(name) or _table()["logging"].get(name)
    return entry.get("type", "string") if entry else None


def facts() -> dict[str, Any]:
    """The non-flag facts of `epp_flags.yaml` (config_required, pool_groups, …)."""
    return _table()


def window_open(key: str, release: Release) -> bool:
    """Whether `release` falls in the `{since, until}` window stored under `key`."""
    return in_window(release.line.data("epp_flags").get(key) or {}, release)


def by_release(key: str, release: Release) -> Any:
    """The value of a `{first release: value}` map in force at `release` (None before the first)."""
    return in_force(release.line.data("epp_flags").get(key) or {}, release)


def legacy_metric_flags() -> tuple[str, ...]:
    return tuple(_table()["legacy_metric_flags"])


def legacy_metric_flags_rejected(release: Release) -> bool:
    return release.at_least(release.line.data("epp_flags")["legacy_metric_flags_rejected_since"])


