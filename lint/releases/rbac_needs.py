"""What the EPP's ServiceAccount must be allowed to do, per release (`lint/releases/data/epp_rbac.yaml`)."""

from __future__ import annotations

import functools
from importlib import resources as package_files
from typing import Any

import yaml

from lint.releases.versions import Release, parse


@functools.cache
def needs_table() -> dict[str, Any]:
    text = package_files.files("lint.releases.data").joinpath("epp_rbac.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def needs(release: Release) -> dict[str, Any]:
    """The entry of `releases` in force for `release` (the newest not newer than it)."""
    entries = sorted(needs_table()["releases"].items(), key=lambda kv: parse(kv[0]))
    chosen: dict[str, Any] = entries[0][1]
    for tag, entry in entries:
        if release.at_least(tag):
            chosen = entry
    return chosen
