"""The scenario's topology, resolved once: every cross-object fact the rules and `explain` ask, indexed.

`resolve` reads the scenario's objects once and builds each view (pod templates, pools, Services, EPPs,
EndpointPickerConfigs and who loads them, RBAC, routing, replicas, pool stacks) with the indexes the
questions need: objects by kind and by kind/namespace/name, pod templates by namespace and label, EPPs
by namespace, pools, Services and ConfigMaps by name, RBAC bindings by subject. Rules query these; none
scans all objects (or all of a namespace) per object, so the rule stage is linear in the number of objects.
A list an accessor returns may be the index's own: callers read it, never change it.

One object per identity (API group, kind, namespace, name): the files of a scenario are applied together, in
order, so a later copy overwrites an earlier one and the cluster holds the last. `applied` keeps that last
copy; every view and index is built from those objects only, so no cross-object rule mixes two copies or
counts one twice. The earlier copies stay in `read` (what the engine counts, lists and reads suppressions from),
in `each_copy` (what per-object rules judge: each copy is applied and validated on its own) and in `duplicates`
(what GIE930 reports).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gie_lint.releases.versions import Release
from gie_lint.source.placeholders import unresolved
from gie_lint.source.resources import Resource
from gie_lint.topology import configs as config_finder
from gie_lint.topology import rbac as rbac_view
from gie_lint.topology import routing as routing_view
from gie_lint.topology.config_wiring import ConfigWiring, wire
from gie_lint.topology.configs import EmbeddedConfig
from gie_lint.topology.epps import Epp, epp_of
from gie_lint.topology.model import POOL, Duplicate, ObjectKey, Pool, Workload, object_key, string_map
from gie_lint.topology.rbac import Rbac
from gie_lint.topology.replicas import HPA, Replicas, autoscalers, count, replica_table
from gie_lint.topology.routing import Routing
from gie_lint.topology.stacks import PoolStack, pool_stack
from gie_lint.topology.workloads import pod_templates, pool

Identity = tuple[str, str, str]  # kind, namespace, name


@dataclass
class Topology:
    """Everything cross-object rules read, built by `resolve` from one scenario's objects."""

    resources: tuple[Resource, ...] = ()  # one object per identity (the last copy), in file order
    read: tuple[Resource, ...] = ()  # every object as read, earlier copies included (default: `resources`)
    duplicates: tuple[Duplicate, ...] = ()  # each later copy of an identity, in file order
    pools: tuple[Pool, ...] = ()
    workloads: tuple[Workload, ...] = ()
    epps: tuple[Epp, ...] = ()  # every EPP pod template, judged by its release
    configs: tuple[EmbeddedConfig, ...] = ()
    wiring: ConfigWiring = field(default_factory=lambda: ConfigWiring({}, {}))
    rbac: Rbac = field(default_factory=Rbac)
    routing: Routing = field(default_factory=Routing)
    replicas: dict[int, Replicas] = field(default_factory=dict)  # id() of a workload object
    stacks: tuple[PoolStack, ...] = ()
    _positions: dict[int, int] = field(default_factory=dict)  # id() of an object → its place in file order
    _by_kind: dict[str, list[Resource]] = field(default_factory=dict)
    _by_identity: dict[Identity, list[Resource]] = field(default_factory=dict)
    _labels: dict[tuple[str, str, str], set[int]] = field(default_factory=dict)  # (ns, key, value) → workloads
    _by_namespace: dict[str, list[int]] = field(default_factory=dict)  # namespace → workloads
    _configmaps_in: dict[str, dict[str, Resource]] = field(default_factory=dict)
    _services: dict[tuple[str, str], Resource] = field(default_factory=dict)
    _services_in: dict[str, list[Resource]] = field(default_factory=dict)
    _pools_in: dict[str, list[Pool]] = field(default_factory=dict)
    _pools_named: dict[tuple[str, str], list[Pool]] = field(default_factory=dict)  # (namespace, name) → pools
    _epps_in: dict[str, list[Epp]] = field(default_factory=dict)  # namespace → EPPs, in workload order
    _epp_of: dict[tuple[int, tuple[str | int, ...]], Epp] = field(default_factory=dict)  # (object id, pod spec)
    _epps_by_object: dict[int, list[Epp]] = field(default_factory=dict)
    _servers: dict[int, list[Workload] | None] = field(default_factory=dict)  # id() of the pool

    def __post_init__(self) -> None:
        if not self.read:
            self.read = self.resources

    # --- objects ---------------------------------------------------------------------------------

    def of_kind(self, *kinds: str) -> list[Resource]:
        """The objects of these kinds, in file order."""
        if len(kinds) == 1:
            return self._by_kind.get(kinds[0], [])
        return sorted((r for k in kinds for r in self._by_kind.get(k, [])), key=self._order)

    def each_copy(self, *kinds: str) -> list[Resource]:
        """Every object as read, earlier copies of an identity included, of these kinds (none given: of every
        kind), in file order: what per-object rules judge (each copy is applied, and validated, on its own)."""
        if not self.duplicates:
            return self.of_kind(*kinds) if kinds else list(self.resources)
        return [r for r in self.read if not kinds or r.kind in kinds]

    def has_kind(self, kind: str) -> bool:
        return kind in self._by_kind

    def named(self, kind: str, namespace: str, name: str) -> Resource | None:
        """The first object of that kind, namespace and name (cluster-scoped: namespace "")."""
        found = self._by_identity.get((kind, namespace, name))
        return found[0] if found else None

    def configmap(self, namespace: str, name: str) -> Resource | None:
        found = self._by_identity.get(("ConfigMap", namespace, name), [])
        return next((r for r in found if r.api_version == "v1"), None)

    def configmaps_in(self, namespace: str) -> dict[str, Resource]:
        """The v1 ConfigMaps of a namespace by name."""
        return self._configmaps_in.get(namespace, {})

    def _order(self, resource: Resource) -> int:
        return self._positions[id(resource)]

    # --- pod templates and selection -------------------------------------------------------------

    def workloads_in(self, namespace: str) -> list[Workload]:
        return [self.workloads[i] for i in self._by_namespace.get(namespace, [])]

    def pods_matching(self, namespace: str, selector: Mapping[str, str]) -> list[Workload]:
        """Pod templates in `namespace` whose labels include every pair of `selector` (empty selects all)."""
        if not selector:
            return self.workloads_in(namespace)
        sets = sorted((self._labels.get((namespace, k, v), set()) for k, v in selector.items()), key=len)
        found = set.intersection(*sets) if sets else set()
        return [self.workloads[i] for i in sorted(found)]

    def model_servers(self, pool: Pool) -> list[Workload] | None:
        """The pod templates a pool selects, without EPPs; None when the selector cannot be judged."""
        return self._servers.get(id(pool))

    def replicas_of(self, resource: Resource) -> Replicas:
        """The replica count of one workload object (a LeaderWorkerSet: its groups)."""
        return self.replicas.get(id(resource)) or count(resource, None)

    # --- pools, Services and EPPs ----------------------------------------------------------------

    def pools_in(self, namespace: str) -> list[Pool]:
        return self._pools_in.get(namespace, [])

    def pools_named(self, namespace: str, name: str) -> list[Pool]:
        """The pools of that namespace and name, in file order."""
        return self._pools_named.get((namespace, name), [])

    def services_in(self, namespace: str) -> list[Resource]:
        return self._services_in.get(namespace, [])

    def service(self, namespace: str, name: str) -> Resource | None:
        return self._services.get((namespace, name))

    def epp_service(self, pool: Pool) -> Resource | None:
        """The Service the pool's EPP ref names (kind Service, core group), in the pool's namespace."""
        ref = pool.epp
        if ref is None or ref.kind != "Service" or ref.group != "":
            return None
        return self.service(pool.namespace, ref.name)

    def pools_with_service(self) -> list[tuple[Pool, Resource]]:
        """Each pool with the EPP Service it references, when both are in the scenario."""
        return [(p, s) for p in self.pools if (s := self.epp_service(p)) is not None]

    def epp_workloads(self, service: Resource) -> list[Workload]:
        """Pod templates behind a Service (same namespace, labels ⊇ its selector); none without a selector."""
        selector = string_map(service.get("spec", "selector"))
        return self.pods_matching(service.namespace, selector) if selector else []

    def epps_behind(self, service: Resource) -> list[Epp]:
        """The EPPs among the pod templates a Service selects."""
        return [e for w in self.epp_workloads(service) if (e := self.epp(w)) is not None]

    def epp(self, workload: Workload) -> Epp | None:
        return self._epp_of.get((id(workload.resource), workload.pod_spec_path))

    def readable_epps(self) -> list[Epp]:
        """The EPPs whose command line can be read (no shell wrapper): those the flag rules judge."""
        return [e for e in self.epps if not e.args.opaque]

    def epps_of(self, resource: Resource) -> list[Epp]:
        """The EPPs among one object's pod templates (a LeaderWorkerSet may have two)."""
        return self._epps_by_object.get(id(resource), [])

    def epps_in(self, namespace: str) -> list[Epp]:
        """The EPPs among the pod templates of a namespace, in file order."""
        return self._epps_in.get(namespace, [])


