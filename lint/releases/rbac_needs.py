"""What the EPP's ServiceAccount must be allowed to do, per release (`data/<line>/epp_rbac.yaml`)."""

from __future__ import annotations

from typing import Any

from gie_lint.releases.versions import Release, in_force, line, parse


def needs_table() -> dict[str, Any]:
    table: dict[str, Any] = line().data("epp_rbac")
    return table


def needs(release: Release) -> dict[str, Any]:
    """The entry of `releases` in force for `release` (the newest not newer than it, else the oldest)."""
    entries: dict[str, Any] = release.line.data("epp_rbac")["releases"]
    chosen: dict[str, Any] = in_force(entries, release) or entries[min(entries, key=lambda t: parse(t))]
    return chosen
