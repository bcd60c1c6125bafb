"""EndpointPickerConfigs found in a scenario: in ConfigMap data, in `--config-text` args, or standalone.

The EPP decodes this config strictly at startup, so it is linted like a resource of its own, with
positions mapped back into the YAML that carries it (a literal block inside a ConfigMap keeps exact
lines and columns; other scalars point at their key).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gie_lint.shape import JsonPath
from gie_lint.source.positions import Mark, Positions
from gie_lint.source.resources import Resource
from gie_lint.source.yamldoc import parse_stream
from gie_lint.topology.workloads import WORKLOAD_KINDS, pod_templates

EPC_KIND = "EndpointPickerConfig"
CONFIG_TEXT_FLAGS = ("--config-text", "-config-text", "--configText", "-configText")
AT_ERROR: JsonPath = ("<error>",)  # a config check's path for "the text does not parse": points at the error


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

    @property
    def file(self) -> str:
        return self.host.file

    def locate(self, path: JsonPath) -> Mark:
        if path == AT_ERROR:
            return self.error_mark()
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


def find(resources: Iterable[Resource]) -> Iterator[EmbeddedConfig]:
    for resource in resources:
        if resource.kind == EPC_KIND:
            yield EmbeddedConfig(resource, (), resource.data, None, standalone=True)
        elif resource.kind == "ConfigMap" and isinstance(resource.data.get("data"), dict):
            for key, text in sorted(resource.data["data"].items()):
                config = _from_text(resource, ("data", key), text)
                if config is not None:
                    yield config
        elif resource.kind in WORKLOAD_KINDS:
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
    """Configs passed inline with `--config-text`, in any container of any pod template of the object."""
    for workload in pod_templates(resource):
        for container in workload.containers:
            if container.sidecar:
                continue
            args = container.data.get("args")
            if isinstance(args, list):
                yield from _from_arg_list(resource, (*container.path, "args"), args)


def _from_arg_list(resource: Resource, base: JsonPath, args: list[Any]) -> Iterator[EmbeddedConfig]:
    for position, arg in enumerate(args):
        if not isinstance(arg, str):
            continue
        text: Any = None
        arg_path: JsonPath = (*base, position)
        if arg.startswith(tuple(f"{flag}=" for flag in CONFIG_TEXT_FLAGS)):
            text = arg.split("=", 1)[1]
        elif arg in CONFIG_TEXT_FLAGS and position + 1 < len(args):
            text = args[position + 1]
            arg_path = (*base, position + 1)
        if isinstance(text, str):
            config = _from_text(resource, arg_path, text)
            if config is not None:
                yield config
