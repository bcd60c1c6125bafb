"""GIE010: an InferencePool's selector must match the model-server pod templates of the scenario.

The EPP admits a pod into the pool only when its labels include every pair of the pool selector. The
rule fires only when the pool's namespace holds at least one non-EPP pod template: a pool linted
without its model servers says nothing about them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.source.placeholders import unresolved
from gie_lint.topology import Topology
from gie_lint.topology.model import POOL, Workload

# Labels a controller adds to the pods it creates; a template cannot show them, so they are not judged.
_CONTROLLER_KEYS = ("pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                    "apps.kubernetes.io/pod-index", "job-name", "controller-uid")
_CONTROLLER_PREFIXES = ("leaderworkerset.sigs.k8s.io/", "batch.kubernetes.io/")


def _judgeable(selector: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in selector.items()
            if k not in _CONTROLLER_KEYS and not k.startswith(_CONTROLLER_PREFIXES)}


def _labels(labels: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())) + "}"


def _nearest(selector: Mapping[str, str], candidates: list[Workload]) -> Workload:
    def score(workload: Workload) -> tuple[int, int]:
        same = sum(workload.labels.get(k) == v for k, v in selector.items())
        keys = sum(k in workload.labels for k in selector)
        return same, keys
    return max(candidates, key=score)


@scenario_rule("GIE010", "pool-selector-matches-pods", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_selector_matches_pods(scenario: Scenario) -> Iterator[Hit]:
    """The pool selector matches the labels of at least one model-server pod template in its namespace.

    ## Why it breaks
    The EPP's pod reconciler only admits pods whose labels contain every selector pair. When no pod matches, the
    pool has no endpoints and every request through it fails. This happened upstream when model-server manifests
    were relabelled while pools kept selecting the old label.

    ## Bad
    ```yaml
    # pods: labels {app: sgl-qwen3-32b-instruct}
    spec: {selector: {matchLabels: {app: sglang-qwen3-32b}}}
    ```

    ## Good
    ```yaml
    # pods: labels {app: sgl-qwen3-32b-instruct}
    spec: {selector: {matchLabels: {app: sgl-qwen3-32b-instruct}}}
    ```

    ## Fix
    Make the selector a subset of the model-server pod template labels (`spec.template.metadata.labels`), or
    relabel the pods; the selector is matched in the pool's namespace only.
    """
    topology: Topology = scenario.topology
    for pool in topology.pools:
        if pool.selector is None or any(unresolved(k) or unresolved(v) for k, v in pool.selector.items()):
            continue
        selector = _judgeable(pool.selector)
        if not selector or topology.pods_matching(pool.namespace, selector):
            continue  # (an indexed lookup; the namespace's servers are listed only for a finding)
        servers = [w for w in topology.workloads_in(pool.namespace) if not w.epp]
        if not servers:
            continue
        if any(unresolved(k) or unresolved(v) for w in servers for k, v in w.labels.items()):
            continue
        near = _nearest(selector, servers)
        shown = {k: near.labels[k] for k in selector if k in near.labels} or dict(near.labels)
        yield Hit(pool.selector_path,
                  f"selector {_labels(selector)} matches no pod template in namespace {pool.namespace}: the pool "
                  f"is empty; nearest is {near.resource.ref} with labels {_labels(shown)}",
                  target=pool.resource)


