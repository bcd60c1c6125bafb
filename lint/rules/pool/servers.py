"""GIE011–GIE013: what a pool selects must be model servers that listen on its target ports and report readiness.

The model servers of a pool are the non-EPP pod templates its selector matches (`lint/topology/model_servers.py`).
These rules judge only templates that are among the linted files, and stay silent about any container
whose ports or command line cannot be read for certain.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.topology import Topology
from gie_lint.topology.model import POOL, Container, Pool, Workload
from gie_lint.topology.model_servers import engine, listen_ports, target_port_paths, tokens


def _labels(selector: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(selector.items())) + "}"


# GIE011 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE011", "pool-targetport-matches-container", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_targetport_matches_container(scenario: Scenario) -> Iterator[Hit]:
    """Every target port of a pool is a containerPort or the listen port (`--port`, or the engine default: vLLM
    8000, sglang 30000) of the model-server pods it selects; native sidecars count.

    ## Why it breaks
    The EPP hands the gateway `podIP:targetPort` and scrapes model-server metrics on the first target port. A
    number nobody listens on makes every request and every scrape fail. A native sidecar (an initContainer with
    restartPolicy Always), such as llm-d's routing proxy, may own the port.

    ## Bad
    ```yaml
    spec: {targetPorts: [{number: 8000}]}
    # model server: args [--port=8200], ports [{containerPort: 8200}]
    ```

    ## Good
    ```yaml
    spec: {targetPorts: [{number: 8200}]}
    # model server: args [--port=8200], ports [{containerPort: 8200}]
    ```

    ## Fix
    Set the pool's target port to the port the model server listens on (or start the server with that `--port`
    and declare it as a containerPort).
    """
    topology: Topology = scenario.topology
    for pool in topology.pools:
        servers = topology.model_servers(pool) or []
        # A resource passes when any of its templates listens (a LeaderWorkerSet's leader serves for the group).
        by_resource: dict[int, list[Workload]] = {}
        for workload in servers:
            by_resource.setdefault(id(workload.resource), []).append(workload)
        for path, number in target_port_paths(pool):
            for templates in by_resource.values():
                ports = [listen_ports(w) for w in templates]
                if any(p.opaque or number in p.numbers for p in ports):
                    continue
                heard = ", ".join(str(n) for n in sorted(set().union(*(p.numbers for p in ports)))) or "none"
                yield Hit(path, f"target port {number} is not a port the selected {templates[0].resource.ref} "
                          f"listens on (containerPorts, `--port` and engine defaults: {heard}); the EPP would send "
                          "requests and metric scrapes to a closed port — make the target port and the server's "
                          "`--port`/containerPort agree", target=pool.resource)
                break


# GIE012 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE012", "pool-selector-excludes-epp", Severity.WARNING, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_selector_excludes_epp(scenario: Scenario) -> Iterator[Hit]:
    """A pool's selector matches neither the EPP's pods nor the model servers of another pool.

    ## Why it breaks
    Pool membership is by labels only. A selector broad enough to match the EPP makes the EPP route to itself;
    two pools over the same pods get two schedulers that each see only their own traffic.

    ## Bad
    ```yaml
    # EPP pods and model servers both labelled {app: llama}
    spec: {selector: {matchLabels: {app: llama}}}
    ```

    ## Good
    ```yaml
    # EPP pods labelled {app: llama-epp}
    spec: {selector: {matchLabels: {app: llama}}}
    ```

    ## Fix
    Label the EPP pods differently from the model servers, and give each pool its own selector.
    """
    topology: Topology = scenario.topology
    claimed: dict[int, Pool] = {}  # id(resource) of a model server → first pool selecting it
    for pool in topology.pools:
        if topology.model_servers(pool) is None:
            continue
        assert pool.selector is not None
        matched = topology.pods_matching(pool.namespace, pool.selector)
        epps = [w for w in matched if w.epp]
        if epps:
            yield Hit(pool.selector_path, f"selector {_labels(pool.selector)} also matches the endpoint picker "
                      f"{epps[0].resource.ref}: the EPP would count its own pods as inference endpoints; give the "
                      "EPP pods labels the selector does not match", target=pool.resource)
        for workload in matched:
            if workload.epp:
                continue
            other = claimed.setdefault(id(workload.resource), pool)
            if other is not pool:
                yield Hit(pool.selector_path, f"selector {_labels(pool.selector)} selects {workload.resource.ref}, "
                          f"which {other.resource.ref} selects too: two EPPs would schedule onto the same servers "
                          "without seeing each other's load; narrow one selector unless this is intended",
                          target=pool.resource)
                break


# GIE013 ---------------------------------------------------------------------------------------------

def _serving_container(workload: Workload) -> Container:
    for container in workload.containers:
        argv = tokens(container)
        if argv is not None and engine(container, argv):
            return container
    return workload.containers[0]  # the caller skips templates without containers


@scenario_rule("GIE013", "model-server-readiness", Severity.WARNING, kinds=(POOL,),
    applies=APPLIES_POOL)
def model_server_readiness(scenario: Scenario) -> Iterator[Hit]:
    """Model-server pods selected by a pool define a readinessProbe.

    ## Why it breaks
    The EPP only picks endpoints whose pod is Ready. Without a readiness probe a pod is Ready the moment its
    containers start, long before a large model is loaded, so requests land on a server that cannot answer yet.

    ## Bad
    ```yaml
    containers:
    - name: vllm
      image: vllm/vllm-openai:v0.11.0
      # no readinessProbe
    ```

    ## Good
    ```yaml
    containers:
    - name: vllm
      readinessProbe: {httpGet: {path: /health, port: 8000}}
      startupProbe: {httpGet: {path: /health, port: 8000}, failureThreshold: 600}
    ```

    ## Fix
    Add a readinessProbe on the server's health endpoint (vLLM: HTTP GET /health), and a startupProbe for slow
    model loads.
    """
    topology: Topology = scenario.topology
    seen: set[tuple[int, tuple[str | int, ...]]] = set()
    for pool in topology.pools:
        for workload in topology.model_servers(pool) or []:
            key = (id(workload.resource), workload.pod_spec_path)
            if key in seen or not workload.containers:
                continue
            seen.add(key)
            if any(isinstance(c.data.get("readinessProbe"), dict) for c in workload.containers):
                continue
            container = _serving_container(workload)
            argv = tokens(container) or []
            kind = engine(container, argv)
            if kind == "sim":
                continue  # a simulator loads no model: it is ready as soon as it listens
            hint = " (vLLM: httpGet /health on the serving port), plus a startupProbe" if kind == "vllm" else ""
            yield Hit(container.path, f"model server selected by {pool.resource.ref} has no readinessProbe: its pods "
                      "turn Ready as soon as the container starts, before the model is loaded, and the EPP routes "
                      f"to Ready pods only; add a readinessProbe{hint}", target=workload.resource)


