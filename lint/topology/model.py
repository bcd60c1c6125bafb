"""The typed pieces of a scenario's topology: object identities, pools, pod templates and their containers.

These are plain, frozen views of the objects; `gie_lint.topology.workloads` builds them and
`gie_lint.topology.resolve` puts them into one indexed `Topology` per scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gie_lint.shape import JsonPath, as_dict, dicts, dig, key
from gie_lint.source.resources import Resource

POOL = "InferencePool"
V1_GROUP = "inference.networking.k8s.io"
V1ALPHA2 = "inference.networking.x-k8s.io/v1alpha2"

ObjectKey = tuple[str, str, str, str]  # API group (core: ""), kind, namespace (cluster-scoped: ""), name


def object_key(resource: Resource) -> ObjectKey | None:
    """What the API server names an object by: its API group (not its version), kind, namespace and name.

    The namespace is the one the object was placed in (written, else the scenario's, like `kubectl apply -n`;
    "" for cluster-scoped kinds). None for an object without a kind or a name: it cannot collide.
    """
    if not resource.kind or not resource.name:
        return None
    return resource.group, resource.kind, resource.namespace, resource.name


@dataclass(frozen=True)
class Duplicate:
    """A later copy of an object identity in one scenario (applied together, it overwrites the one before)."""

    copy: Resource  # the second or a later copy
    first: Resource  # the first copy of that identity
    kept: Resource  # the last copy: what applying the files in order leaves, and what the topology holds


@dataclass(frozen=True)
class EppRef:
    """A pool's reference to its endpoint picker (`endpointPickerRef` on v1, `extensionRef` on v1alpha2)."""

    name: str
    port: int | None  # None: not written (v1 requires it for kind Service; GIE005 reports that)
    kind: str
    group: str
    path: JsonPath  # ("spec", "endpointPickerRef") or ("spec", "extensionRef")
    port_path: JsonPath  # where the port is written, or `path` when it is defaulted / missing


@dataclass(frozen=True)
class Pool:
    """An InferencePool of either API version, normalised."""

    resource: Resource
    selector: dict[str, str] | None  # None: missing or not a plain string map (nothing to check)
    selector_path: JsonPath
    target_ports: tuple[int, ...]
    epp: EppRef | None

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def namespace(self) -> str:
        return self.resource.namespace


@dataclass(frozen=True)
class Container:
    """A container of a pod template; `path` is relative to the owning object."""

    data: dict[str, Any]
    path: JsonPath
    sidecar: bool = False  # a native sidecar: an initContainer with restartPolicy Always

    @property
    def image(self) -> str:
        value = self.data.get("image")
        return value if isinstance(value, str) else ""

    @property
    def ports(self) -> list[dict[str, Any]]:
        """The mapping items of `ports` (other items, or a `ports` of another shape, read as absent)."""
        return [item for _, item in dicts(self.data.get("ports"))]

    @property
    def mounts(self) -> list[dict[str, Any]]:
        """The mapping items of `volumeMounts`."""
        return [item for _, item in dicts(self.data.get("volumeMounts"))]

    @property
    def env(self) -> list[dict[str, Any]]:
        """The mapping items of `env`."""
        return [item for _, item in dicts(self.data.get("env"))]

    def grpc_probe(self, probe: str) -> dict[str, Any] | None:
        """The `grpc` action of a probe (`livenessProbe`, …) when it is a mapping."""
        grpc = dig(self.data, probe, "grpc")
        return grpc if isinstance(grpc, dict) else None

    def argv(self) -> list[tuple[JsonPath, str]]:
        """`command` then `args`, each string item with its path (non-strings are skipped)."""
        items = []
        for field_name in ("command", "args"):
            values = self.data.get(field_name)
            for index, value in enumerate(values if isinstance(values, list) else []):
                if isinstance(value, str):
                    items.append(((*self.path, field_name, index), value))
        return items


@dataclass(frozen=True)
class Workload:
    """One pod template (a LeaderWorkerSet contributes its leader and its worker template)."""

    resource: Resource
    labels: Mapping[str, str]
    pod_spec_path: JsonPath
    containers: tuple[Container, ...]
    epp_container: Container | None = None  # the endpoint picker's container, when this is an EPP

    @property
    def epp(self) -> bool:
        return self.epp_container is not None

    @property
    def namespace(self) -> str:
        return self.resource.namespace

    @property
    def pod_spec(self) -> dict[str, Any]:
        return as_dict(self.resource.get(*self.pod_spec_path))

    @property
    def volumes(self) -> dict[str | int, dict[str, Any]]:
        """The pod's mapping `volumes` by name (a volume without a usable name cannot be mounted by name)."""
        found: dict[str | int, dict[str, Any]] = {}
        for _, volume in dicts(self.pod_spec.get("volumes")):
            name = key(volume.get("name"))
            if name is not None:
                found[name] = volume
        return found

    def volume(self, name: Any) -> dict[str, Any]:
        """The pod volume a mount names; empty when there is none (or `name` is not a name)."""
        wanted = key(name)
        return self.volumes.get(wanted, {}) if wanted is not None else {}


def string_map(value: Any) -> dict[str, str] | None:
    """A label map of strings, or None when it is missing, empty or holds non-strings."""
    if not isinstance(value, dict) or not value:
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return dict(value)
