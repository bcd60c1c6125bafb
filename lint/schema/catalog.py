"""Which schema sets exist and which one a version names: `schemas/index.json` and the bundled Kubernetes schemas.

`schemas/index.json` (written by lint/schema/generate.py) maps each set to its files:
``{"gie": {tag: {"apiVersion|Kind": file}}, "gateway-api": {tag: {channel: {...}}}, "llm-d-router": {tag: {...}}}``.
One file may serve several sets (identical schemas are stored once), so a file never names its release: the
set it was looked up in does. This module resolves what a user writes (``1.4``, ``v1.4.1``, ``main``) to a
set, or raises SchemaError with the known ones listed.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gie_lint import spelling

GATEWAY_API_CHANNELS = ("standard", "experimental")
GIE, GATEWAY_API, LLM_D_ROUTER = "gie", "gateway-api", "llm-d-router"
_SEMVER = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


class SchemaError(Exception):
    """A schema cannot be found or loaded (unknown version, missing files); one printable line."""


def schemas_dir() -> Path:
    """Generated schemas: ``lint/_schemas`` in an installed wheel, else ``schemas/`` of the checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_schemas", package.parent / "schemas"):
        if (candidate / "index.json").is_file():
            return candidate
    raise SchemaError("generated schemas not found (schemas/index.json): run `make schemas`")


def tag_key(tag: str) -> tuple[int, tuple[int, ...]]:
    """Release tags in reading order (v0.10.0 after v0.9.0); a branch snapshot (``main-<commit>``) after them."""
    match = _SEMVER.match(tag)
    if match is None:
        return (1, ())
    return (0, tuple(int(part or 0) for part in match.groups()))


