"""Release lines and their releases: which release is in force, and why (flag, config, or the EPP image tag).

A release line is a project whose EPP releases gie-lint knows (today GIE): its versions and per-release
facts are data (`lint/releases/data/<line>/`, read through `catalog`). Every `since`/`until` window and every
version comparison in the package goes through `parse` and `in_window` here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gie_lint import spelling
from gie_lint.releases import catalog

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")


class VersionError(ValueError):
    """An unknown or malformed version: a usage error (exit 2)."""


def parse(tag: str) -> tuple[int, int, int]:
    """The one version parser: `v1.2.3`, `1.2`, `v1.2.3-rc.1` → (1, 2, 3)."""
    match = _SEMVER.match(tag.strip())
    if not match:
        raise VersionError(f"malformed version {tag!r} (expected vX.Y.Z)")
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


@dataclass(frozen=True, eq=False)
class ReleaseLine:
    """One project's EPP releases: its name, the image that identifies its EPP, its releases and milestones."""

    project: str
    name: str
    short: str  # the name in messages: "GIE v1.5.0", "llm-d-router v0.10.0"
    epp_image: re.Pattern[str]
    other_images: tuple[re.Pattern[str], ...]  # images of the line that are not an EPP (e.g. a P/D sidecar)
    disagg_images: tuple[re.Pattern[str], ...]  # of those, the ones that mark their pod as a model server
    epp_binaries: tuple[str, ...]  # the EPP's entrypoints (a `command:` naming one marks an EPP container)
    other_binaries: Mapping[str, str]  # entrypoint → role of the line's binaries that are not an EPP
    entries: Mapping[str, Mapping[str, Any]] = field(repr=False)
    milestones: Mapping[str, str] = field(repr=False)
    defaults: Mapping[str, Any] = field(repr=False)
    epc_renames: Mapping[str, Mapping[str, str]] = field(repr=False)

    @functools.cached_property
    def tags(self) -> list[str]:
        """Known release tags, oldest first."""
        return sorted(self.entries, key=parse)

    def data(self, name: str) -> Any:
        """Another validated data file of this line (epp_flags, epc_plugins, epp_rbac)."""
        return catalog.document(self.project, name)

    def release(self, tag: str, *, requested: bool = False) -> Release:
        """The release a tag is judged at: the newest known release not newer than it. A `requested` version
        (a flag, the config) of a minor newer than the newest known release is an error, not a silent guess."""
        try:
            wanted = parse(tag)
        except VersionError:
            if not requested:
                raise
            raise VersionError(f"malformed {self.short} version {tag!r} (expected vX.Y.Z"
                               f"{spelling.version_hint(tag, self.tags)})") from None
        newest = parse(self.tags[-1])
        if requested and wanted[:2] > newest[:2]:
            raise VersionError(f"{self.short} {tag} is newer than the releases gie-lint knows "
                               f"({', '.join(self.tags)}{spelling.version_hint(tag, self.tags)})")
        candidates = [t for t in self.tags if parse(t) <= wanted]
        if not candidates:
            raise VersionError(f"{self.short} {tag} is older than the oldest supported release {self.tags[0]} "
                               f"(known: {', '.join(self.tags)})")
        return Release(self, candidates[-1])

    def newest(self) -> Release:
        return Release(self, self.tags[-1])


@dataclass(frozen=True)
class Release:
    line: ReleaseLine = field(repr=False)  # compared by identity: one object per line
    tag: str

    @property
    def key(self) -> tuple[int, int, int]:
        return parse(self.tag)

    @property
    def facts(self) -> Mapping[str, Any]:
        return self.line.entries[self.tag]

    def at_least(self, tag: str) -> bool:
        return self.key >= parse(tag)

    @property
    def label(self) -> str:
        """The release as messages name it: `GIE v1.5.0`, `llm-d-router v0.10.0`."""
        return f"{self.line.short} {self.tag}"

    def reached(self, milestone: str) -> bool:
        """Whether this release has the behaviour that `milestones[milestone]` of its line introduced (a line
        whose milestone is null never has it)."""
        first = self.line.milestones[milestone]
        return first is not None and self.at_least(first)

    def epc(self) -> dict[str, Any] | None:
        spec = self.facts.get("epc")
        if spec is None:
            return None
        return {**self.line.defaults, **spec}


def in_window(entry: Mapping[str, Any], release: Release) -> bool:
    """The one `since`/`until` vocabulary: present from `since` (inclusive) until `until` (exclusive)."""
    since, until = entry.get("since"), entry.get("until")
    return (since is None or release.at_least(since)) and (until is None or not release.at_least(until))


def in_force(by_first_release: Mapping[str, Any], release: Release) -> Any:
    """The value of a `{first release: value}` map in force at `release` (None before its first entry)."""
    chosen = None
    for tag, value in sorted(by_first_release.items(), key=lambda kv: parse(kv[0])):
        if release.at_least(tag):
            chosen = value
    return chosen


@dataclass(frozen=True)
class Choice:
    """The release in force and a sentence saying why."""

    release: Release
    reason: str
    defaulted: bool = False  # no flag, config or versioned EPP image said it: the newest release was assumed


def line(project: str | None = None) -> ReleaseLine:
    """A release line by project (default: GIE); one object per line, so releases compare by identity."""
    return _line(project or catalog.LINES[0])


@functools.cache
def _line(project: str) -> ReleaseLine:
    doc = catalog.document(project, "releases")
    head = doc["line"]
    return ReleaseLine(head["project"], head["name"], head.get("short", head["name"]), re.compile(head["epp_image"]),
                       tuple(re.compile(p) for p in head.get("other_images", ())),
                       tuple(re.compile(p) for p in head.get("disagg_sidecar_images", ())),
                       tuple(head.get("epp_binaries", ())), head.get("other_binaries", {}), doc["releases"],
                       doc["milestones"], doc["defaults"], doc["epc_renames"])


def known() -> list[str]:
    return line().tags


def release(tag: str) -> Release:
    return line().release(tag)


def epc_renames() -> Mapping[str, Mapping[str, str]]:
    return line().epc_renames


def newest() -> Release:
    return line().newest()
