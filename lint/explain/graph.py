"""The request graph of one scenario: gateways, listeners, routes, pools, EPP Services, EPPs and model servers.

Nodes are objects (a listener is a node of its own, so two routes on one listener and one route on two
Gateways are drawn as they are: fan-in and fan-out). An edge is drawn only for a reference that resolves
among the linted files, the way a gateway or the EPP resolves it (`gie_lint.topology.stacks`); every
reference that does not resolve is listed apart with the reason, and never drawn. Each edge and each
unresolved reference points at the line where the reference is written.
"""

from __future__ import annotations

from typing import Any

from gie_lint.rules.api import Scenario
from gie_lint.shape import JsonPath
from gie_lint.source.placeholders import unresolved as placeholder
from gie_lint.source.resources import Resource
from gie_lint.topology.listeners import attach
from gie_lint.topology.model import POOL
from gie_lint.topology.routing import POOL_GROUPS, BackendRef, Gateway, Listener, ParentRef
from gie_lint.topology.stacks import PoolStack, resolves_to


def listener_id(gateway: Resource, name: str) -> str:
    return f"{gateway.ref} listener {name}"


def _listener_index(gateway: Resource, listener: Listener) -> int:
    items = gateway.get("spec", "listeners")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and str(item.get("name", "")) == listener.name:
            return index
    return 0


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.unresolved: dict[tuple[str, int, str], dict[str, Any]] = {}

    def node(self, role: str, resource: Resource, path: JsonPath = ()) -> str:
        node_id = resource.ref
        self.nodes.setdefault(node_id, {"id": node_id, "role": role, "ref": resource.ref, "file": resource.file,
                                        "line": resource.locate(path).line})
        return node_id

    def listener(self, gateway: Gateway, listener: Listener) -> str:
        node_id = listener_id(gateway.resource, listener.name)
        path = ("spec", "listeners", _listener_index(gateway.resource, listener))
        self.nodes.setdefault(node_id, {"id": node_id, "role": "listener", "ref": gateway.resource.ref,
                                        "name": listener.name, "port": listener.port, "protocol": listener.protocol,
                                        "file": gateway.resource.file, "line": gateway.resource.locate(path).line})
        return node_id

    def edge(self, source: str, target: str, via: str, owner: Resource, path: JsonPath, **extra: Any) -> None:
        self.edges.setdefault((source, target, via), {"from": source, "to": target, "via": via, "file": owner.file,
                                                      "line": owner.locate(path).line, **extra})

    def missing(self, owner: Resource, path: JsonPath, reference: str, why: str) -> None:
        line = owner.locate(path).line
        self.unresolved.setdefault((owner.file, line, reference), {
            "from": owner.ref, "reference": reference, "why": why, "file": owner.file, "line": line})


def _front(build: _Builder, stack: PoolStack, pool_node: str) -> None:
    for ref in stack.backends:
        route_node = build.node("route", ref.route)
        extra = {"weight": ref.weight} if ref.weight is not None else {}
        build.edge(route_node, pool_node, "backendRef", ref.route, ref.path, **extra)
    for attachment in stack.attachments:
        assert attachment.gateway is not None  # attachments with listeners have their Gateway
        gateway = build.node("gateway", attachment.gateway.resource)
        route = attachment.ref.route
        for listener in attachment.listeners:
            node = build.listener(attachment.gateway, listener)
            path = ("spec", "listeners", _listener_index(attachment.gateway.resource, listener))
            build.edge(gateway, node, "listener", attachment.gateway.resource, path)
            build.edge(node, route.ref, "parentRef", route, attachment.ref.path)


def _behind(build: _Builder, stack: PoolStack, pool_node: str) -> None:
    pool = stack.pool
    if stack.epp_service is not None and pool.epp is not None:
        service = build.node("epp-service", stack.epp_service)
        build.edge(pool_node, service, "endpointPickerRef", pool.resource, pool.epp.path)
        for workload in stack.epps:
            epp = build.node("endpoint-picker", workload.resource)
            build.edge(service, epp, "selector", stack.epp_service, ("spec", "selector"))
        if not stack.epps:
            build.missing(stack.epp_service, ("spec", "selector"), f"{stack.epp_service.ref} selector",
                          "selects no EPP pod template among these files")
    elif pool.epp is not None and not placeholder(pool.epp.name):
        kind = pool.epp.kind or "Service"
        why = (f"no Service {pool.namespace}/{pool.epp.name} among these files" if kind == "Service" and
               not pool.epp.group else f"a {kind} in group `{pool.epp.group}` is not drawn (only a core Service is)")
        build.missing(pool.resource, pool.epp.path, f"{pool.epp.path[-1]} {kind} {pool.epp.name}", why)
    for workload in stack.model_servers:
        server = build.node("model-server", workload.resource)
        build.edge(pool_node, server, "selector", pool.resource, pool.selector_path)
    if pool.selector and not stack.model_servers and not any(placeholder(v) for v in pool.selector.values()):
        build.missing(pool.resource, pool.selector_path, "selector",
                      "matches no model-server pod template in namespace " + f"{pool.namespace} among these files")


