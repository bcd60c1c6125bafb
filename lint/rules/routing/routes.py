"""GIE070–GIE073: HTTPRoute/GRPCRoute backendRefs to InferencePools and parentRefs to Gateways.

Gateway API resolves a backendRef by (group, kind, namespace, name) with `group` defaulting to core
`""`, so an InferencePool reference must spell out the pool's API group. Cross-object checks speak only
about objects among the linted files: a pool or Gateway installed some other way is not an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.source.placeholders import unresolved
from gie_lint.topology import Topology
from gie_lint.topology.listeners import attach
from gie_lint.topology.routing import (
    GATEWAY_GROUP,
    POOL_GROUPS,
    ROUTE_KINDS,
    BackendRef,
    Routing,
)


def _served_pool_groups(scenario: Scenario) -> list[str]:
    """The API groups the release serves InferencePool in (v1 first)."""
    kinds = scenario.store.gie_kinds(scenario.release.tag)
    groups = {av.rpartition("/")[0] for av, kind in kinds if kind == "InferencePool"}
    return sorted(groups & set(POOL_GROUPS), key=POOL_GROUPS.index)


def _pool_backends(view: Routing) -> Iterator[BackendRef]:
    for ref in view.backends:
        if ref.is_pool and not unresolved(ref.name) and not unresolved(ref.namespace):
            yield ref


def _where(ref: BackendRef) -> str:
    return f"InferencePool `{ref.name}`" + (f" in namespace {ref.namespace}" if ref.cross_namespace else "")


# GIE070 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE070", "route-inferencepool-backendref", Severity.ERROR, kinds=ROUTE_KINDS,
    applies=APPLIES_POOL)
def route_inferencepool_backendref(scenario: Scenario) -> Iterator[Hit]:
    """A route backendRef of kind InferencePool sets `group` to the pool's API group (that of the linted pool of
    that name, else one the release serves pools in).

    ## Why it breaks
    Gateway API resolves a backendRef by group, kind and name, and an omitted `group` means the core group. A
    missing or wrong group leaves the route with ResolvedRefs=False (BackendNotFound) and no traffic reaches the
    model servers.

    ## Bad
    ```yaml
    backendRefs:
    - name: vllm-qwen3-32b
      kind: InferencePool
    ```

    ## Good
    ```yaml
    backendRefs:
    - group: inference.networking.k8s.io
      kind: InferencePool
      name: vllm-qwen3-32b
    ```

    ## Fix
    Write `group: inference.networking.k8s.io` for a v1 pool (`inference.networking.x-k8s.io` for a v1alpha2
    pool) and the pool's exact `metadata.name`.
    """
    topology: Topology = scenario.topology
    served = _served_pool_groups(scenario)
    for ref in _pool_backends(scenario.topology.routing):
        named = [p for p in topology.pools_named(ref.namespace, ref.name) if p.resource.group in POOL_GROUPS]
        wanted = sorted({p.resource.group for p in named}) or served
        advice = " or ".join(f"`group: {g}`" for g in wanted) or f"the pool's API group ({' or '.join(POOL_GROUPS)})"
        if not ref.group:
            said = "has no `group`" if ref.group is None else "sets `group: \"\"`"
            yield Hit(ref.path, f"backendRef to {_where(ref)} {said}: Gateway API defaults it to the core group, "
                      f"where no InferencePool exists, so the route reports BackendNotFound; set {advice}",
                      target=ref.route)
        elif unresolved(ref.group):
            continue
        elif ref.group not in POOL_GROUPS:
            yield Hit(ref.path, f"backendRef to {_where(ref)} uses group `{ref.group}`, which has no InferencePool "
                      f"kind; set {advice}", target=ref.route)
        elif named:
            if ref.group not in wanted:
                pool = named[0].resource
                yield Hit(ref.path, f"backendRef group `{ref.group}` does not match {pool.ref}, which is "
                          f"`{pool.api_version}`: the reference resolves to nothing; set {advice}", target=ref.route)
        elif served and ref.group not in served:
            yield Hit(ref.path, f"backendRef group `{ref.group}`: {scenario.release.label} serves InferencePool only "
                      f"in {' and '.join(served)}, so no such pool can exist; set {advice}", target=ref.route)
        # A pool name absent from the linted files is not judged: rollouts and guides reference pools
        # installed earlier (e.g. the old pool next to a `-new` one).


# GIE071 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE071", "route-backendref-port", Severity.INFO, kinds=ROUTE_KINDS,
    applies=APPLIES_POOL)
def route_backendref_port(scenario: Scenario) -> Iterator[Hit]:
    """`port` on an InferencePool backendRef is optional and ignored; a value outside the pool's targetPorts is
    noted.

    ## Why it breaks
    Conformance requires gateways to accept and route an InferencePool backendRef whatever its port: the
    endpoint comes from the EPP and the port from the pool's targetPorts. A different number there only misleads
    readers.

    ## Bad
    ```yaml
    # pool targetPorts: [{number: 8000}]
    backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: vllm, port: 9000}]
    ```

    ## Good
    ```yaml
    backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: vllm}]
    ```

    ## Fix
    Remove `port` from the backendRef (or make it one of the pool's targetPorts).
    """
    for ref in _pool_backends(scenario.topology.routing):
        if ref.port is None:
            continue
        for pool in scenario.topology.pools_named(ref.namespace, ref.name):
            if pool.resource.group == ref.group and pool.target_ports and ref.port not in pool.target_ports:
                ports = ", ".join(str(p) for p in pool.target_ports)
                yield Hit((*ref.path, "port"), f"`port: {ref.port}` is ignored on an InferencePool backendRef: the "
                          f"gateway sends traffic to the endpoint the EPP picks, on the pool's targetPorts ({ports}); "
                          "drop the port to avoid confusion", target=ref.route)


# GIE072 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE072", "route-parentref-gateway", Severity.ERROR, kinds=ROUTE_KINDS,
    applies=APPLIES_POOL)
def route_parentref_gateway(scenario: Scenario) -> Iterator[Hit]:
    """A route's Gateway parentRef matches a listener (sectionName, port) that admits the route's kind and
    namespace.

    ## Why it breaks
    A Gateway attaches a route only through a listener that the parentRef selects and whose allowedRoutes admit
    it (by default: HTTP(S) listeners, routes from the Gateway's own namespace). Otherwise the route is not
    Accepted and serves nothing. Gateways that are not among the linted files are not judged.

    ## Bad
    ```yaml
    # Gateway listeners: [{name: http, port: 80, protocol: HTTP}]
    parentRefs: [{name: inference-gateway, sectionName: https}]
    ```

    ## Good
    ```yaml
    parentRefs: [{name: inference-gateway, sectionName: http}]
    ```

    ## Fix
    Name an existing listener and port, or widen the listener's `allowedRoutes` to the route's namespace and
    kind.
    """
    view = scenario.topology.routing
    if not view.gateways:
        return
    for ref in view.parents:
        if ref.group != GATEWAY_GROUP or ref.kind != "Gateway" or unresolved(ref.name) or unresolved(ref.namespace):
            continue
        problem = attach(ref, view).problem
        if problem:
            yield Hit(ref.path, f"{problem}; the route is not Accepted", target=ref.route)


# GIE073 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE073", "route-cross-namespace-pool", Severity.ERROR, kinds=ROUTE_KINDS,
    applies=APPLIES_POOL)
def route_cross_namespace_pool(scenario: Scenario) -> Iterator[Hit]:
    """A backendRef to an InferencePool in another namespace is allowed by a ReferenceGrant in the pool's
    namespace.

    ## Why it breaks
    Gateway API forbids cross-namespace references unless the target namespace grants them; without a matching
    ReferenceGrant (from the route's kind and namespace, to InferencePool in the pool's group) the backend is
    RefNotPermitted and gets no traffic.

    ## Bad
    ```yaml
    # route in namespace gateway, pool in namespace llm, no ReferenceGrant
    backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: vllm, namespace: llm}]
    ```

    ## Good
    ```yaml
    kind: ReferenceGrant
    metadata: {namespace: llm}
    spec:
      from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: gateway}]
      to: [{group: inference.networking.k8s.io, kind: InferencePool}]
    ```

    ## Fix
    Create a ReferenceGrant in the pool's namespace for the route's kind and namespace, or move the route next
    to the pool.
    """
    view = scenario.topology.routing
    for ref in _pool_backends(view):
        if not ref.cross_namespace or ref.group not in POOL_GROUPS:
            continue
        if not any(p.resource.group == ref.group for p in scenario.topology.pools_named(ref.namespace, ref.name)):
            continue  # the pool's namespace is not part of what is linted
        if view.granted(ref.route, ref):
            continue
        yield Hit(ref.path, f"backendRef crosses into namespace {ref.namespace}, but no ReferenceGrant there allows "
                  f"{ref.route.kind}s from {ref.route.namespace} to InferencePool `{ref.name}`: the route reports "
                  f"RefNotPermitted; add a ReferenceGrant in {ref.namespace} (from: {{group: {GATEWAY_GROUP}, kind: "
                  f"{ref.route.kind}, namespace: {ref.route.namespace}}}, to: {{group: {ref.group}, kind: "
                  "InferencePool})", target=ref.route)