def _index(topology: Topology, resources: Sequence[Resource]) -> None:
    by_kind: dict[str, list[Resource]] = defaultdict(list)
    by_identity: dict[Identity, list[Resource]] = defaultdict(list)
    for position, resource in enumerate(resources):
        topology._positions[id(resource)] = position
        by_kind[resource.kind].append(resource)
        by_identity[(resource.kind, resource.namespace, resource.name)].append(resource)
    topology._by_kind, topology._by_identity = dict(by_kind), dict(by_identity)
    for configmap in topology._by_kind.get("ConfigMap", []):
        if configmap.api_version == "v1":
            topology._configmaps_in.setdefault(configmap.namespace, {})[configmap.name] = configmap


def _workloads(topology: Topology, resources: Iterable[Resource], release: Release,
               forced: Mapping[str, Release]) -> None:
    workloads: list[Workload] = []
    labels: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    by_namespace: dict[str, list[int]] = defaultdict(list)
    epps = []
    for resource in resources:
        for workload in pod_templates(resource):
            index = len(workloads)
            workloads.append(workload)
            by_namespace[workload.namespace].append(index)
            for key, value in workload.labels.items():
                labels[(workload.namespace, key, value)].add(index)
            epp = epp_of(workload, release, forced)
            if epp is not None:
                epps.append(epp)
                topology._epp_of[(id(resource), workload.pod_spec_path)] = epp
                topology._epps_by_object.setdefault(id(resource), []).append(epp)
                topology._epps_in.setdefault(workload.namespace, []).append(epp)
    topology.workloads, topology.epps = tuple(workloads), tuple(epps)
    topology._labels, topology._by_namespace = dict(labels), dict(by_namespace)


