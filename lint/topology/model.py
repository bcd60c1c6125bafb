"""The scenario's wiring: pools, pod templates, Services and who selects whom, resolved once per scenario.

Cross-object rules (pool → model servers, pool → EPP Service → EPP pods) read this instead of scanning
the resources themselves. Label matching goes through an index of (namespace, key, value) → pod
templates, so a selector costs one set intersection per label, not a scan of every workload.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lint.schema.violation import JsonPath
from lint.shape import as_dict, dicts, dig, key
from lint.source.resources import Resource

POOL = "InferencePool"
V1_GROUP = "inference.networking.k8s.io"
V1ALPHA2 = "inference.networking.x-k8s.io/v1alpha2"
DEFAULT_V1ALPHA2_EPP_PORT = 9002

# Kind → the paths of its pod templates' `metadata`/`spec` parent (a LeaderWorkerSet has two).
_TEMPLATES: dict[str, tuple[JsonPath, ...]] = {
    "Deployment": (("spec", "template"),), "StatefulSet": (("spec", "template"),),
    "ReplicaSet": (("spec", "template"),), "DaemonSet": (("spec", "template"),), "Job": (("spec", "template"),),
    "Pod": ((),),
    "LeaderWorkerSet": (("spec", "leaderWorkerTemplate", "workerTemplate"),
                        ("spec", "leaderWorkerTemplate", "leaderTemplate")),
}
_EPP_IMAGE = re.compile(r"gateway-api-inference-extension/epp|llm-d-inference-scheduler|llm-d-router")
POOL_NAME_FLAGS = ("--pool-name", "-pool-name", "-poolName", "--poolName")  # kebab (v1+) and Go-flag camelCase (v0.x)


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
    epp: bool = False  # see `Topology.is_epp`
    # Parsed EPP command lines, by (container path, release): filled by `lint.topology.eppargs`, once per scenario.
    parsed_args: dict[tuple[JsonPath, str], Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

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


def find_epp_container(containers: Iterable[Container]) -> Container | None:
    """The EPP container of a pod: the one with an EPP image, else one given a pool-name flag."""
    containers = tuple(containers)
    for container in containers:
        if _EPP_IMAGE.search(container.image):
            return container
    for container in containers:
        if any(arg.split("=", 1)[0] in POOL_NAME_FLAGS for _, arg in container.argv()):
            return container
    return None


@dataclass
class Topology:
    """Everything cross-object rules need, built by `build_topology` from a scenario's resources."""

    pools: list[Pool] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    services: list[Resource] = field(default_factory=list)
    _index: dict[tuple[str, str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    _by_namespace: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Derived answers other modules compute once per scenario (e.g. lint/topology/replicas.py), keyed by module.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def workloads_in(self, namespace: str) -> list[Workload]:
        return [self.workloads[i] for i in self._by_namespace.get(namespace, [])]

    def services_in(self, namespace: str) -> list[Resource]:
        return [s for s in self.services if s.namespace == namespace]

    def service(self, namespace: str, name: str) -> Resource | None:
        return next((s for s in self.services if s.namespace == namespace and s.name == name), None)

    def pods_matching(self, namespace: str, selector: Mapping[str, str]) -> list[Workload]:
        """Pod templates in `namespace` whose labels include every pair of `selector` (empty selects all)."""
        if not selector:
            return self.workloads_in(namespace)
        sets = sorted((self._index.get((namespace, k, v), set()) for k, v in selector.items()), key=len)
        found = set.intersection(*sets) if sets else set()
        return [self.workloads[i] for i in sorted(found)]

    def epp_service(self, pool: Pool) -> Resource | None:
        """The Service the pool's EPP ref names (kind Service, core group), in the pool's namespace."""
        ref = pool.epp
        if ref is None or ref.kind != "Service" or ref.group != "":
            return None
        return self.service(pool.namespace, ref.name)

    def pools_with_service(self) -> Iterable[tuple[Pool, Resource]]:
        """Each pool with the EPP Service it references, when both are in the scenario."""
        for pool in self.pools:
            service = self.epp_service(pool)
            if service is not None:
                yield pool, service

    def epp_workloads(self, service: Resource) -> list[Workload]:
        """Pod templates behind a Service (same namespace, labels ⊇ its selector); none without a selector."""
        selector = string_map(service.get("spec", "selector"))
        if not selector:
            return []
        return self.pods_matching(service.namespace, selector)

    @staticmethod
    def is_epp(workload: Workload) -> bool:
        """An endpoint picker: a known EPP image, or a container given a pool-name flag."""
        return workload.epp


def string_map(value: Any) -> dict[str, str] | None:
    """A label map of strings, or None when it is missing, empty or holds non-strings."""
    if not isinstance(value, dict) or not value:
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return dict(value)


def build_topology(resources: Iterable[Resource]) -> Topology:
    """Index a scenario's pools, pod templates and core/v1 Services (namespaces as already placed)."""
    topology = Topology()
    for resource in resources:
        if resource.kind == POOL:
            topology.pools.append(_pool(resource))
        elif resource.kind == "Service" and resource.api_version == "v1":
            topology.services.append(resource)
        elif resource.kind in _TEMPLATES:
            for workload in _workloads(resource):
                index = len(topology.workloads)
                topology.workloads.append(workload)
                topology._by_namespace[workload.namespace].append(index)
                for key, value in workload.labels.items():
                    topology._index[(workload.namespace, key, value)].add(index)
    return topology


def _pool(resource: Resource) -> Pool:
    spec = resource.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    v1 = resource.group == V1_GROUP
    if v1:
        selector, selector_path = string_map(resource.get("spec", "selector", "matchLabels")), ("spec", "selector")
        listed = spec.get("targetPorts")
        ports = tuple(p.get("number") for p in (listed if isinstance(listed, list) else []) if isinstance(p, dict))
    else:
        flat = resource.get("spec", "selector")
        selector, selector_path = string_map(flat), ("spec", "selector")
        ports = (spec.get("targetPortNumber"),)
    ref = _epp_ref(spec, resource.api_version == V1ALPHA2)
    return Pool(resource, selector, selector_path, tuple(p for p in ports if isinstance(p, int)), ref)


def _epp_ref(spec: dict[str, Any], v1alpha2: bool) -> EppRef | None:
    ref = spec.get("endpointPickerRef")
    if isinstance(ref, dict) and isinstance(ref.get("name"), str):
        path: JsonPath = ("spec", "endpointPickerRef")
        number = ref.get("port", {}).get("number") if isinstance(ref.get("port"), dict) else None
        port_path = (*path, "port", "number") if isinstance(number, int) else path
    else:
        ref = spec.get("extensionRef")
        if not (isinstance(ref, dict) and isinstance(ref.get("name"), str)):
            return None
        path = ("spec", "extensionRef")
        # Only v1alpha2 defaults the port; older shapes are not guessed at.
        number = ref.get("portNumber", DEFAULT_V1ALPHA2_EPP_PORT if v1alpha2 else None)
        port_path = (*path, "portNumber") if "portNumber" in ref else path
    kind, group = ref.get("kind") or "Service", ref.get("group") or ""
    return EppRef(ref["name"], number if isinstance(number, int) else None, str(kind), str(group), path, port_path)


def _workloads(resource: Resource) -> Iterable[Workload]:
    for base in _TEMPLATES[resource.kind]:
        spec = resource.get(*base, "spec")
        if not isinstance(spec, dict):
            continue
        labels = resource.get(*base, "metadata", "labels")
        labels = {k: v for k, v in labels.items() if isinstance(k, str) and isinstance(v, str)} \
            if isinstance(labels, dict) else {}
        pod_spec: JsonPath = (*base, "spec")
        containers = [Container(c, (*pod_spec, "containers", i)) for i, c in dicts(spec.get("containers"))]
        containers += [Container(c, (*pod_spec, "initContainers", i), sidecar=True)
                       for i, c in dicts(spec.get("initContainers")) if c.get("restartPolicy") == "Always"]
        yield Workload(resource, labels, pod_spec, tuple(containers), find_epp_container(containers) is not None)
