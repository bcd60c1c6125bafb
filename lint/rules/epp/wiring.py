"""GIE023, GIE025, GIE026: the EPP behind a pool's Service listens where the Service sends traffic and
watches the pool's namespace and API group.

These follow pool → EPP Service → EPP pods (`gie_lint.topology.model`) and read effective flag values (given or the
release's default) from `gie_lint.topology.eppargs`; they stay silent when part of the chain is not linted.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.releases import flags as flag_table
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_EPP
from gie_lint.shape import decimal, dicts, key
from gie_lint.source.resources import Resource
from gie_lint.topology import eppargs
from gie_lint.topology.eppargs import EppArgs
from gie_lint.topology.epps import Epp, pool_namespace
from gie_lint.topology.model import POOL, Container, Pool, Workload


def _pool_epps(scenario: Scenario) -> Iterator[tuple[Pool, Resource, Epp]]:
    """Each pool with its EPP Service and every EPP behind that Service whose command line can be read."""
    for pool, service in scenario.topology.pools_with_service():
        for epp in scenario.topology.epps_behind(service):
            if not epp.args.opaque:
                yield pool, service, epp


def _effective(args: EppArgs, workload: Workload, container: Container, name: str) -> tuple[str | None, bool]:
    """(value, given): the flag's value with `$(VAR)` expanded, or the release default; None when unknowable."""
    flag = args.get(name)
    if flag is None:
        return args.value(name), False
    return eppargs.resolve(flag.value, workload, container), True


# GIE023 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE023", "epp-service-targetport", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_EPP)
def epp_service_targetport(scenario: Scenario) -> Iterator[Hit]:
    """The EPP Service port the pool uses forwards to the EPP's `--grpc-port` (default 9002).

    ## Why it breaks
    The Service's targetPort (its port when omitted, or a containerPort name) must be where the EPP listens for
    ext_proc; otherwise the gateway reaches a closed port. A non-default Service port without a targetPort is
    the usual way to get this wrong.

    ## Bad
    ```yaml
    ports: [{port: 9005}]   # EPP --grpc-port 9002
    ```

    ## Good
    ```yaml
    ports: [{port: 9005, targetPort: 9002}]
    ```

    ## Fix
    Set the Service targetPort to the EPP's --grpc-port (or its containerPort name).
    """
    for pool, service, epp in _pool_epps(scenario):
        workload, container, args = epp.workload, epp.container, epp.args
        ref = pool.epp
        ports = [p for _, p in dicts(service.get("spec", "ports"))]
        index = next((i for i, p in enumerate(ports) if p.get("port") == ref.port), None) if ref else None
        grpc, _ = _effective(args, workload, container, "grpc-port")
        grpc_port = decimal(grpc.strip()) if grpc is not None else None
        if ref is None or index is None or grpc_port is None:
            continue
        entry = ports[index]
        target = entry.get("targetPort", entry.get("port"))
        path = ("spec", "ports", index, "targetPort" if "targetPort" in entry else "port")
        declared = {key(p.get("name")): p.get("containerPort") for p in container.ports}
        if isinstance(target, str):
            if eppargs.is_placeholder(target):
                continue
            number = decimal(target)
            if number is not None:
                target = number
            elif target not in declared:
                yield Hit(path, f"targetPort `{target}` names no port of the EPP container in {workload.resource.ref} "
                          f"(named ports: {', '.join(sorted(str(n) for n in declared if n)) or 'none'}); the Service "
                          f"has no endpoints. Use {grpc_port} (--grpc-port) or the name of that containerPort",
                          target=service)
                continue
            else:
                target = declared[target]
        if isinstance(target, int) and target != grpc_port:
            implicit = "" if "targetPort" in entry else " (no targetPort: it defaults to the port)"
            yield Hit(path, f"Service port {ref.port} sends traffic to {target}{implicit}, but the EPP in "
                      f"{workload.resource.ref} serves ext_proc on --grpc-port {grpc_port}; set targetPort: "
                      f"{grpc_port}", target=service)


# GIE025 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE025", "epp-pool-namespace-resolves", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_EPP)
def epp_pool_namespace_resolves(scenario: Scenario) -> Iterator[Hit]:
    """The EPP's pool namespace (`--pool-namespace`, else env NAMESPACE from v1.1, else `default`) is the namespace
    of the pool it serves.

    ## Why it breaks
    The EPP caches pods, pools and objectives, and takes its leader-election lease, only in that namespace. An
    EPP deployed outside `default` without the flag or the env watches the wrong namespace and never becomes
    Ready.

    ## Bad
    ```yaml
    # EPP and pool in namespace llm
    args: [--pool-name, p]   # no --pool-namespace, no NAMESPACE env
    ```

    ## Good
    ```yaml
    env: [{name: NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]
    ```

    ## Fix
    Pass --pool-namespace, or (v1.1+) set env NAMESPACE from the downward API metadata.namespace.
    """
    for pool, _, epp in _pool_epps(scenario):
        watched = pool_namespace(epp)
        if watched.value is None or watched.value == pool.namespace:
            continue
        flag = epp.args.get("pool-namespace")
        path = flag.value_path if flag is not None else epp.args.args_path
        env = flag_table.facts(epp.release)["pool_namespace_env"]
        fix = f"pass --pool-namespace {pool.namespace}" + (
            f" or set env {env['env']} from fieldRef metadata.namespace"
            if flag_table.window_open("pool_namespace_env", epp.release) else "")
        yield Hit(path, f"the EPP watches pools in namespace `{watched.value}` ({watched.source}), but it serves "
                  f"{pool.resource.ref}; the pool is never found. {fix[0].upper()}{fix[1:]}",
                  target=epp.resource)


# GIE026 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE026", "epp-pool-group-matches", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_EPP)
def epp_pool_group_matches(scenario: Scenario) -> Iterator[Hit]:
    """The EPP's `--pool-group` (default `inference.networking.k8s.io`) is the API group of its pool.

    ## Why it breaks
    The EPP watches the InferencePool type of that group only; a v1alpha2 pool needs `--pool-group
    inference.networking.x-k8s.io` (v1.0–v1.4) or the pool is never found and objectives are filtered out too.

    ## Bad
    ```yaml
    # apiVersion: inference.networking.x-k8s.io/v1alpha2 pool
    args: [--pool-name, p]
    ```

    ## Good
    ```yaml
    args: [--pool-name, p, --pool-group, inference.networking.x-k8s.io]
    ```

    ## Fix
    Pass --pool-group equal to the pool's API group (or move the pool to inference.networking.k8s.io/v1).
    """
    for pool, _, epp in _pool_epps(scenario):
        groups = flag_table.by_release("pool_groups", epp.release)
        if groups is None:
            continue  # no --pool-group before v1.0.0: the EPP watches the only group there is
        args = epp.args
        value, given = _effective(args, epp.workload, epp.container, "pool-group")
        if value is None or pool.resource.group not in groups:
            continue  # unknowable, or a pool API this release does not serve (GIE001)
        if value == pool.resource.group:
            continue
        flag = args.get("pool-group")
        path = flag.value_path if flag is not None else args.args_path
        how = f"--pool-group {value}" if given else f"the default --pool-group {value}"
        yield Hit(path, f"the EPP watches InferencePools of group {value} ({how}), but {pool.resource.ref} is "
                  f"{pool.resource.api_version}; pass --pool-group {pool.resource.group}", target=epp.resource)