def _backend_problem(scenario: Scenario, ref: BackendRef) -> str | None:
    """Why a route's InferencePool backendRef resolves to no linted pool (None: it resolves)."""
    named = scenario.topology.pools_named(ref.namespace, ref.name)
    routing = scenario.topology.routing
    if any(resolves_to(ref, pool, routing) for pool in named):
        return None
    if not ref.group:
        return "no `group`: Gateway API defaults it to the core group, where no InferencePool exists"
    if ref.group not in POOL_GROUPS:
        return f"group `{ref.group}` has no InferencePool kind"
    same_group = [p for p in named if p.resource.group == ref.group]
    if same_group:
        return (f"cross-namespace reference from namespace {ref.route.namespace} with no ReferenceGrant in "
                f"{ref.namespace} that allows it")
    if named:
        return f"{named[0].resource.ref} is `{named[0].resource.api_version}`, not in group `{ref.group}`"
    return f"no InferencePool {ref.namespace}/{ref.name} among these files"


def _parent_problem(ref: ParentRef, scenario: Scenario) -> str | None:
    if ref.group != "gateway.networking.k8s.io" or ref.kind != "Gateway":
        return f"a parent of kind {ref.kind} (group `{ref.group}`) is not drawn"
    attachment = attach(ref, scenario.topology.routing)
    if attachment.gateway is None:
        return f"no Gateway {ref.namespace}/{ref.name} among these files"
    return attachment.problem if not attachment.listeners else None


def _unresolved_routes(build: _Builder, scenario: Scenario) -> None:
    """The InferencePool backendRefs that resolve to no pool, and the parentRefs of every route with one."""
    routing = scenario.topology.routing
    routes: dict[int, Resource] = {}
    for ref in routing.backends:
        if ref.kind != POOL or placeholder(ref.name) or placeholder(ref.namespace):
            continue
        routes.setdefault(id(ref.route), ref.route)
        problem = _backend_problem(scenario, ref)
        if problem is not None:
            group = ref.group if ref.group is not None else "(not set)"
            build.missing(ref.route, ref.path, f"backendRef InferencePool {ref.namespace}/{ref.name}, group {group}",
                          problem)
    for route in routes.values():
        for parent in routing.parents_of(route):
            if placeholder(parent.name) or placeholder(parent.namespace):
                continue
            problem = _parent_problem(parent, scenario)
            if problem is not None:
                section = f" listener {parent.section}" if parent.section else ""
                build.missing(route, parent.path, f"parentRef {parent.kind} {parent.namespace}/{parent.name}{section}",
                              problem)


def graph(scenario: Scenario) -> dict[str, Any]:
    """`{"nodes": [...], "edges": [...], "unresolved": [...]}`, each list in request order, deterministic."""
    build = _Builder()
    for stack in scenario.topology.stacks:
        pool_node = build.node("pool", stack.pool.resource)
        _front(build, stack, pool_node)
        _behind(build, stack, pool_node)
    _unresolved_routes(build, scenario)
    order = {"gateway": 0, "listener": 1, "route": 2, "pool": 3, "epp-service": 4, "endpoint-picker": 5,
             "model-server": 6}
    nodes = sorted(build.nodes.values(), key=lambda n: order[n["role"]])  # stable: file order within a role
    rank = {n["id"]: i for i, n in enumerate(nodes)}
    edges = sorted(build.edges.values(), key=lambda e: (rank[e["from"]], rank[e["to"]], e["via"]))
    unresolved = sorted(build.unresolved.values(), key=lambda u: (u["file"], u["line"], u["reference"]))
    return {"nodes": nodes, "edges": edges, "unresolved": unresolved}
