"""GIE014: a pool that carries gRPC traffic declares `appProtocol: kubernetes.io/h2c`.

From v1.4.0 an InferencePool says how the gateway speaks to its model servers (`http`, the default, or
`kubernetes.io/h2c`). A gRPC model server behind an `http` pool gets HTTP/1.1, and the EPP's
`vllmgrpc-parser` supports only h2c: with the default the EPP's health check stays NOT_SERVING.
The parser is read from the EPP's own config, found through the pool → Service → EPP pods → config
chain; when any link is not in the linted files, nothing is said about the parser.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.releases import plugins as epc_facts
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.topology import Topology, epc_view
from gie_lint.topology.model import POOL, V1_GROUP, Pool

H2C = "kubernetes.io/h2c"
_GRPC_ENTRYPOINT = "vllm.entrypoints.grpc_server"


def _grpc_parser(pool: Pool, scenario: Scenario) -> str | None:
    """Why the pool's EPP needs h2c (its parser), when its config can be followed; else None."""
    topology: Topology = scenario.topology
    service = topology.epp_service(pool)
    if service is None:
        return None
    for workload in topology.epp_workloads(service):
        epp = topology.epp(workload)
        if epp is None:
            continue
        h2c = epc_facts.fact("h2c_parsers", epp.release) or ()
        for container in workload.containers:
            config = topology.wiring.config_of(workload, container)
            if config is None or not isinstance(config.data, dict):
                continue
            ref = config.data.get("parser", {}).get("pluginRef") if isinstance(config.data.get("parser"), dict) \
                else None
            decl = next((d for d in epc_view.plugin_decls(config.data) if d.name == ref), None)
            if decl is not None and decl.type in h2c:
                where = f"{config.host.ref} ({'/'.join(map(str, config.host_path))})" if config.host_path else \
                    config.host.ref
                return f"its EPP {workload.resource.ref} parses requests with `{decl.type}` (config in {where})"
    return None


def _grpc_servers(pool: Pool, scenario: Scenario) -> str | None:
    """Why the pool's model servers need h2c (a gRPC entrypoint or a target port named grpc); else None."""
    topology: Topology = scenario.topology
    if pool.selector is None:
        return None
    for workload in topology.pods_matching(pool.namespace, pool.selector):
        if workload.epp:
            continue
        for container in workload.containers:
            if any(_GRPC_ENTRYPOINT in arg for _, arg in container.argv()):
                return f"{workload.resource.ref} runs the vLLM gRPC server (`{_GRPC_ENTRYPOINT}`)"
            ports = container.data.get("ports")
            for port in ports if isinstance(ports, list) else []:
                if isinstance(port, dict) and port.get("name") == "grpc" and port.get("containerPort") in \
                        pool.target_ports:
                    return f"{workload.resource.ref} serves target port {port['containerPort']} as `grpc`"
    return None


@scenario_rule("GIE014", "pool-appprotocol-consistency", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_appprotocol_consistency(scenario: Scenario) -> Iterator[Hit]:
    """gRPC model servers and the `vllmgrpc-parser` need the pool's `appProtocol: kubernetes.io/h2c` (v1.4+).

    ## Why it breaks
    The gateway talks to the model servers with the pool's appProtocol (default `http`). A gRPC server needs
    HTTP/2 cleartext, and the EPP reports NOT_SERVING when its parser does not support the pool's protocol
    (`vllmgrpc-parser` supports only h2c), so the EPP never becomes Ready.

    ## Bad
    ```yaml
    kind: InferencePool
    spec: {targetPorts: [{number: 8000}]}   # EPP config: parser: {pluginRef: vllmgrpc-parser}
    ```

    ## Good
    ```yaml
    kind: InferencePool
    spec: {appProtocol: kubernetes.io/h2c, targetPorts: [{number: 8000}]}
    ```

    ## Fix
    Set `spec.appProtocol: kubernetes.io/h2c` on the pool (or use an HTTP parser and HTTP model servers).
    """
    if not scenario.release.at_least(epc_facts.fact("app_protocol_since")):
        return
    for pool in scenario.topology.pools:
        if pool.resource.group != V1_GROUP:
            continue
        protocol = pool.resource.get("spec", "appProtocol")
        if protocol == H2C or (isinstance(protocol, str) and "$" in protocol):
            continue
        reason = _grpc_parser(pool, scenario) or _grpc_servers(pool, scenario)
        if reason is None:
            continue
        written = f"`appProtocol: {protocol}`" if protocol is not None else "no `appProtocol` (default `http`)"
        yield Hit(("spec", "appProtocol") if protocol is not None else ("spec",),
                  f"{pool.resource.ref} has {written}, but {reason}; gRPC needs HTTP/2 cleartext, so the EPP stays "
                  f"NOT_SERVING or requests fail; set `spec.appProtocol: {H2C}`", target=pool.resource)


