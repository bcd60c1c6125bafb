"""A pool's whole stack in one scenario: routes and gateways in front, the EPP side, the model servers behind.

`gie-lint explain` prints it and GIE045 (variant drift) compares it object by object between two
scenarios. Only what the linted files contain is found; nothing is guessed. Every lookup goes through the
topology's indexes (`StackSources`), so building all stacks is linear in the scenario's objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from gie_lint.shape import dicts, key, strings
from gie_lint.source.resources import Resource
from gie_lint.topology.listeners import Attachment, attach
from gie_lint.topology.model import Pool, Workload
from gie_lint.topology.rbac import Rbac
from gie_lint.topology.routing import BackendRef, Routing


class StackSources(Protocol):
    """The topology queries a stack is assembled from (`gie_lint.topology.Topology` provides them)."""

    routing: Routing
    rbac: Rbac

    def epp_service(self, pool: Pool) -> Resource | None: ...
    def epp_workloads(self, service: Resource) -> list[Workload]: ...
    def pods_matching(self, namespace: str, selector: Mapping[str, str]) -> list[Workload]: ...
    def named(self, kind: str, namespace: str, name: str) -> Resource | None: ...


@dataclass
class PoolStack:
    pool: Pool
    routes: list[Resource] = field(default_factory=list)  # HTTPRoutes with a backendRef that resolves to the pool
    gateways: list[Resource] = field(default_factory=list)  # the Gateways those routes attach to
    backends: list[BackendRef] = field(default_factory=list)  # the backendRefs that resolve to the pool
    attachments: list[Attachment] = field(default_factory=list)  # the routes' parentRefs that attach to a listener
    epp_service: Resource | None = None
    epps: list[Workload] = field(default_factory=list)  # EPP pod templates behind the Service
    service_accounts: list[Resource] = field(default_factory=list)
    rbac: list[Resource] = field(default_factory=list)  # (Cluster)Roles and bindings of the EPP accounts
    configmaps: list[Resource] = field(default_factory=list)  # mounted by the EPP pods
    model_servers: list[Workload] = field(default_factory=list)  # templates the pool selects (no EPPs)

    def objects(self) -> list[tuple[str, Resource]]:
        """(role, object) of the EPP side and the model servers, each object once, in request order."""
        found: list[tuple[str, Resource]] = [("pool", self.pool.resource)]
        if self.epp_service is not None:
            found.append(("epp-service", self.epp_service))
        found += [("epp", w.resource) for w in self.epps]
        found += [("service-account", r) for r in self.service_accounts]
        found += [("rbac", r) for r in self.rbac]
        found += [("configmap", r) for r in self.configmaps]
        found += [("model-server", w.resource) for w in self.model_servers]
        unique: dict[int, tuple[str, Resource]] = {}
        for role, resource in found:
            unique.setdefault(id(resource), (role, resource))
        return list(unique.values())


def identity(resource: Resource) -> tuple[str, str, str]:
    return resource.kind, resource.namespace, resource.name


def grants_leases(role: Resource) -> bool:
    """A (Cluster)Role that names the coordination.k8s.io `leases` resource (leader election)."""
    return any("coordination.k8s.io" in strings(rule.get("apiGroups")) and "leases" in strings(rule.get("resources"))
               for _, rule in dicts(role.get("rules")))


def _unique_workloads(workloads: list[Workload]) -> list[Workload]:
    seen: dict[int, Workload] = {}
    for workload in workloads:
        seen.setdefault(id(workload.resource), workload)
    return list(seen.values())


def _add(found: list[Resource], resource: Resource | None) -> None:
    if resource is not None and all(r is not resource for r in found):
        found.append(resource)


def resolves_to(ref: BackendRef, pool: Pool, routing: Routing) -> bool:
    """Does a gateway resolve this backendRef to `pool`? Group, kind, namespace and name match, and a
    cross-namespace reference is not refused by the ReferenceGrants linted there."""
    if not (ref.is_pool and ref.group == pool.resource.group and (ref.namespace, ref.name) == (pool.namespace,
                                                                                              pool.name)):
        return False
    return not ref.cross_namespace or routing.granted(ref.route, ref) is not False


def pool_stack(sources: StackSources, pool: Pool) -> PoolStack:
    stack = PoolStack(pool)
    routing = sources.routing
    stack.backends = [ref for ref in routing.backends_to_pool(pool.namespace, pool.name)
                      if resolves_to(ref, pool, routing)]
    for ref in stack.backends:
        _add(stack.routes, ref.route)
    for route in stack.routes:
        for parent in routing.parents_of(route):
            attachment = attach(parent, routing)
            if attachment.listeners:
                stack.attachments.append(attachment)
                _add(stack.gateways, attachment.gateway.resource if attachment.gateway is not None else None)
    stack.epp_service = sources.epp_service(pool)
    if stack.epp_service is not None:
        stack.epps = _unique_workloads([w for w in sources.epp_workloads(stack.epp_service) if w.epp])
    for workload in stack.epps:
        account = sources.rbac.account(workload)
        _add(stack.service_accounts, sources.named("ServiceAccount", workload.namespace, account.name))
        for grant in sources.rbac.grants(account):
            _add(stack.rbac, grant.binding)
            _add(stack.rbac, grant.role.resource if grant.role is not None else None)
        for _, volume in dicts(workload.pod_spec.get("volumes")):
            source = volume.get("configMap")
            name = key(source.get("name")) if isinstance(source, dict) else None
            if isinstance(name, str):
                _add(stack.configmaps, sources.named("ConfigMap", workload.namespace, name))
    if pool.selector:
        stack.model_servers = _unique_workloads([w for w in sources.pods_matching(pool.namespace, pool.selector)
                                                 if not w.epp])
    return stack
