"""GIE081, GIE083: objectives and rewrites must reach their pool, and the model names they send must be served.

The EPP keeps only objectives (InferenceObjective, InferenceModelRewrite, v0.x InferenceModel) whose
`poolRef` names its pool, in its namespace and API group. Model names that a rewrite or an
InferenceModel sends on must be among the names the pool's model servers answer to. Both rules stay
silent when the pool or its servers are not among the linted files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_OBJ
from gie_lint.rules.schema.objective import LLMD_GROUP
from gie_lint.shape import JsonPath, dicts
from gie_lint.source.placeholders import unresolved
from gie_lint.source.resources import Resource
from gie_lint.topology import Topology
from gie_lint.topology.model import Pool
from gie_lint.topology.model_servers import served_names
from gie_lint.topology.routing import OBJECTIVE_KINDS, POOL_GROUPS, ROUTE_KINDS

# GIE081 ---------------------------------------------------------------------------------------------


def _served_kind(resource: Resource, scenario: Scenario) -> bool:
    """Only kinds the release (or llm-d-router) serves are judged: the others are GIE080's finding."""
    return resource.group == LLMD_GROUP or scenario.store.lookup(resource.api_version, resource.kind) is not None


@scenario_rule("GIE081", "objective-poolref", Severity.WARNING, kinds=OBJECTIVE_KINDS,
    applies=APPLIES_OBJ)
def objective_poolref(scenario: Scenario) -> Iterator[Hit]:
    """An objective's `poolRef` names an InferencePool of its namespace, with the pool's API group (the default
    group is the v1 one for InferenceObjective/Rewrite, x-k8s for InferenceModel).

    ## Why it breaks
    The EPP watches objectives and rewrites in its pool's namespace and silently ignores those whose poolRef
    name or group is not its pool's, so priorities and rewrites are never applied.

    ## Bad
    ```yaml
    # pool is inference.networking.k8s.io/v1
    kind: InferenceModel
    spec: {poolRef: {name: vllm-qwen3-32b}}
    ```

    ## Good
    ```yaml
    spec: {poolRef: {group: inference.networking.k8s.io, name: vllm-qwen3-32b}}
    ```

    ## Fix
    Set `poolRef.name` to the pool's name and `poolRef.group` to the group of the pool's apiVersion, and create
    the object in the pool's namespace.
    """
    topology: Topology = scenario.topology
    for ref in scenario.topology.routing.objectives:
        resource = ref.resource
        if unresolved(ref.name) or unresolved(ref.group) or not _served_kind(resource, scenario):
            continue
        here = topology.pools_in(resource.namespace)
        if not here:
            continue  # the pool is installed some other way
        named = topology.pools_named(resource.namespace, ref.name)
        if not named:
            elsewhere = sorted({p.namespace for p in topology.pools if p.name == ref.name})
            hint = (f"; a pool of that name is in namespace {', '.join(elsewhere)}, but the EPP only reads objectives "
                    "from its pool's namespace") if elsewhere else ""
            yield Hit(ref.path, f"poolRef names `{ref.name}`, but the InferencePools in namespace {resource.namespace} "
                      f"are {', '.join(sorted(p.name for p in here))}{hint}: the EPP ignores this {resource.kind}",
                      target=resource)
            continue
        groups = {p.resource.group for p in named}
        if not scenario.release.reached("objective_pool_group_checked") or not groups <= set(POOL_GROUPS) \
                or ref.group in groups:
            continue  # an unknown pool group is GIE001's finding
        pool = named[0].resource
        how = "is" if ref.group_written else f"defaults to (for {resource.kind})"
        yield Hit(ref.path, f"poolRef group {how} `{ref.group}`, but {pool.ref} is `{pool.api_version}`: the EPP "
                  f"drops objectives of another pool group, so this {resource.kind} is never applied; set "
                  f"`group: {pool.group}`", target=resource)


# GIE083 ---------------------------------------------------------------------------------------------

