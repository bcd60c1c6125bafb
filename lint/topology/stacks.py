"""A pool's whole stack in one scenario: routes and gateways in front, the EPP side, the model servers behind.

`gie-lint explain` prints it and GIE045 (variant drift) compares it object by object between two
scenarios. Only what the linted files contain is found; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lint.shape import dicts, key, strings
from lint.source.resources import Resource
from lint.topology.model import Pool, Topology, Workload


@dataclass
class PoolStack:
    pool: Pool
    routes: list[Resource] = field(default_factory=list)  # HTTPRoutes with a backendRef to the pool
    gateways: list[Resource] = field(default_factory=list)  # their parent Gateways
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


def _unique_workloads(workloads: list[Workload]) -> list[Workload]:
    seen: dict[int, Workload] = {}
    for workload in workloads:
        seen.setdefault(id(workload.resource), workload)
    return list(seen.values())


def service_account(workload: Workload) -> str:
    spec = workload.resource.get(*workload.pod_spec_path)
    name = (spec.get("serviceAccountName") or spec.get("serviceAccount")) if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else "default"


def bound_rbac(resources: list[Resource], account: str, namespace: str) -> list[Resource]:
    """Bindings whose subjects include the ServiceAccount, and the (Cluster)Roles they reference."""
    roles = {(r.kind, r.namespace if r.kind == "Role" else "", r.name): r
             for r in resources if r.kind in ("Role", "ClusterRole") and r.group.startswith("rbac.")}
    found: list[Resource] = []
    for binding in resources:
        if binding.kind not in ("RoleBinding", "ClusterRoleBinding") or not binding.group.startswith("rbac."):
            continue
        subjects = binding.get("subjects")
        if not any(isinstance(s, dict) and s.get("kind") == "ServiceAccount" and s.get("name") == account
                   and (s.get("namespace") or binding.namespace) == namespace
                   for s in (subjects if isinstance(subjects, list) else [])):
            continue
        found.append(binding)
        ref = binding.get("roleRef")
        if isinstance(ref, dict):
            kind = ref.get("kind")
            role = roles.get((str(kind), binding.namespace if kind == "Role" else "", str(ref.get("name"))))
            if role is not None and role not in found:
                found.append(role)
    return found


def grants_leases(role: Resource) -> bool:
    """A (Cluster)Role that names the coordination.k8s.io `leases` resource (leader election)."""
    rules = role.get("rules")
    return any("coordination.k8s.io" in strings(rule.get("apiGroups")) and "leases" in strings(rule.get("resources"))
               for _, rule in dicts(rules))


def _routes(resources: list[Resource], pool: Pool) -> list[Resource]:
    found = []
    for route in resources:
        if route.kind not in ("HTTPRoute", "GRPCRoute"):
            continue
        rules = route.get("spec", "rules")
        for rule in rules if isinstance(rules, list) else []:
            refs = rule.get("backendRefs") if isinstance(rule, dict) else None
            if any(isinstance(ref, dict) and ref.get("kind") == "InferencePool" and ref.get("name") == pool.name
                   and (ref.get("namespace") or route.namespace) == pool.namespace
                   for ref in (refs if isinstance(refs, list) else [])):
                found.append(route)
                break
    return found


def _gateways(resources: list[Resource], routes: list[Resource]) -> list[Resource]:
    found: list[Resource] = []
    for route in routes:
        parents = route.get("spec", "parentRefs")
        for parent in parents if isinstance(parents, list) else []:
            if not isinstance(parent, dict) or parent.get("kind", "Gateway") != "Gateway":
                continue
            namespace = parent.get("namespace") or route.namespace
            gateway = next((g for g in resources if g.kind == "Gateway" and g.name == parent.get("name")
                            and g.namespace == namespace), None)
            if gateway is not None and gateway not in found:
                found.append(gateway)
    return found


def _configmaps(resources: list[Resource], workload: Workload) -> list[Resource]:
    names = {key(v["configMap"].get("name")) for _, v in dicts(workload.pod_spec.get("volumes"))
             if isinstance(v.get("configMap"), dict)}
    return [r for r in resources if r.kind == "ConfigMap" and r.namespace == workload.namespace and r.name in names]


def pool_stack(topology: Topology, resources: list[Resource], pool: Pool) -> PoolStack:
    stack = PoolStack(pool)
    stack.routes = _routes(resources, pool)
    stack.gateways = _gateways(resources, stack.routes)
    stack.epp_service = topology.epp_service(pool)
    if stack.epp_service is not None:
        stack.epps = _unique_workloads([w for w in topology.epp_workloads(stack.epp_service) if w.epp])
    for workload in stack.epps:
        account = service_account(workload)
        sa = next((r for r in resources if r.kind == "ServiceAccount" and r.name == account
                   and r.namespace == workload.namespace), None)
        if sa is not None and sa not in stack.service_accounts:
            stack.service_accounts.append(sa)
        stack.rbac += [r for r in bound_rbac(resources, account, workload.namespace) if r not in stack.rbac]
        stack.configmaps += [r for r in _configmaps(resources, workload) if r not in stack.configmaps]
    selector: Any = pool.selector
    if selector:
        stack.model_servers = _unique_workloads([w for w in topology.pods_matching(pool.namespace, selector)
                                                 if not w.epp])
    return stack


def stacks(topology: Topology, resources: list[Resource]) -> list[PoolStack]:
    """Every pool's stack, cached on the topology."""
    cached = topology.memo.get("stacks")
    if cached is None:
        cached = topology.memo["stacks"] = [pool_stack(topology, resources, p) for p in topology.pools]
    return cached

