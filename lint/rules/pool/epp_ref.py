"""GIE020–GIE024: the pool → EPP Service → EPP pods chain.

A pool names its endpoint picker by Service (`endpointPickerRef` on v1, `extensionRef` on v1alpha2,
always in the pool's namespace). These rules follow that reference through the scenario and speak only
when the EPP side is part of the linted files: with no EPP workload in the namespace the EPP is
installed some other way and nothing can be said.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.shape import JsonPath
from gie_lint.source.placeholders import unresolved
from gie_lint.topology import Topology
from gie_lint.topology.model import POOL, Pool
from gie_lint.topology.workloads import POOL_NAME_FLAGS


def _has_epp(topology: Topology, namespace: str) -> bool:
    return bool(topology.epps_in(namespace))


def _field(pool: Pool) -> str:
    return str(pool.epp.path[-1]) if pool.epp else "endpointPickerRef"


# GIE020 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE020", "pool-epp-service-exists", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_epp_service_exists(scenario: Scenario) -> Iterator[Hit]:
    """The Service named by the pool's EPP reference exists in the pool's namespace.

    ## Why it breaks
    The reference has no namespace field: the gateway looks the Service up next to the pool. When it is missing
    the pool gets ResolvedRefs=False (InvalidExtensionRef) and requests fail, or bypass the EPP when failureMode
    is FailOpen.

    ## Bad
    ```yaml
    endpointPickerRef: {name: vllm-epp, port: {number: 9002}}
    # the EPP Service is called vllm-llama3-epp
    ```

    ## Good
    ```yaml
    endpointPickerRef: {name: vllm-llama3-epp, port: {number: 9002}}
    ```

    ## Fix
    Name the EPP Service exactly as it is called, and create it in the pool's namespace.
    """
    topology: Topology = scenario.topology
    for pool in topology.pools:
        ref = pool.epp
        if ref is None or ref.kind != "Service" or ref.group != "" or unresolved(ref.name):
            continue
        # A Service alone is not enough: a file may hold backend Services while the EPP comes from elsewhere.
        if topology.epp_service(pool) is not None or not _has_epp(topology, pool.namespace):
            continue
        services = topology.services_in(pool.namespace)
        there = ", ".join(sorted(s.name for s in services)) or "none"
        yield Hit(ref.path, f"`{_field(pool)}` names Service `{ref.name}`, but there is no Service of that name in "
                  f"namespace {pool.namespace} (Services there: {there}); the reference has no namespace",
                  target=pool.resource)


# GIE021 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE021", "pool-epp-port-is-service-port", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_epp_port_is_service_port(scenario: Scenario) -> Iterator[Hit]:
    """The pool's EPP port (`endpointPickerRef.port.number`, v1alpha2 `extensionRef.portNumber`, default 9002) is
    one of the EPP Service's `spec.ports[].port`.

    ## Why it breaks
    The gateway dials Service:port. The API documents the field as the Service port, not the target port, so a
    container port that the Service remaps is a closed port for the gateway.

    ## Bad
    ```yaml
    # Service ports: [{port: 80, targetPort: 9002}]
    endpointPickerRef: {name: vllm-epp, port: {number: 9002}}
    ```

    ## Good
    ```yaml
    # Service ports: [{port: 80, targetPort: 9002}]
    endpointPickerRef: {name: vllm-epp, port: {number: 80}}
    ```

    ## Fix
    Set the ref port to the Service's `port` (or add that port to the Service).
    """
    for pool, service in scenario.topology.pools_with_service():
        ref = pool.epp
        listed = service.get("spec", "ports")
        if ref is None or ref.port is None or not isinstance(listed, list) or not listed:
            continue
        ports = [p for p in listed if isinstance(p, dict)]
        numbers = [p.get("port") for p in ports]
        if not all(isinstance(n, int) for n in numbers) or ref.port in numbers:
            continue
        behind = [p.get("port") for p in ports if p.get("targetPort") == ref.port]
        hint = f" ({ref.port} is the targetPort of Service port {behind[0]}: the ref takes the Service port)" \
            if behind else ""
        written = "" if ref.port_path != ref.path else " (the default)"
        yield Hit(ref.port_path, f"EPP port {ref.port}{written} is not a port of Service {service.namespace}/"
                  f"{service.name} (ports: {', '.join(str(n) for n in numbers)}){hint}", target=pool.resource)


# GIE022 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE022", "epp-service-selects-epp", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def epp_service_selects_epp(scenario: Scenario) -> Iterator[Hit]:
    """The EPP Service referenced by a pool selects the EPP pods (its selector ⊆ their template labels).

    ## Why it breaks
    A Service whose selector matches no pod has no endpoints: the gateway's ext_proc call fails and, with
    FailClose, every request through the pool returns 5xx.

    ## Bad
    ```yaml
    # EPP pods: {app: vllm-llama3-epp}
    kind: Service
    spec: {selector: {app: vllm-epp}}
    ```

    ## Good
    ```yaml
    # EPP pods: {app: vllm-llama3-epp}
    kind: Service
    spec: {selector: {app: vllm-llama3-epp}}
    ```

    ## Fix
    Use labels of the EPP Deployment's pod template (`spec.template.metadata.labels`) as the Service selector.
    """
    topology: Topology = scenario.topology
    for service in {id(s): s for _, s in topology.pools_with_service()}.values():
        selector = service.get("spec", "selector")
        if not isinstance(selector, dict) or not selector or not _has_epp(topology, service.namespace):
            continue
        if any(not isinstance(v, str) or unresolved(k) or unresolved(v) for k, v in selector.items()):
            continue
        if topology.epp_workloads(service):
            continue
        epps = [w for w in topology.workloads_in(service.namespace) if w.epp]
        seen = "; ".join(f"{w.resource.ref} {{{', '.join(f'{k}: {v}' for k, v in sorted(w.labels.items()))}}}"
                         for w in epps[:3])
        yield Hit(("spec", "selector"), f"the EPP Service selector matches no pod template in namespace "
                  f"{service.namespace}, so it has no endpoints; EPP pods there: {seen}", target=service)


# GIE024 ---------------------------------------------------------------------------------------------

def pool_name_args(argv: list[tuple[JsonPath, str]]) -> Iterator[tuple[JsonPath, str]]:
    """(path of the item holding the value, value) for every pool-name flag: `--flag=v` or `--flag v`."""
    for index, (path, arg) in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if flag not in POOL_NAME_FLAGS:
            continue
        if eq:
            yield path, value
        elif index + 1 < len(argv) and not argv[index + 1][1].startswith("-"):
            yield argv[index + 1]


@scenario_rule("GIE024", "epp-pool-name-matches", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def epp_pool_name_matches(scenario: Scenario) -> Iterator[Hit]:
    """The EPP behind a pool's Service is started with `--pool-name` (`-poolName` on v0.x) equal to that pool's
    name.

    ## Why it breaks
    The EPP watches exactly one InferencePool, selected by name. With another name it never sees its pool, never
    syncs and never becomes Ready, so the gateway has no endpoint picker.

    ## Bad
    ```yaml
    # pool metadata.name: vllm-qwen3-32b
    args: [--pool-name, vllm-llama3-8b-instruct]
    ```

    ## Good
    ```yaml
    # pool metadata.name: vllm-qwen3-32b
    args: [--pool-name, vllm-qwen3-32b]
    ```

    ## Fix
    Pass the referencing pool's `metadata.name` to `--pool-name` (or point the pool at the right EPP Service).
    """
    topology: Topology = scenario.topology
    for pool, service in topology.pools_with_service():
        if unresolved(pool.name):
            continue
        for workload in topology.epp_workloads(service):
            if not workload.epp:
                continue
            for container in workload.containers:
                for path, value in pool_name_args(container.argv()):
                    if value != pool.name and not unresolved(value):
                        yield Hit(path, f"the EPP behind Service {service.name} watches pool `{value}`, but it serves "
                                  f"{pool.resource.ref}; the pool never syncs and the EPP stays NotReady",
                                  target=workload.resource)


