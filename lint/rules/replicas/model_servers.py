"""GIE046: a pool backed by a single model-server replica leaves the EPP nothing to choose from.

The EPP scores the pool's Ready endpoints and picks one per request (rules.md §5). With one replica
every scorer (queue, KV cache, prefix) returns the same answer, so the pool works but the scheduler adds
only latency. Reported as info: a small dev setup may want exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lint.result import Severity
from lint.rules.api import Hit, Rule
from lint.source.placeholders import unresolved
from lint.topology.model import Pool, Topology
from lint.topology.replicas import Replicas, replicas_of


def model_servers(topology: Topology, resources: Any, pool: Pool) -> list[Replicas]:
    """The workload objects a pool selects (EPPs excluded), each once, with their replicas."""
    if not pool.selector or any(unresolved(k) or unresolved(v) for k, v in pool.selector.items()):
        return []
    found: dict[int, Replicas] = {}
    for workload in topology.pods_matching(pool.namespace, pool.selector):
        if not topology.is_epp(workload) and id(workload.resource) not in found:
            found[id(workload.resource)] = replicas_of(topology, resources, workload.resource)
    return list(found.values())


def _check(context: Any) -> Iterator[Hit]:
    for pool in context.topology.pools:
        servers = model_servers(context.topology, context.resources, pool)
        # Unknown counts (placeholders, DaemonSets) and LeaderWorkerSets (pods per group) say nothing certain.
        if len(servers) != 1 or servers[0].most != 1 or servers[0].resource.kind == "LeaderWorkerSet":
            continue
        only = servers[0]
        how = "spec.replicas is 1" if only.written else "spec.replicas is not set (defaults to 1)"
        yield Hit(only.path, f"the only model server behind {pool.resource.ref} runs one replica ({how}): the EPP "
                  f"has a single endpoint to choose from, so every scorer agrees; run 2 or more replicas for the "
                  f"EPP to balance load and prefix-cache hits", target=only.resource)


MODEL_SERVER_SINGLE_REPLICA = Rule(
    id="GIE046", name="model-server-single-replica", severity=Severity.INFO, scope="scenario",
    summary="The model servers an InferencePool selects run more than one replica in total.",
    rationale="The EPP picks one of the pool's Ready endpoints per request by queue length, KV-cache use and "
              "prefix affinity. With a single endpoint there is no choice to make: the pool still works, but the "
              "scheduler only adds a hop (upstream manifests run 3 model-server replicas).",
    bad="kind: Deployment   # selected by the pool\nspec:\n  replicas: 1",
    good="kind: Deployment   # selected by the pool\nspec:\n  replicas: 3",
    fix="Raise the model-server Deployment's replicas (or its HPA minReplicas) to 2 or more; ignore the note for a "
        "deliberate single-server setup.",
    check=_check,
)
