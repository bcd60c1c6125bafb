"""GIE040, GIE042–GIE044, GIE047: EPP replicas, leader election and autoscaling agree.

With `--ha-enable-leader-election` the EPP replicas compete for one Lease; only the leader is Ready,
so N replicas are one active scheduler plus N-1 standbys. Without it every replica is an independent
scheduler with its own prefix-cache index and queues (rules.md §2.4, §4.5, §5). Replica counts and
their HPA come from lint/topology/replicas.py, the LE flag from lint/topology/eppargs.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lint.result import Severity
from lint.rules.api import Hit, Rule
from lint.schema.violation import JsonPath
from lint.source.placeholders import unresolved
from lint.source.resources import Resource
from lint.topology import eppargs
from lint.topology.eppargs import EppArgs
from lint.topology.model import Container, Workload
from lint.topology.replicas import LeaderElection, Replicas, leader_election, replicas_of, where
from lint.topology.stacks import bound_rbac, grants_leases, service_account

_LE = "--ha-enable-leader-election"
_LE_PROBES = {"liveness", "readiness"}


def epp_workloads(context: Any) -> Iterator[tuple[Workload, Replicas, LeaderElection]]:
    """Every EPP pod template with its replicas and leader-election state (each object once)."""
    seen: set[int] = set()
    for workload in context.topology.workloads:
        if not workload.epp or id(workload.resource) in seen:
            continue
        seen.add(id(workload.resource))
        le = leader_election(workload, context.release)
        if le is not None:
            yield workload, replicas_of(context.topology, context.resources, workload.resource), le


def _probe_services(workload: Workload, container_path: Any) -> list[tuple[Any, str]]:
    """(path of `grpc.service`, name) of the EPP container's liveness/readiness probes."""
    container = next((c for c in workload.containers if c.path == container_path), None)
    found = []
    for probe in ("livenessProbe", "readinessProbe"):
        grpc = container.data.get(probe) if container else None
        grpc = grpc.get("grpc") if isinstance(grpc, dict) else None
        service = grpc.get("service") if isinstance(grpc, dict) else None
        if isinstance(service, str):
            found.append(((*container_path, probe, "grpc", "service"), service))
    return found


# GIE040 ---------------------------------------------------------------------------------------------

def _check_replicas_without_le(context: Any) -> Iterator[Hit]:
    for workload, replicas, le in epp_workloads(context):
        if le.on is not False:
            continue
        advice = ("set replicas: 1 (this EPP release has no leader election; it arrived in v1.0.0)"
                  if not le.available else
                  f"set replicas: 1, or add {_LE} (with liveness/readiness probe services, the lease RBAC and "
                  f"strategy Recreate) so one leader serves and the others stand by")
        hpa = replicas.hpa
        if hpa is not None:
            if hpa.max_replicas is not None and hpa.max_replicas > 1:
                yield Hit(("spec", "maxReplicas"), f"this HPA may scale EPP {workload.resource.ref} to "
                          f"{hpa.max_replicas} replicas, which runs without {_LE}: every replica is Ready and "
                          f"schedules on its own prefix-cache index and queues; {advice}", target=hpa.resource)
            continue
        if replicas.count is not None and replicas.count > 1:
            yield Hit(replicas.path, f"{replicas.count} EPP replicas without {_LE}: all {replicas.count} are Ready "
                      f"and schedule independently, each with its own prefix-cache index and flow-control "
                      f"queues, so prefix affinity and priorities degrade; {advice}", target=workload.resource)


EPP_REPLICAS_WITHOUT_LE = Rule(
    id="GIE040", name="epp-replicas-without-le", severity=Severity.WARNING, scope="scenario",
    summary="An EPP with more than one replica (or an HPA that may scale it past one) runs with "
            "`--ha-enable-leader-election`.",
    rationale="Without leader election every EPP replica is Ready and receives ext_proc streams. Each keeps its own "
              "prefix-cache index and flow-control queues, so prefix affinity and priority guarantees weaken as "
              "traffic spreads over independent schedulers. Upstream recommends one active replica.",
    bad="kind: Deployment  # the EPP\nspec:\n  replicas: 3\n  # args: no --ha-enable-leader-election",
    good="spec:\n  replicas: 1\n# or: replicas: 3 with --ha-enable-leader-election, liveness/readiness probes,\n"
         "# lease RBAC and strategy: Recreate",
    fix="Run one EPP replica, or enable leader election for one active leader and hot standbys. Suppress the "
        "rule when active-active EPPs are intended.",
    check=_check_replicas_without_le,
)


# GIE042 ---------------------------------------------------------------------------------------------