def minor(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _k8s_schema_root() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")  # located without importing it (slow)
    if spec is None or not spec.submodule_search_locations:
        raise SchemaError("kubernetes-validate is not installed: it provides the Kubernetes schemas")
    return Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"


def _shipped(root: Path) -> list[tuple[tuple[int, int], Path]]:
    return sorted((m, p) for p in root.glob("v*-local-strict") if (m := minor(p.name.split("-")[0])))


def kubernetes_versions(root: Path | None = None) -> list[str]:
    """The Kubernetes minors with strict schemas shipped, oldest first ("1.33")."""
    return [f"{major}.{minor_}" for (major, minor_), _ in _shipped(root or _k8s_schema_root())]


def resolve_kubernetes_version(requested: str | None, root: Path | None = None) -> tuple[str, Path]:
    """Newest shipped schema folder not newer than ``requested`` ("1.33", "v1.33.0"; None = newest)."""
    root = root or _k8s_schema_root()
    shipped = _shipped(root)
    if not shipped:
        raise SchemaError(f"no strict Kubernetes schemas found under {root}")
    newest = shipped[-1][0]
    if requested is None:
        want = newest
    elif (parsed := minor(requested)) is None:
        normal = spelling.normalized_version(requested)
        hint = f"; did you mean {normal[1:].rsplit('.', 1)[0]}?" if normal else ""
        raise SchemaError(f"invalid Kubernetes version {requested!r} (write it like 1.33 or v1.33.0{hint})")
    elif parsed > newest:
        raise SchemaError(f"Kubernetes {requested} is newer than the schemas shipped with kubernetes-validate "
                          f"(newest {newest[0]}.{newest[1]}): pick {newest[0]}.{newest[1]} or older")
    else:
        want = parsed
    candidates = [(m, p) for m, p in shipped if m <= want]
    if not candidates:
        oldest = shipped[0][0]
        raise SchemaError(f"Kubernetes {requested} is older than the oldest shipped schemas "
                          f"({oldest[0]}.{oldest[1]}): pick a newer version")
    (major, minor_), path = candidates[-1]
    return f"{major}.{minor_}", path


def _same_minor(tags: list[str], version: str) -> str | None:
    """``v1.4.1``/``1.4.1`` exactly, else the newest tag of the same minor (a patch judged by its minor's CRDs)."""
    wanted = "v" + version.strip().lstrip("vV")
    if wanted in tags:
        return wanted
    want = minor(wanted)
    same = [t for t in tags if want is not None and minor(t) == want]
    return same[-1] if same else None


class Index:
    """`schemas/index.json`: the schema sets of every project and the file of each apiVersion/kind in a set."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            self.data: dict[str, dict[str, Any]] = json.loads((root / "index.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise SchemaError(f"cannot read {root / 'index.json'}: {exc}") from None
        self.gie_tags: list[str] = sorted(self.data.get(GIE, {}), key=tag_key)
        self.gateway_api_tags: list[str] = sorted(self.data.get(GATEWAY_API, {}), key=tag_key)
        self.llm_d_router_tags: list[str] = sorted(self.data.get(LLM_D_ROUTER, {}), key=tag_key)

    # ---- what a user writes -> a set ----------------------------------------------------------

    def gie_tag(self, version: str) -> str:
        tag = _same_minor(self.gie_tags, version)
        if tag is None:
            raise SchemaError(f"unknown GIE version {version!r} (known releases are {', '.join(self.gie_tags)}"
                              f"{spelling.version_hint(version, self.gie_tags)})")
        return tag

    def gateway_api_tag(self, version: str | None) -> str:
        """None: the newest bundled version; ``1.4``/``v1.4.0`` -> the bundled patch of that minor."""
        if not self.gateway_api_tags:
            raise SchemaError("no Gateway API schemas in schemas/index.json: run `make schemas`")
        tag = self.gateway_api_tags[-1] if version is None else _same_minor(self.gateway_api_tags, version)
        if tag is None:
            raise SchemaError(f"unknown Gateway API version {version!r} (known versions are "
                              f"{', '.join(self.gateway_api_tags)} or their minors, like 1.4"
                              f"{spelling.version_hint(version or '', self.gateway_api_tags)})")
        return tag

    @staticmethod
    def gateway_api_channel(channel: str | None) -> str:
        if channel is None:
            return GATEWAY_API_CHANNELS[0]
        if channel.strip().lower() not in GATEWAY_API_CHANNELS:
            raise SchemaError(f"unknown Gateway API channel {channel!r}: use {' or '.join(GATEWAY_API_CHANNELS)}")
        return channel.strip().lower()

    def llm_d_router_tag(self, version: str | None) -> str | None:
        """The llm-d-router CRD set of a release: None = the newest release; ``main``/``latest``/``main-<commit>``/
        ``<next>-main`` = the main-branch snapshot; a release older than the first one with CRDs (v0.5.0–v0.8.0
        use GIE's) -> None."""
        releases = [t for t in self.llm_d_router_tags if tag_key(t)[0] == 0]
        snapshots = [t for t in self.llm_d_router_tags if tag_key(t)[0] == 1]
        if version is None:
            newest = releases or snapshots
            return newest[-1] if newest else None
        text = version.strip()
        if text in ("main", "latest") or text.startswith("main-") or text.endswith("-main"):  # v0.11.0-main too
            if text in snapshots:
                return text
            if snapshots:
                return snapshots[-1]
        elif (match := _SEMVER.fullmatch(text.split("-")[0])) is not None and releases:
            base = match.group(0)  # v0.10.0-rc.1 -> v0.10.0
            if tag_key(base) <= tag_key(releases[-1]) or minor(base) == minor(releases[-1]):
                older = [t for t in releases if tag_key(t) <= tag_key(base)]
                return older[-1] if older else None  # None: that release ships no llm-d.ai CRDs
        raise SchemaError(f"unknown llm-d-router version {version!r}: known CRD sets are "
                          f"{', '.join(self.llm_d_router_tags) or 'none'} (and main)")

    # ---- a set -> files -------------------------------------------------------------------------

    def entries(self, family: str, tag: str, channel: str | None = None) -> dict[str, str]:
        """``{"apiVersion|Kind": file}`` of one set ({} for an unknown set)."""
        entries = self.data.get(family, {}).get(tag, {})
        if channel is not None:
            entries = entries.get(channel, {})
        return entries if isinstance(entries, dict) else {}

    def file(self, family: str, tag: str | None, key: str, channel: str | None = None) -> Path | None:
        rel = self.entries(family, tag, channel).get(key) if tag else None
        return self.root / rel if isinstance(rel, str) else None

    def every_entry(self) -> Iterator[tuple[str, Path]]:
        """``("apiVersion|Kind", file)`` of every set of every project (a shared file is given once per key)."""
        seen: set[tuple[str, str]] = set()
        for family, sets in self.data.items():
            for entries in sets.values():
                nested = entries.values() if family == GATEWAY_API else (entries,)
                for one in nested:
                    for key, rel in one.items():
                        if (key, rel) not in seen:
                            seen.add((key, rel))
                            yield key, self.root / rel
