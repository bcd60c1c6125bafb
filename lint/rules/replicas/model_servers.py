"""GIE046: a pool backed by a single model-server replica leaves the EPP nothing to choose from.

The EPP scores the pool's Ready endpoints and picks one per request (rules.md §5). With one replica
every scorer (queue, KV cache, prefix) returns the same answer, so the pool works but the scheduler adds
only latency. Reported as info: a small dev setup may want exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.topology import Topology
from gie_lint.topology.model import POOL, Pool
from gie_lint.topology.replicas import Replicas


def _selected(topology: Topology, pool: Pool) -> list[Replicas]:
    """The workload objects a pool selects (EPPs excluded), each once, with their replicas."""
    found: dict[int, Replicas] = {}
    for workload in topology.model_servers(pool) or []:
        found.setdefault(id(workload.resource), topology.replicas_of(workload.resource))
    return list(found.values())


@scenario_rule("GIE046", "model-server-single-replica", Severity.INFO, kinds=(POOL,))
def model_server_single_replica(scenario: Scenario) -> Iterator[Hit]:
    """The model servers an InferencePool selects run more than one replica in total.

    ## Why it breaks
    The EPP picks one of the pool's Ready endpoints per request by queue length, KV-cache use and prefix
    affinity. With a single endpoint there is no choice to make: the pool still works, but the scheduler only
    adds a hop (upstream manifests run 3 model-server replicas).

    ## Bad
    ```yaml
    kind: Deployment   # selected by the pool
    spec:
      replicas: 1
    ```

    ## Good
    ```yaml
    kind: Deployment   # selected by the pool
    spec:
      replicas: 3
    ```

    ## Fix
    Raise the model-server Deployment's replicas (or its HPA minReplicas) to 2 or more; ignore the note for a
    deliberate single-server setup.
    """
    for pool in scenario.topology.pools:
        servers = _selected(scenario.topology, pool)
        # Unknown counts (placeholders, DaemonSets) and LeaderWorkerSets (pods per group) say nothing certain.
        if len(servers) != 1 or servers[0].most != 1 or servers[0].resource.kind == "LeaderWorkerSet":
            continue
        only = servers[0]
        how = "spec.replicas is 1" if only.written else "spec.replicas is not set (defaults to 1)"
        yield Hit(only.path, f"the only model server behind {pool.resource.ref} runs one replica ({how}): the EPP "
                  f"has a single endpoint to choose from, so every scorer agrees; run 2 or more replicas for the "
                  f"EPP to balance load and prefix-cache hits", target=only.resource)


