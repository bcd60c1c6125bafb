"""Release lines and their releases: which release is in force, and why (flag, config, or the EPP image tag).

A release line is a project whose EPP releases gie-lint knows (today GIE): its versions and per-release
facts are data (`lint/releases/data/<line>/`, read through `catalog`). Every `since`/`until` window and every
version comparison in the package goes through `parse` and `in_window` here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lint.releases import catalog

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
    epp_image: re.Pattern[str]
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

    def release(self, tag: str) -> Release:
        """The release a tag is judged at: the newest known release not newer than it."""
        wanted = parse(tag)
        candidates = [t for t in self.tags if parse(t) <= wanted]
        if not candidates:
            raise VersionError(f"GIE {tag} is older than the oldest supported release {self.tags[0]}")
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

    def reached(self, milestone: str) -> bool:
        """Whether this release has the behaviour that `milestones[milestone]` of its line introduced."""
        return self.at_least(self.line.milestones[milestone])

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


@functools.cache
def line(project: str = catalog.LINES[0]) -> ReleaseLine:
    doc = catalog.document(project, "releases")
    head = doc["line"]
    return ReleaseLine(head["project"], head["name"], re.compile(head["epp_image"]), doc["releases"],
                       doc["milestones"], doc["defaults"], doc["epc_renames"])


def known() -> list[str]:
    return line().tags


def release(tag: str) -> Release:
    return line().release(tag)


def epc_renames() -> Mapping[str, Mapping[str, str]]:
    return line().epc_renames


def newest() -> Release:
    return line().newest()


def epp_image_tags(images: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(tag, where) for every upstream EPP image among (image, where) pairs."""
    found = []
    for image, where in images:
        match = line().epp_image.search(image)
        if match:
            found.append((match.group("tag"), where))
    return found


def choose(requested: str | None, requested_from: str, images: Iterable[tuple[str, str]]) -> Choice:
    """`--gie-version` (or config) wins; else the EPP image tag; else the newest release."""
    if requested:
        chosen = release(requested)
        note = "" if chosen.tag == _normal(requested) else f", judged as {chosen.tag}"
        return Choice(chosen, f"{requested_from} {requested}{note}")
    for tag, where in epp_image_tags(images):
        try:
            wanted = parse(tag)
        except VersionError:
            continue  # `main`, `latest`, a digest: says nothing about the release
        if wanted < parse(known()[0]):
            return Choice(release(known()[0]), f"EPP image tag {tag} ({where}) predates the oldest supported "
                                               f"release; judged as {known()[0]}")
        chosen = release(tag)
        note = "" if chosen.tag == _normal(tag) else f", judged as {chosen.tag}"
        return Choice(chosen, f"inferred from the EPP image tag {tag} ({where}){note}")
    latest = newest()
    return Choice(latest, "newest supported release (no --gie-version and no versioned EPP image)")


def _normal(tag: str) -> str:
    major, minor, patch = parse(tag)
    return f"v{major}.{minor}.{patch}"
