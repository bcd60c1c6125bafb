"""GIE040, GIE042–GIE044, GIE047: EPP replicas, leader election and autoscaling agree.

With `--ha-enable-leader-election` the EPP replicas compete for one Lease; only the leader is Ready,
so N replicas are one active scheduler plus N-1 standbys. Without it every replica is an independent
scheduler with its own prefix-cache index and queues (rules.md §2.4, §4.5, §5). Replica counts and
their HPA come from `Topology.replicas`, leader election from `Epp.leader_election`.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_LE
from gie_lint.shape import JsonPath
from gie_lint.source.placeholders import unresolved
from gie_lint.source.resources import Resource
from gie_lint.topology.epps import Epp, pool_namespace
from gie_lint.topology.model import Container, Workload
from gie_lint.topology.replicas import Replicas, where
from gie_lint.topology.stacks import grants_leases
from gie_lint.topology.workloads import WORKLOAD_KINDS

_LE = "--ha-enable-leader-election"
_LE_PROBES = {"liveness", "readiness"}


def epp_objects(scenario: Scenario) -> Iterator[tuple[Epp, Replicas]]:
    """Every EPP workload object with its replicas (an object with two EPP templates counts once)."""
    seen: set[int] = set()
    for epp in scenario.topology.epps:
        if id(epp.resource) not in seen:
            seen.add(id(epp.resource))
            yield epp, scenario.topology.replicas_of(epp.resource)


def _probe_services(container: Container) -> list[tuple[JsonPath, str]]:
    """(path of `grpc.service`, name) of the EPP container's liveness/readiness probes."""
    found = []
    for probe in ("livenessProbe", "readinessProbe"):
        grpc = container.grpc_probe(probe)
        service = grpc.get("service") if grpc is not None else None
        if isinstance(service, str):
            found.append(((*container.path, probe, "grpc", "service"), service))
    return found


# GIE040 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE040", "epp-replicas-without-le", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_LE)
def epp_replicas_without_le(scenario: Scenario) -> Iterator[Hit]:
    """An EPP with more than one replica (or an HPA that may scale it past one) runs with
    `--ha-enable-leader-election`.

    ## Why it breaks
    Without leader election every EPP replica is Ready and receives ext_proc streams. Each keeps its own
    prefix-cache index and flow-control queues, so prefix affinity and priority guarantees weaken as traffic
    spreads over independent schedulers. Upstream recommends one active replica.

    ## Bad
    ```yaml
    kind: Deployment  # the EPP
    spec:
      replicas: 3
      # args: no --ha-enable-leader-election
    ```

    ## Good
    ```yaml
    spec:
      replicas: 1
    # or: replicas: 3 with --ha-enable-leader-election, liveness/readiness probes,
    # lease RBAC and strategy: Recreate
    ```

    ## Fix
    Run one EPP replica, or enable leader election for one active leader and hot standbys. Suppress the rule
    when active-active EPPs are intended.
    """
    for epp, replicas in epp_objects(scenario):
        workload, le = epp.workload, epp.leader_election
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


# GIE042 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE042", "epp-le-strategy", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_LE)
def epp_le_strategy(scenario: Scenario) -> Iterator[Hit]:
    """An EPP Deployment with leader election and more than one replica uses `strategy.type: Recreate`.

    ## Why it breaks
    Only the lease holder is Ready. During a RollingUpdate the new pods cannot become Ready while the old leader
    holds the lease, and the old leader is not stopped until new pods are Ready, so the rollout stalls
    (upstream's "rolling update stuck" fix switched the chart to Recreate).

    ## Bad
    ```yaml
    spec:
      replicas: 3
      strategy: {type: RollingUpdate}
      # args: --ha-enable-leader-election
    ```

    ## Good
    ```yaml
    spec:
      replicas: 3
      strategy: {type: Recreate}
    ```

    ## Fix
    Set `spec.strategy.type: Recreate`; the leader releases the lease on shutdown, so failover is quick.
    """
    for epp, replicas in epp_objects(scenario):
        workload, le = epp.workload, epp.leader_election
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


# GIE043 ---------------------------------------------------------------------------------------------

def lease_roles(scenario: Scenario, workload: Workload) -> list[Resource]:
    """(Cluster)Roles granting `leases` that are bound to the workload's ServiceAccount."""
    rbac = scenario.topology.rbac
    roles = {id(g.role.resource): g.role.resource for g in rbac.grants(rbac.account(workload)) if g.role is not None}
    return [role for role in roles.values() if grants_leases(role)]


@scenario_rule("GIE043", "epp-le-consistency", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_LE)
def epp_le_consistency(scenario: Scenario) -> Iterator[Hit]:
    """The leader-election flag, the probes' gRPC service names, the lease RBAC and the replica count agree.

    ## Why it breaks
    `liveness`/`readiness` probe services and a lease Role only make sense with `--ha-enable-leader-election`.
    When the flag is missing, leader election is silently off and every replica schedules on its own (the chart
    v1.0.0 `enableLeaderElection` defect). The flag with a single replica is valid but gives no failover
    (reported as info).

    ## Bad
    ```yaml
    replicas: 3
    args: [--pool-name=my-pool]   # no --ha-enable-leader-election
    livenessProbe: {grpc: {port: 9003, service: liveness}}
    ```

    ## Good
    ```yaml
    replicas: 3
    args: [--pool-name=my-pool, --ha-enable-leader-election]
    livenessProbe: {grpc: {port: 9003, service: liveness}}
    ```

    ## Fix
    Add `--ha-enable-leader-election` to the EPP args, or remove the leader-election probes and lease RBAC.
    """
    for epp, replicas in epp_objects(scenario):
        workload, le = epp.workload, epp.leader_election
        container_path = le.args_path[:-1]
        # Written `=false` on a single replica: switched off on purpose, nothing schedules twice.
        if le.on is False and le.available and not (le.flag is not None and replicas.most == 1):
            signs = [f"the {str(path[-3]).removesuffix('Probe')} probe asks for gRPC service `{name}` "
                     f"(line {workload.resource.locate(path).line})"
                     for path, name in _probe_services(epp.container) if name in _LE_PROBES]
            file = workload.resource.file
            signs += [f"{role.kind} {role.name} ({where(role, ('rules',), file)}) grants the leader-election lease"
                      for role in lease_roles(scenario, workload)]
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


# GIE044 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE044", "epp-lease-shared", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_LE)
def epp_lease_shared(scenario: Scenario) -> Iterator[Hit]:
    """Two leader-electing EPP Deployments do not serve the same pool name and namespace.

    ## Why it breaks
    The lease is named `epp-<pool namespace>-<pool name>.gateway-api-inference-extension.sigs.k8s.io`, so two
    EPP Deployments for the same pool compete for one lease: one pod across both leads and the other Deployment
    stays NotReady.

    ## Bad
    ```yaml
    # Deployments epp-a and epp-b, both:
    args: [--pool-name=my-pool, --ha-enable-leader-election]
    ```

    ## Good
    ```yaml
    # one EPP Deployment per pool
    args: [--pool-name=my-pool, --ha-enable-leader-election]
    ```

    ## Fix
    Run a single EPP Deployment per pool (scale it with replicas), or point each at its own pool.
    """
    holders: dict[tuple[str, str], Workload] = {}
    for epp, _ in epp_objects(scenario):
        workload, le = epp.workload, epp.leader_election
        if le.on is not True:
            continue
        pool, namespace = epp.args.get("pool-name"), pool_namespace(epp).value
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
