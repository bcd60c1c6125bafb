"""The EPP's flags per release, from `lint/releases/data/epp_flags.yaml`: names, types, defaults, parser.

What a release's EPP accepts is data; `gie_lint.topology.eppargs` parses a container's command line against
the `FlagSet` of the release that judges it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from gie_lint.releases.versions import Release, ReleaseLine, in_force, in_window
from gie_lint.releases.versions import line as default_line


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
    line: ReleaseLine
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
    return FlagSet(release.tag, release.line, parser, by_spelling, by_name, camel)


def _of(line: ReleaseLine | None) -> dict[str, Any]:
    table: dict[str, Any] = (line or default_line()).data("epp_flags")
    return table


@functools.cache
def _camel_names(project: str) -> dict[str, str]:
    """Every camelCase spelling any release of the line had → its kebab name."""
    flags: dict[str, Any] = default_line(project).data("epp_flags")["flags"]
    return {entry["camel"]: name for name, entry in flags.items() if "camel" in entry}


def canonical(bare: str, line: ReleaseLine | None = None) -> str:
    """The kebab name of a written flag name without dashes (`poolName` → `pool-name`)."""
    return _camel_names((line or default_line()).project).get(bare) or camel_to_kebab(bare)


def any_release_type(name: str, line: ReleaseLine | None = None) -> str | None:
    """The type of a flag some release of the line defines (None: no release of it has the flag)."""
    table = _of(line)
    entry = table["flags"].get(name) or table["logging"].get(name)
    return entry.get("type", "string") if entry else None


def facts(release: Release | None = None) -> dict[str, Any]:
    """The non-flag facts of the line's `epp_flags.yaml` (config_required, pool_groups, …)."""
    return _of(release.line if release else None)


def window_open(key: str, release: Release) -> bool:
    """Whether `release` falls in the `{since, until}` window stored under `key`."""
    return in_window(release.line.data("epp_flags").get(key) or {}, release)


def by_release(key: str, release: Release) -> Any:
    """The value of a `{first release: value}` map in force at `release` (None before the first)."""
    return in_force(release.line.data("epp_flags").get(key) or {}, release)


def legacy_metric_flags(release: Release) -> tuple[str, ...]:
    return tuple(release.line.data("epp_flags")["legacy_metric_flags"])


def legacy_metric_flags_rejected(release: Release) -> bool:
    return release.at_least(release.line.data("epp_flags")["legacy_metric_flags_rejected_since"])


