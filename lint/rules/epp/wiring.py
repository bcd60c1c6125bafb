"""GIE023, GIE025, GIE026: the EPP behind a pool's Service listens where the Service sends traffic and
watches the pool's namespace and API group.

These follow pool → EPP Service → EPP pods (`lint.topology.model`) and read effective flag values (given or the
release's default) from `lint.topology.eppargs`; they stay silent when part of the chain is not linted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lint.result import Severity
from lint.rules.api import Hit, Rule
from lint.shape import decimal, dicts, key
from lint.topology import eppargs
from lint.topology.eppargs import EppArgs
from lint.topology.model import Container, Pool, Workload


def _pool_epps(context: Any) -> Iterator[tuple[Pool, Any, Workload, Container, EppArgs]]:
    """Each pool with its EPP Service and every EPP pod template behind that Service."""
    for pool, service in context.topology.pools_with_service():
        for workload in context.topology.epp_workloads(service):
            container = eppargs.epp_container(workload)
            if container is None:
                continue
            args = eppargs.epp_args(workload, container, context.release)
            if not args.opaque:
                yield pool, service, workload, container, args


def _effective(args: EppArgs, workload: Workload, container: Container, name: str) -> tuple[str | None, bool]:
    """(value, given): the flag's value with `$(VAR)` expanded, or the release default; None when unknowable."""
    flag = args.get(name)
    if flag is None:
        return args.value(name), False
    return eppargs.resolve(flag.value, workload, container), True


# GIE023 ---------------------------------------------------------------------------------------------

def _check_targetport(context: Any) -> Iterator[Hit]:
    for pool, service, workload, container, args in _pool_epps(context):
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


EPP_SERVICE_TARGETPORT = Rule(
    id="GIE023", name="epp-service-targetport", severity=Severity.ERROR, scope="scenario",
    summary="The EPP Service port the pool uses forwards to the EPP's `--grpc-port` (default 9002).",
    rationale="The Service's targetPort (its port when omitted, or a containerPort name) must be where the EPP "
              "listens for ext_proc; otherwise the gateway reaches a closed port. A non-default Service port "
              "without a targetPort is the usual way to get this wrong.",
    bad="ports: [{port: 9005}]   # EPP --grpc-port 9002",
    good="ports: [{port: 9005, targetPort: 9002}]",
    fix="Set the Service targetPort to the EPP's --grpc-port (or its containerPort name).",
    check=_check_targetport,
)


# GIE025 ---------------------------------------------------------------------------------------------

def _check_pool_namespace(context: Any) -> Iterator[Hit]:
    release = context.release
    env_facts = eppargs.facts()["pool_namespace_env"]
    for pool, _, workload, container, args in _pool_epps(context):
        flag = args.get("pool-namespace")
        value, given = _effective(args, workload, container, "pool-namespace")
        if given and value is None:
            continue  # unknowable
        source = f"--pool-namespace {value}" if given and value else ""
        if not value and eppargs.in_window("pool_namespace_env", release):
            env, known = eppargs.env_value(workload, container, env_facts["env"])
            if not known:
                continue
            value, source = env, f"env {env_facts['env']}={env}" if env else ""
            if not value:
                value = env_facts["fallback"]
                source = f"the fallback `{value}` (no --pool-namespace, no {env_facts['env']} env)"
        elif not value:
            spec = eppargs.flagset(release).spec("pool-namespace")  # no release lacks the flag
            value = (spec.default if spec is not None else None) or "default"
            source = f"the --pool-namespace default `{value}`"
        if value == pool.namespace:
            continue
        path = flag.value_path if flag is not None else args.args_path
        fix = f"pass --pool-namespace {pool.namespace}" + (
            f" or set env {env_facts['env']} from fieldRef metadata.namespace"
            if eppargs.in_window("pool_namespace_env", release) else "")
        yield Hit(path, f"the EPP watches pools in namespace `{value}` ({source}), but it serves "
                  f"{pool.resource.ref}; the pool is never found. {fix[0].upper()}{fix[1:]}",
                  target=workload.resource)


EPP_POOL_NAMESPACE_RESOLVES = Rule(
    id="GIE025", name="epp-pool-namespace-resolves", severity=Severity.ERROR, scope="scenario",
    summary="The EPP's pool namespace (`--pool-namespace`, else env NAMESPACE from v1.1, else `default`) is the "
            "namespace of the pool it serves.",
    rationale="The EPP caches pods, pools and objectives, and takes its leader-election lease, only in that "
              "namespace. An EPP deployed outside `default` without the flag or the env watches the wrong "
              "namespace and never becomes Ready.",
    bad="# EPP and pool in namespace llm\nargs: [--pool-name, p]   # no --pool-namespace, no NAMESPACE env",
    good="env: [{name: NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]",
    fix="Pass --pool-namespace, or (v1.1+) set env NAMESPACE from the downward API metadata.namespace.",
    check=_check_pool_namespace,
)


# GIE026 ---------------------------------------------------------------------------------------------

def _check_pool_group(context: Any) -> Iterator[Hit]:
    groups = eppargs.by_release("pool_groups", context.release)
    if groups is None:
        return  # no --pool-group before v1.0.0: the EPP watches the only group there is
    for pool, _, workload, container, args in _pool_epps(context):
        value, given = _effective(args, workload, container, "pool-group")
        if value is None or pool.resource.group not in groups:
            continue  # unknowable, or a pool API this release does not serve (GIE001)
        if value == pool.resource.group:
            continue
        flag = args.get("pool-group")
        path = flag.value_path if flag is not None else args.args_path
        how = f"--pool-group {value}" if given else f"the default --pool-group {value}"
        yield Hit(path, f"the EPP watches InferencePools of group {value} ({how}), but {pool.resource.ref} is "
                  f"{pool.resource.api_version}; pass --pool-group {pool.resource.group}", target=workload.resource)


EPP_POOL_GROUP_MATCHES = Rule(
    id="GIE026", name="epp-pool-group-matches", severity=Severity.ERROR, scope="scenario",
    summary="The EPP's `--pool-group` (default `inference.networking.k8s.io`) is the API group of its pool.",
    rationale="The EPP watches the InferencePool type of that group only; a v1alpha2 pool needs "
              "`--pool-group inference.networking.x-k8s.io` (v1.0–v1.4) or the pool is never found and "
              "objectives are filtered out too.",
    bad="# apiVersion: inference.networking.x-k8s.io/v1alpha2 pool\nargs: [--pool-name, p]",
    good="args: [--pool-name, p, --pool-group, inference.networking.x-k8s.io]",
    fix="Pass --pool-group equal to the pool's API group (or move the pool to inference.networking.k8s.io/v1).",
    check=_check_pool_group,
)
