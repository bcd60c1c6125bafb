"""GIE004, GIE080, GIE082: GIE kinds besides the pool's shape, against the release's CRDs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, resource_rule
from gie_lint.rules.applies import APPLIES_OBJ
from gie_lint.rules.schema.claims import GIE_GROUPS, claimed_hits, dotted, unknown_field
from gie_lint.rules.schema.pool import pool_v1_shape, pool_v1alpha2_shape
from gie_lint.schema.violation import Violation
from gie_lint.source.resources import Resource

OBJECTIVE_KINDS = ("InferenceModel", "InferenceObjective", "InferenceModelRewrite")
GIE_KINDS = ("InferencePool", "InferencePoolImport", *OBJECTIVE_KINDS)
LLMD_GROUP = "llm-d.ai"
_REMOVED_OBJECTIVE_FIELDS = {
    "criticality": "renamed `priority` (an integer; negative means sheddable) in v1.0.0",
    "modelName": "removed in v1.0.0: the objective is named by `metadata.name` and matched on the "
                 "`x-gateway-inference-objective` header",
    "targetModels": "removed in v1.0.0: rewrite model names with an InferenceModelRewrite (v1.2+) instead",
}


# GIE080 ---------------------------------------------------------------------------------------------

@resource_rule("GIE080", "objective-kind-version", Severity.ERROR, kinds=OBJECTIVE_KINDS,
    applies=APPLIES_OBJ)
def objective_kind_version(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """InferenceModel on ≤v0.5; InferenceObjective/Rewrite on v1.0–v1.5 (x-k8s) or llm-d.ai; the group is right.

    ## Why it breaks
    Without a matching CRD the API server answers `no matches for kind`; InferenceModel was replaced by
    InferenceObjective in v1.0.0 and its CRD removed.

    ## Bad
    ```yaml
    apiVersion: inference.networking.k8s.io/v1alpha2
    kind: InferenceModelRewrite
    ```

    ## Good
    ```yaml
    apiVersion: inference.networking.x-k8s.io/v1alpha2
    kind: InferenceModelRewrite
    ```

    ## Fix
    Use the kind and API group the release serves.
    """
    if scenario.store.lookup(resource.api_version, resource.kind) is not None:
        return
    if resource.group == LLMD_GROUP and resource.kind != "InferenceModel":
        yield from _llm_d_kind_version(resource, scenario)
        return
    served = sorted(av for av, kind in scenario.store.gie_kinds(scenario.release.tag) if kind == resource.kind)
    releases = scenario.store.releases_defining(resource.api_version, resource.kind)
    if releases and scenario.release_defaulted:
        return  # no release was named: an apiVersion some release serves is judged by that release
    tag = scenario.release.tag
    if served:
        fix = f"use apiVersion {' or '.join(f'`{a}`' for a in served)}"
    elif resource.kind == "InferenceModel":
        fix = "InferenceModel was replaced by InferenceObjective in v1.0.0: write an InferenceObjective " \
              "(`inference.networking.x-k8s.io/v1alpha2`, spec `{priority, poolRef}`)"
    elif scenario.release.reached("epp_moved_to_llm_d_router"):
        fix = f"GIE {tag} no longer ships this CRD: it moved to llm-d-router as `{LLMD_GROUP}/v1alpha2`"
    else:
        since = scenario.release.line.milestones["model_rewrite_crd"]
        fix = f"GIE {tag} has no {resource.kind} CRD yet (InferenceModelRewrite arrives in {since})"
    where = (f"is served only by GIE {releases[0]}–{releases[-1]}" if releases
             else "is not an API version of any GIE release")
    yield Hit(("apiVersion",), f"`{resource.api_version}` {resource.kind} {where}, not {tag}; {fix}")


def _llm_d_kind_version(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """An llm-d.ai objective or rewrite in an apiVersion the llm-d-router CRDs do not serve (`llm-d.ai/v1alpha1`)."""
    tag = scenario.store.llm_d_router_version
    served = sorted(av for av, kind in scenario.store.llm_d_router_kinds() if kind == resource.kind)
    if tag and served:
        yield Hit(("apiVersion",), f"`{resource.api_version}` {resource.kind} is not served by the CRDs of "
                                   f"llm-d-router {tag}; use apiVersion {' or '.join(f'`{a}`' for a in served)}")


# GIE082 ---------------------------------------------------------------------------------------------

def _claims_removed_fields(resource: Resource, violation: Violation) -> bool:
    if resource.kind == "InferenceObjective":
        return (violation.path[:1] == ("spec",) and len(violation.path) == 2
                and unknown_field(violation) in _REMOVED_OBJECTIVE_FIELDS)
    return resource.kind == "InferenceModel" and unknown_field(violation) == "priority" and len(violation.path) == 2


def _describe_removed_field(resource: Resource, violation: Violation) -> Hit:
    key = unknown_field(violation) or ""
    if resource.kind == "InferenceModel":
        return Hit(violation.path, "`priority` belongs to InferenceObjective; InferenceModel uses `criticality`")
    return Hit(violation.path, f"`{key}` was {_REMOVED_OBJECTIVE_FIELDS[key]}; the API server prunes it silently, "
                               "so the setting is lost")


@resource_rule("GIE082", "objective-fields", Severity.WARNING, kinds=("InferenceObjective", "InferenceModel"),
               claims=_claims_removed_fields,
    applies=APPLIES_OBJ)
def objective_fields(resource: Resource, scenario: Scenario) -> Iterable[Hit]:
    """No removed fields (`criticality`, `modelName`, `targetModels` on InferenceObjective).

    ## Why it breaks
    The fields are pruned, so the intended priority is silently 0 (negative priority means sheddable).

    ## Bad
    ```yaml
    kind: InferenceObjective
    spec:
      criticality: 2
      poolRef: {name: vllm}
    ```

    ## Good
    ```yaml
    kind: InferenceObjective
    spec:
      priority: 2
      poolRef: {name: vllm}
    ```

    ## Fix
    Use `priority`; drop `modelName` and `targetModels` (use InferenceModelRewrite for rewrites).
    """
    return claimed_hits(resource, scenario, _claims_removed_fields, _describe_removed_field)


# GIE004 ---------------------------------------------------------------------------------------------

def _claims_unknown_field(resource: Resource, violation: Violation) -> bool:
    if resource.kind not in GIE_KINDS or unknown_field(violation) is None:
        return False
    if resource.group not in GIE_GROUPS and resource.group != LLMD_GROUP:
        return False
    if violation.path[:1] != ("spec",):
        return False
    return not any(rule.claims is not None and rule.claims(resource, violation)
                   for rule in (pool_v1_shape, pool_v1alpha2_shape, objective_fields))


@resource_rule("GIE004", "pool-unknown-field", Severity.WARNING, kinds=GIE_KINDS, claims=_claims_unknown_field,
    applies=APPLIES_OBJ)
def pool_unknown_field(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """No fields outside the CRD schema (e.g. `endpointPickerRef.namespace`), on pools, objectives and rewrites.

    ## Why it breaks
    The API server prunes unknown fields silently (or with a warning), so the intended setting is lost; kubectl
    ≥1.27 defaults to strict field validation and rejects the object.

    ## Bad
    ```yaml
    endpointPickerRef: {name: epp, namespace: llm, port: {number: 9002}}
    ```

    ## Good
    ```yaml
    endpointPickerRef: {name: epp, port: {number: 9002}}
    ```

    ## Fix
    Remove the field, or move it to where the CRD of your release defines it.
    """
    def describe(res: Resource, violation: Violation) -> Hit:
        key = unknown_field(violation)
        parent = dotted(violation.path[:-1])
        message = (f"unknown field `{key}` in {parent}: the {res.api_version} {res.kind} CRD has no such field, so the "
                   "API server prunes it (kubectl --validate=strict rejects it); remove it")
        if key == "namespace" and violation.path[-2:-1] in (("endpointPickerRef",), ("extensionRef",)):
            message += " (the EPP Service is always in the pool's namespace)"
        others = scenario.store.field_known_in(res.api_version, res.kind, violation.path)
        if others:
            message += f"; `{key}` exists in {', '.join(others)}"
        return Hit(violation.path, message)

    yield from claimed_hits(resource, scenario, _claims_unknown_field, describe)