def _sent_names(resource: Resource) -> Iterator[tuple[JsonPath, str]]:
    """The model names an InferenceModel or InferenceModelRewrite forwards to the model servers."""
    if resource.kind == "InferenceModel":
        targets = resource.get("spec", "targetModels")
        named: list[tuple[JsonPath, Any]] = [(("spec", "targetModels", i, "name"), t.get("name"))
                 for i, t in enumerate(targets if isinstance(targets, list) else []) if isinstance(t, dict)]
        named = named or [(("spec", "modelName"), resource.get("spec", "modelName"))]
    elif resource.kind == "InferenceModelRewrite":
        rules = resource.get("spec", "rules")
        named = [(("spec", "rules", r, "targets", t, "modelRewrite"), target.get("modelRewrite"))
                 for r, rule in enumerate(rules if isinstance(rules, list) else []) if isinstance(rule, dict)
                 for t, target in dicts(rule.get("targets"))]
    else:
        named = []
    for path, name in named:
        if isinstance(name, str) and name and not unresolved(name):
            yield path, name


def _served(topology: Topology, pools: list[Pool]) -> tuple[frozenset[str], str] | None:
    """Names the pools' model servers answer to, and one server to cite; None when unknown or dynamic."""
    names: set[str] = set()
    cited = ""
    for pool in pools:
        servers = topology.model_servers(pool)
        if not servers:
            return None
        for workload in servers:
            served = served_names(workload)
            if served is None or served.dynamic:
                return None  # unreadable, or adapters can be loaded at runtime: possibly served
            names |= served.names
            cited = cited or workload.resource.ref
    return (frozenset(names), cited) if pools else None


def _unserved(topology: Topology, pools: list[Pool], path: JsonPath, name: str, what: str,
              target: Resource) -> Iterator[Hit]:
    served = _served(topology, pools)
    if served is None or name in served[0]:
        return
    names, cited = served
    yield Hit(path, f"{what} `{name}`, which the model servers of {pools[0].resource.ref} (e.g. {cited}) do not "
              f"serve (they serve {', '.join(sorted(names))}): vLLM answers 404 \"model does not exist\"; add it to "
              "`--served-model-name` or `--lora-modules`, or send a served name", target=target)


@scenario_rule("GIE083", "model-names-served", Severity.WARNING, kinds=(*OBJECTIVE_KINDS, *ROUTE_KINDS),
    applies=APPLIES_OBJ)
def model_names_served(scenario: Scenario) -> Iterator[Hit]:
    """Model names sent on to a pool (InferenceModel targets, InferenceModelRewrite targets, the
    `x-gateway-model-name-rewrite` header) are served by the pool's model servers.

    ## Why it breaks
    The model server looks the request's `model` up among its served names (vLLM `--served-model-name`, else
    `--model`; sglang `--model-path`; LoRA adapters from `--lora-modules`) and answers 404 for anything else.
    Servers that can load adapters at runtime are given the benefit of the doubt.

    ## Bad
    ```yaml
    # vLLM args: [--model, Qwen/Qwen3-32B]
    rules: [{targets: [{modelRewrite: qwen3}]}]
    ```

    ## Good
    ```yaml
    # vLLM args: [--model, Qwen/Qwen3-32B, --served-model-name, qwen3]
    rules: [{targets: [{modelRewrite: qwen3}]}]
    ```

    ## Fix
    Rewrite to a name the servers serve, or add the name as a `--served-model-name` alias or a `--lora-modules`
    adapter.
    """
    topology: Topology = scenario.topology
    view = scenario.topology.routing
    for ref in view.objectives:
        pools = topology.pools_named(ref.resource.namespace, ref.name)
        for path, name in _sent_names(ref.resource):
            yield from _unserved(topology, pools, path, name, f"{ref.resource.kind} sends model", ref.resource)
    for header in view.header_values:
        if unresolved(header.value):
            continue
        refs = [b for b in view.backends if b.route is header.route and b.rule == header.rule and b.is_pool]
        pools = [p for b in refs for p in topology.pools_named(b.namespace, b.name)]
        yield from _unserved(topology, pools, header.path, header.value,
                             "the route rewrites the model to", header.route)