def _check_strategy(context: Any) -> Iterator[Hit]:
    for workload, replicas, le in epp_workloads(context):
        resource = workload.resource
        most = replicas.most
        if le.on is not True or resource.kind != "Deployment" or most is None or most <= 1:
            continue
        kind = resource.get("spec", "strategy", "type")
        if kind == "Recreate" or (isinstance(kind, str) and unresolved(kind)):
            continue
        path: JsonPath
        if isinstance(kind, str):
            path, now = ("spec", "strategy", "type"), f"strategy {kind}"
        else:
            path = ("spec", "strategy") if resource.get("spec", "strategy") is not None else ("spec",)
            now = "the default RollingUpdate strategy"
        yield Hit(path, f"EPP with leader election and {most} replicas uses {now}: new pods stay NotReady while "
                  f"the old leader holds the lease, so the rollout stalls; set spec.strategy.type: Recreate",
                  target=resource)


EPP_LE_STRATEGY = Rule(
    id="GIE042", name="epp-le-strategy", severity=Severity.WARNING, scope="scenario",
    summary="An EPP Deployment with leader election and more than one replica uses `strategy.type: Recreate`.",
    rationale="Only the lease holder is Ready. During a RollingUpdate the new pods cannot become Ready while the "
              "old leader holds the lease, and the old leader is not stopped until new pods are Ready, so the "
              "rollout stalls (upstream's \"rolling update stuck\" fix switched the chart to Recreate).",
    bad="spec:\n  replicas: 3\n  strategy: {type: RollingUpdate}\n  # args: --ha-enable-leader-election",
    good="spec:\n  replicas: 3\n  strategy: {type: Recreate}",
    fix="Set `spec.strategy.type: Recreate`; the leader releases the lease on shutdown, so failover is quick.",
    check=_check_strategy,
)


# GIE043 ---------------------------------------------------------------------------------------------

def lease_roles(context: Any, workload: Workload) -> list[Resource]:
    """(Cluster)Roles granting `leases` that are bound to the workload's ServiceAccount in its namespace."""
    rbac = bound_rbac(context.resources, service_account(workload), workload.namespace)
    return [r for r in rbac if r.kind in ("Role", "ClusterRole") and grants_leases(r)]


def _check_consistency(context: Any) -> Iterator[Hit]:
    for workload, replicas, le in epp_workloads(context):
        container_path = le.args_path[:-1]
        if le.on is False and le.available:
            signs = [f"the {path[-3].removesuffix('Probe')} probe asks for gRPC service `{name}` "
                     f"(line {workload.resource.locate(path).line})"
                     for path, name in _probe_services(workload, container_path) if name in _LE_PROBES]
            file = workload.resource.file
            signs += [f"{role.kind} {role.name} ({where(role, ('rules',), file)}) grants the leader-election lease"
                      for role in lease_roles(context, workload)]
            if not signs:
                continue
            path = le.flag.path if le.flag is not None else (
                le.args_path if workload.resource.get(*le.args_path) is not None else container_path)
            written = "is false" if le.flag is not None else "is not set"
            yield Hit(path, f"set up for leader election ({'; '.join(signs)}), but {_LE} {written}: leader "
                      f"election is off and every replica schedules on its own; add {_LE}, or drop "
                      f"the leader-election probes and RBAC", target=workload.resource)
        elif le.on is True and replicas.most == 1:
            path = replicas.path if replicas.written else (le.flag.path if le.flag is not None else replicas.path)
            yield Hit(path, f"leader election with a single EPP replica: valid, but there is no standby to take "
                      f"over (readiness also waits for the lease); run 2 or more replicas for failover, or drop "
                      f"{_LE}", severity=Severity.INFO, target=workload.resource)


EPP_LE_CONSISTENCY = Rule(
    id="GIE043", name="epp-le-consistency", severity=Severity.WARNING, scope="scenario",
    summary="The leader-election flag, the probes' gRPC service names, the lease RBAC and the replica count agree.",
    rationale="`liveness`/`readiness` probe services and a lease Role only make sense with "
              "`--ha-enable-leader-election`. When the flag is missing, leader election is silently off and every "
              "replica schedules on its own (the chart v1.0.0 `enableLeaderElection` defect). The flag with a "
              "single replica is valid but gives no failover (reported as info).",
    bad="replicas: 3\nargs: [--pool-name=my-pool]   # no --ha-enable-leader-election\n"
        "livenessProbe: {grpc: {port: 9003, service: liveness}}",
    good="replicas: 3\nargs: [--pool-name=my-pool, --ha-enable-leader-election]\n"
         "livenessProbe: {grpc: {port: 9003, service: liveness}}",
    fix="Add `--ha-enable-leader-election` to the EPP args, or remove the leader-election probes and lease RBAC.",
    check=_check_consistency,
)


