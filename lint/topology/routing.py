"""The scenario's traffic side: routes, gateways, ReferenceGrants and objectives, resolved once per scenario.

`build` makes this view once per scenario (`Topology.routing`), so the route and objective rules
(GIE070–GIE073, GIE081, GIE083), the pool stacks and `explain` share one parse of the Gateway API objects. Defaults are
applied here, once: a backendRef's kind defaults to Service and its group to core `""`, a parentRef's to
Gateway in `gateway.networking.k8s.io`, an objective's `poolRef.group` to the group its CRD defaults to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gie_lint.shape import JsonPath, as_dict, dicts
from gie_lint.source.resources import Resource
from gie_lint.topology.model import POOL, V1_GROUP, string_map

GATEWAY_GROUP = "gateway.networking.k8s.io"
X_GROUP = "inference.networking.x-k8s.io"
POOL_GROUPS = (V1_GROUP, X_GROUP)  # the groups an InferencePool has ever been served in
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute")
OBJECTIVE_KINDS = ("InferenceObjective", "InferenceModelRewrite", "InferenceModel")
# The CRD default of `poolRef.group`: the v1 group for objectives and rewrites (8eb1e316, before v1.0.0),
# the x-k8s group for the v0.x InferenceModel.
POOLREF_DEFAULT_GROUP = {"InferenceObjective": V1_GROUP, "InferenceModelRewrite": V1_GROUP, "InferenceModel": X_GROUP}
REWRITE_HEADER = "x-gateway-model-name-rewrite"
# Route kinds a listener admits when `allowedRoutes.kinds` is empty, by standard protocol.
_DEFAULT_ROUTE_KINDS = {"HTTP": ("HTTPRoute", "GRPCRoute"), "HTTPS": ("HTTPRoute", "GRPCRoute"),
                        "TLS": ("TLSRoute",), "TCP": ("TCPRoute",), "UDP": ("UDPRoute",)}


@dataclass(frozen=True)
class BackendRef:
    route: Resource
    path: JsonPath  # the backendRefs item (findings point at its first line)
    rule: int  # index of the route rule holding it
    group: str | None  # None: not written (Gateway API defaults it to core "")
    kind: str
    name: str
    namespace: str  # effective: written, or the route's
    port: int | None
    weight: int | None = None  # None: not written (Gateway API defaults it to 1)

    @property
    def is_pool(self) -> bool:
        return self.kind == POOL

    @property
    def cross_namespace(self) -> bool:
        return self.namespace != self.route.namespace


@dataclass(frozen=True)
class ParentRef:
    route: Resource
    path: JsonPath
    group: str
    kind: str
    name: str
    namespace: str
    section: str | None
    port: int | None


@dataclass(frozen=True)
class HeaderValue:
    """A value a route sets for a request header (RequestHeaderModifier `set`/`add`)."""

    route: Resource
    path: JsonPath  # the header entry
    rule: int
    value: str


@dataclass(frozen=True)
class Listener:
    name: str
    port: int | None
    protocol: str
    allowed_from: str  # Same (default) | All | Selector
    selector: dict[str, str] | None  # matchLabels of a Selector (None: absent or with matchExpressions)
    kinds: tuple[tuple[str, str], ...]  # (group, kind) of allowedRoutes.kinds; empty: the protocol's defaults


@dataclass(frozen=True)
class Gateway:
    resource: Resource
    listeners: tuple[Listener, ...]


@dataclass(frozen=True)
class PoolRef:
    """An objective's (InferenceObjective, InferenceModelRewrite, InferenceModel) reference to its pool."""

    resource: Resource
    name: str
    group: str  # effective (defaulted by kind when not written)
    group_written: bool
    path: JsonPath


@dataclass
class Routing:
    routes: list[Resource] = field(default_factory=list)
    backends: list[BackendRef] = field(default_factory=list)
    parents: list[ParentRef] = field(default_factory=list)
    header_values: list[HeaderValue] = field(default_factory=list)
    gateways: list[Gateway] = field(default_factory=list)
    grants: list[Resource] = field(default_factory=list)
    objectives: list[PoolRef] = field(default_factory=list)
    namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # Namespace objects linted
    _gateways: dict[tuple[str, str], Gateway] = field(default_factory=dict)
    _grants_in: dict[str, list[Resource]] = field(default_factory=dict)
    _to_pool: dict[tuple[str, str], list[BackendRef]] = field(default_factory=dict)  # (namespace, pool name)
    _parents_of: dict[int, list[ParentRef]] = field(default_factory=dict)  # id() of the route

    def gateway(self, namespace: str, name: str) -> Gateway | None:
        return self._gateways.get((namespace, name))

    def parents_of(self, route: Resource) -> list[ParentRef]:
        return self._parents_of.get(id(route), [])

    def backends_to_pool(self, namespace: str, name: str) -> list[BackendRef]:
        """The InferencePool backendRefs naming this pool (any group)."""
        return self._to_pool.get((namespace, name), [])

    def granted(self, route: Resource, ref: BackendRef) -> bool | None:
        """Does a ReferenceGrant in the ref's namespace let `route` point at it? None: no grant there is linted."""
        grants = self._grants_in.get(ref.namespace)
        if not grants:
            return None
        return any(_grant_allows(g, route, ref) for g in grants)


