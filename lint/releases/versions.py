"""GIE releases: which one is in force, and why (flag, config, or the EPP image tag)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources as package_files
from typing import Any

import yaml

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")
# The EPP image: upstream's `…/gateway-api-inference-extension/epp:TAG` (any registry mirror).
_EPP_IMAGE = re.compile(r"(?:^|/)gateway-api-inference-extension/epp:(?P<tag>[^@\s]+)")


class VersionError(ValueError):
    """An unknown or malformed version: a usage error (exit 2)."""


@dataclass(frozen=True)
class Release:
    tag: str
    facts: dict[str, Any]

    @property
    def key(self) -> tuple[int, int, int]:
        return parse(self.tag)

    def at_least(self, tag: str) -> bool:
        return self.key >= parse(tag)

    def epc(self) -> dict[str, Any] | None:
        spec = self.facts.get("epc")
        if spec is None:
            return None
        return {**_catalog()["defaults"], **spec}


@dataclass(frozen=True)
class Choice:
    """The release in force and a sentence saying why."""

    release: Release
    reason: str


def parse(tag: str) -> tuple[int, int, int]:
    match = _SEMVER.match(tag.strip())
    if not match:
        raise VersionError(f"malformed version {tag!r} (expected vX.Y.Z)")
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


@functools.cache
def _catalog() -> dict[str, Any]:
    text = package_files.files("lint.releases.data").joinpath("releases.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def known() -> list[str]:
    return sorted(_catalog()["releases"], key=parse)


def release(tag: str) -> Release:
    """The release a tag is judged at: the newest known release not newer than it."""
    wanted = parse(tag)
    candidates = [t for t in known() if parse(t) <= wanted]
    if not candidates:
        raise VersionError(f"GIE {tag} is older than the oldest supported release {known()[0]}")
    chosen = candidates[-1]
    return Release(chosen, _catalog()["releases"][chosen])


def epc_renames() -> dict[str, dict[str, str]]:
    renames: dict[str, dict[str, str]] = _catalog()["epc_renames"]
    return renames


def newest() -> Release:
    return release(known()[-1])


def epp_image_tags(images: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(tag, where) for every upstream EPP image among (image, where) pairs."""
    found = []
    for image, where in images:
        match = _EPP_IMAGE.search(image)
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