# GIE044 ---------------------------------------------------------------------------------------------

def _pool_namespace(workload: Workload, container: Container, args: EppArgs) -> str | None:
    """The EPP's effective pool namespace (the lease namespace): flag, else env NAMESPACE, else `default`.

    None when it cannot be known (placeholders, env from a ConfigMap)."""
    value = args.value("pool-namespace")
    if value:
        return None if unresolved(value) else value
    envs = container.data.get("env")
    for env in envs if isinstance(envs, list) else []:
        if isinstance(env, dict) and env.get("name") == "NAMESPACE":
            if isinstance(env.get("value"), str):
                return None if unresolved(env["value"]) else env["value"] or "default"
            source = env.get("valueFrom")
            ref = source.get("fieldRef") if isinstance(source, dict) else None
            field = ref.get("fieldPath") if isinstance(ref, dict) else None
            return workload.namespace if field == "metadata.namespace" else None
    return "default"


def _check_lease_shared(context: Any) -> Iterator[Hit]:
    holders: dict[tuple[str, str], Workload] = {}
    for workload, _, le in epp_workloads(context):
        container = eppargs.epp_container(workload)
        if le.on is not True or container is None:
            continue
        args = eppargs.epp_args(workload, container, context.release)
        pool, namespace = args.get("pool-name"), _pool_namespace(workload, container, args)
        if pool is None or pool.value is None or unresolved(pool.value) or namespace is None:
            continue
        key = (namespace, pool.value)
        first = holders.setdefault(key, workload)
        same_object = (first.resource.kind, first.resource.namespace, first.resource.name) == \
            (workload.resource.kind, workload.resource.namespace, workload.resource.name)
        if first is workload or same_object:
            continue
        lease = f"epp-{namespace}-{pool.value}.gateway-api-inference-extension.sigs.k8s.io"
        yield Hit(pool.path, f"{workload.resource.ref} and {first.resource.ref} "
                  f"({where(first.resource, ('metadata',), workload.resource.file)}) both run leader election for "
                  f"pool {namespace}/"
                  f"{pool.value}, so they share lease {lease}: one pod across both leads and the other "
                  f"Deployment never becomes Ready; give each EPP its own pool, or run one EPP Deployment",
                  target=workload.resource)


EPP_LEASE_SHARED = Rule(
    id="GIE044", name="epp-lease-shared", severity=Severity.WARNING, scope="scenario",
    summary="Two leader-electing EPP Deployments do not serve the same pool name and namespace.",
    rationale="The lease is named `epp-<pool namespace>-<pool name>.gateway-api-inference-extension.sigs.k8s.io`, "
              "so two EPP Deployments for the same pool compete for one lease: one pod across both leads and the "
              "other Deployment stays NotReady.",
    bad="# Deployments epp-a and epp-b, both:\nargs: [--pool-name=my-pool, --ha-enable-leader-election]",
    good="# one EPP Deployment per pool\nargs: [--pool-name=my-pool, --ha-enable-leader-election]",
    fix="Run a single EPP Deployment per pool (scale it with replicas), or point each at its own pool.",
    check=_check_lease_shared,
)


# GIE047 ---------------------------------------------------------------------------------------------

def _check_hpa_with_le(context: Any) -> Iterator[Hit]:
    for workload, replicas, le in epp_workloads(context):
        if le.on is True and replicas.hpa is not None:
            yield Hit(("spec", "scaleTargetRef"), f"this HPA scales EPP {workload.resource.ref}, which runs with "
                      f"{_LE}: only the leader schedules, so added replicas are standbys, not capacity; remove the "
                      f"HPA and set a fixed spec.replicas (2-3 for failover), and give the EPP more CPU instead",
                      target=replicas.hpa.resource)


EPP_HPA_WITH_LE = Rule(
    id="GIE047", name="epp-hpa-with-le", severity=Severity.WARNING, scope="scenario",
    summary="No HorizontalPodAutoscaler scales an EPP that runs with leader election.",
    rationale="With leader election exactly one EPP replica is Ready and schedules every request; the others wait "
              "for the lease. Scaling out adds standbys, not throughput, and the idle standbys dilute the "
              "utilisation the HPA averages, so it reacts to the wrong signal.",
    bad="kind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, "
        "name: my-epp}\n# my-epp args: --ha-enable-leader-election",
    good="# no HPA on the EPP; fixed replicas: 3 with leader election (1 active, 2 standbys)",
    fix="Delete the HPA, set a fixed replica count for failover, and size the EPP's CPU for the load.",
    check=_check_hpa_with_le,
)