def _grant_allows(grant: Resource, route: Resource, ref: BackendRef) -> bool:
    froms = grant.get("spec", "from")
    tos = grant.get("spec", "to")
    if not isinstance(froms, list) or not isinstance(tos, list):
        return False
    from_ok = any(isinstance(f, dict) and f.get("group") == GATEWAY_GROUP and f.get("kind") == route.kind
                  and f.get("namespace") == route.namespace for f in froms)
    to_ok = any(isinstance(t, dict) and (t.get("group") or "") == (ref.group or "") and t.get("kind") == ref.kind
                and t.get("name") in (None, "", ref.name) for t in tos)
    return from_ok and to_ok


def build(resources: Iterable[Resource]) -> Routing:
    view = Routing()
    for resource in resources:
        group, kind = resource.group, resource.kind
        if group == GATEWAY_GROUP and kind in ROUTE_KINDS:
            view.routes.append(resource)
            _route(resource, view)
        elif group == GATEWAY_GROUP and kind == "Gateway":
            gateway = Gateway(resource, tuple(_listeners(resource)))
            view.gateways.append(gateway)
            view._gateways.setdefault((resource.namespace, resource.name), gateway)
        elif kind == "ReferenceGrant" and group in (GATEWAY_GROUP, "gateway.networking.x-k8s.io"):
            view.grants.append(resource)
            view._grants_in.setdefault(resource.namespace, []).append(resource)
        elif kind in OBJECTIVE_KINDS:
            ref = _pool_ref(resource)
            if ref is not None:
                view.objectives.append(ref)
        elif kind == "Namespace" and resource.api_version == "v1":
            labels = string_map(resource.get("metadata", "labels")) or {}
            view.namespace_labels[resource.name] = {**labels, "kubernetes.io/metadata.name": resource.name}
    return view


def _route(route: Resource, view: Routing) -> None:
    parents = route.get("spec", "parentRefs")
    for index, ref in enumerate(parents if isinstance(parents, list) else []):
        if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
            continue
        port = ref.get("port")
        section = ref.get("sectionName")
        parent = ParentRef(
            route, ("spec", "parentRefs", index), str(ref.get("group", GATEWAY_GROUP)), str(ref.get("kind", "Gateway")),
            ref["name"], str(ref.get("namespace") or route.namespace), section if isinstance(section, str) else None,
            port if isinstance(port, int) else None)
        view.parents.append(parent)
        view._parents_of.setdefault(id(route), []).append(parent)
    rules = route.get("spec", "rules")
    for r, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        _header_values(route, r, ("spec", "rules", r), rule.get("filters"), view)
        backends = rule.get("backendRefs")
        for b, ref in enumerate(backends if isinstance(backends, list) else []):
            if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
                continue
            path: JsonPath = ("spec", "rules", r, "backendRefs", b)
            group, port, weight = ref.get("group"), ref.get("port"), ref.get("weight")
            backend = BackendRef(
                route, path, r, group if isinstance(group, str) else None, str(ref.get("kind") or "Service"),
                ref["name"], str(ref.get("namespace") or route.namespace), port if isinstance(port, int) else None,
                weight if isinstance(weight, int) and not isinstance(weight, bool) else None)
            view.backends.append(backend)
            if backend.is_pool:
                view._to_pool.setdefault((backend.namespace, backend.name), []).append(backend)
            _header_values(route, r, path, ref.get("filters"), view)


def _header_values(route: Resource, rule: int, base: JsonPath, filters: Any, view: Routing) -> None:
    """Values set for the model-rewrite header by RequestHeaderModifier filters (rule- or backend-level)."""
    for f, item in enumerate(filters if isinstance(filters, list) else []):
        modifier = item.get("requestHeaderModifier") if isinstance(item, dict) else None
        if not isinstance(modifier, dict):
            continue
        for op in ("set", "add"):
            headers = modifier.get(op)
            for h, header in enumerate(headers if isinstance(headers, list) else []):
                if (isinstance(header, dict) and str(header.get("name", "")).lower() == REWRITE_HEADER
                        and isinstance(header.get("value"), str)):
                    path = (*base, "filters", f, "requestHeaderModifier", op, h)
                    view.header_values.append(HeaderValue(route, path, rule, header["value"]))


def _listeners(gateway: Resource) -> Iterator[Listener]:
    listeners = gateway.get("spec", "listeners")
    for item in listeners if isinstance(listeners, list) else []:
        if not isinstance(item, dict):
            continue
        allowed = as_dict(item.get("allowedRoutes"))
        namespaces = as_dict(allowed.get("namespaces"))
        selector = as_dict(namespaces.get("selector"))
        labels = None if selector.get("matchExpressions") else string_map(selector.get("matchLabels"))
        kinds = tuple((str(k.get("group", GATEWAY_GROUP)), str(k.get("kind")))
                      for _, k in dicts(allowed.get("kinds")) if k.get("kind"))
        port = item.get("port")
        yield Listener(str(item.get("name", "")), port if isinstance(port, int) else None,
                       str(item.get("protocol", "")), str(namespaces.get("from") or "Same"), labels, kinds)


def admits_kind(listener: Listener, kind: str) -> bool | None:
    """Does the listener take routes of `kind`? None: a non-standard protocol (implementation-specific)."""
    if listener.kinds:
        return (GATEWAY_GROUP, kind) in listener.kinds
    defaults = _DEFAULT_ROUTE_KINDS.get(listener.protocol)
    return None if defaults is None else kind in defaults


def _pool_ref(resource: Resource) -> PoolRef | None:
    ref = resource.get("spec", "poolRef")
    if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
        return None
    written = ref.get("group")
    group = written if isinstance(written, str) and written else POOLREF_DEFAULT_GROUP[resource.kind]
    return PoolRef(resource, ref["name"], group, isinstance(written, str) and bool(written), ("spec", "poolRef"))
