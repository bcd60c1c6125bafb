"""EndpointPickerConfigs found in a scenario: in ConfigMap data, in `--config-text` args, or standalone.

The EPP decodes this config strictly at startup, so it is linted like a resource of its own, with
positions mapped back into the YAML that carries it (a literal block inside a ConfigMap keeps exact
lines and columns; other scalars point at their key).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lint.schema.violation import JsonPath
from lint.shape import dicts
from lint.source.resources import Resource
from lint.source.yamldoc import Mark, Positions, parse_stream

EPC_KIND = "EndpointPickerConfig"
_CONTAINER_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "LeaderWorkerSet"}


@dataclass
class EmbeddedConfig:
    """One EndpointPickerConfig. `data` is None when its text is not valid YAML (`error` says why)."""

    host: Resource
    host_path: JsonPath
    data: Any
    positions: Positions | None
    error: str | None = None
    error_at: Mark | None = None
    literal_indent: int | None = None
    standalone: bool = False

    @property
    def ref(self) -> str:
        return self.host.ref

    def locate(self, path: JsonPath) -> Mark:
        if self.standalone:
            return self.host.locate(path)
        if self.positions is None or self.literal_indent is None:
            return self.host.locate(self.host_path)
        inner = self.positions.locate(path)
        return self._shift(inner)

    def _shift(self, inner: Mark) -> Mark:
        assert self.literal_indent is not None
        value_at = self.host.value_mark(self.host_path)
        return Mark(value_at.line + inner.line, inner.column + self.literal_indent)

    def error_mark(self) -> Mark:
        if self.error_at is not None and self.literal_indent is not None and not self.standalone:
            return self._shift(self.error_at)
        return self.host.locate(self.host_path)


def elided(value: Any) -> bool:
    """Documentation snippets elide parts with `...` (or `…`); such a part is not config to judge."""
    return isinstance(value, str) and bool(value.strip()) and not value.replace(" ", "").replace("…", "").strip(".")


def looks_like_epc(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if data.get("kind") == EPC_KIND:
        return True
    return "kind" not in data and ("schedulingProfiles" in data or "plugins" in data) and isinstance(
        data.get("plugins", []), list)


def find(resources: list[Resource]) -> Iterator[EmbeddedConfig]:
    for resource in resources:
        if resource.kind == EPC_KIND:
            yield EmbeddedConfig(resource, (), resource.data, None, standalone=True)
        elif resource.kind == "ConfigMap" and isinstance(resource.data.get("data"), dict):
            for key, text in sorted(resource.data["data"].items()):
                config = _from_text(resource, ("data", key), text)
                if config is not None:
                    yield config
        elif resource.kind in _CONTAINER_KINDS:
            yield from _from_args(resource)


def _from_text(host: Resource, path: JsonPath, text: Any) -> EmbeddedConfig | None:
    if not isinstance(text, str) or EPC_KIND not in text and "schedulingProfiles" not in text:
        return None
    documents = parse_stream(text)
    if not documents:
        return None
    document = documents[0]
    indent = host.document.block_indents.get((*host.prefix, *path))
    if document.error is not None:
        if EPC_KIND not in text:
            return None
        return EmbeddedConfig(host, path, None, None, document.error, document.error_at, indent)
    if not looks_like_epc(document.data):
        return None
    return EmbeddedConfig(host, path, document.data, document.positions, literal_indent=indent)


def _from_args(resource: Resource) -> Iterator[EmbeddedConfig]:
    spec = resource.get("spec", "template", "spec") if resource.kind != "Pod" else resource.get("spec")
    if resource.kind == "LeaderWorkerSet":
        spec = resource.get("spec", "leaderWorkerTemplate", "workerTemplate", "spec")
    if not isinstance(spec, dict):
        return
    base: JsonPath = ("spec",) if resource.kind == "Pod" else ("spec", "template", "spec")
    for index, container in dicts(spec.get("containers")):
        args = container.get("args")
        if not isinstance(args, list):
            continue
        for position, arg in enumerate(args):
            if not isinstance(arg, str):
                continue
            text: Any = None
            arg_path: JsonPath = (*base, "containers", index, "args", position)
            if arg.startswith(("--config-text=", "-config-text=", "--configText=", "-configText=")):
                text = arg.split("=", 1)[1]
            elif arg in ("--config-text", "-config-text", "--configText", "-configText") and position + 1 < len(args):
                text = args[position + 1]
                arg_path = (*base, "containers", index, "args", position + 1)
            if isinstance(text, str):
                config = _from_text(resource, arg_path, text)
                if config is not None:
                    yield config