def _servers(topology: Topology, pool_: Pool) -> list[Workload] | None:
    if pool_.selector is None or any(unresolved(k) or unresolved(v) for k, v in pool_.selector.items()):
        return None
    return [w for w in topology.pods_matching(pool_.namespace, pool_.selector) if not w.epp]


def _copies(resources: Sequence[Resource]) -> tuple[list[Resource], list[Duplicate]]:
    """The objects applying `resources` in order leaves (one per identity, the last copy, in file order), and
    each later copy. A document read twice (a file named twice) is one copy, not a duplicate."""
    copies: dict[ObjectKey, list[Resource]] = {}
    places: set[tuple[str, int, tuple[str | int, ...]]] = set()
    singles: list[Resource] = []
    for resource in resources:
        key = object_key(resource)
        place = (resource.file, resource.document.index, resource.prefix)
        if place in places:
            continue
        places.add(place)
        if key is None:
            singles.append(resource)
        else:
            copies.setdefault(key, []).append(resource)
    kept = {id(found[-1]) for found in copies.values()} | {id(r) for r in singles}
    duplicates = [Duplicate(copy, found[0], found[-1]) for found in copies.values() for copy in found[1:]]
    order = {id(resource): position for position, resource in enumerate(resources)}
    return [r for r in resources if id(r) in kept], sorted(duplicates, key=lambda d: order[id(d.copy)])


def applied(resources: Sequence[Resource]) -> list[Resource]:
    """One object per identity, the last copy of each (what `kubectl apply` of the files in order leaves)."""
    return _copies(resources)[0]


def resolve(resources: Sequence[Resource], release: Release, forced: Mapping[str, Release] | None = None) -> Topology:
    """The topology of one scenario's objects (namespaces as already placed). Each EPP is judged by the release
    its image names (`forced`: project → the release the user asked for), else at `release`.

    Later copies of an identity overwrite earlier ones (`applied`): the views hold the last copy only.
    """
    read = tuple(resources)
    resources, duplicates = _copies(read)
    topology = Topology(resources=tuple(resources), read=read, duplicates=tuple(duplicates))
    _index(topology, resources)
    _workloads(topology, resources, release, forced or {})
    topology.pools = tuple(pool(r) for r in topology.of_kind(POOL))
    for pool_ in topology.pools:
        topology._pools_in.setdefault(pool_.namespace, []).append(pool_)
        topology._pools_named.setdefault((pool_.namespace, pool_.name), []).append(pool_)
        topology._servers[id(pool_)] = _servers(topology, pool_)
    for service in topology.of_kind("Service"):
        if service.api_version == "v1":
            topology._services.setdefault((service.namespace, service.name), service)
            topology._services_in.setdefault(service.namespace, []).append(service)
    topology.configs = tuple(config_finder.find(resources))
    configmaps = {(r.namespace, r.name): r for r in topology.of_kind("ConfigMap")}
    topology.wiring = wire(topology.workloads, topology.configs, configmaps)
    topology.rbac = rbac_view.build(resources)
    topology.routing = routing_view.build(resources)
    topology.replicas = replica_table(topology.workloads, autoscalers(topology.of_kind(HPA)))
    topology.stacks = tuple(pool_stack(topology, p) for p in topology.pools)
    return topology
