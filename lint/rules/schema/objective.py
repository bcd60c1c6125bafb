"""GIE004, GIE080, GIE082: GIE kinds besides the pool's shape, against the release's CRDs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lint.result import Severity
from lint.rules.api import Hit, Rule
from lint.rules.schema.claims import GIE_GROUPS, claimed_hits, dotted, unknown_field
from lint.rules.schema.pool import POOL_V1_SHAPE, POOL_V1ALPHA2_SHAPE
from lint.schema.violation import Violation

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

def _check_kind_version(resource: Any, context: Any) -> Iterator[Hit]:
    if resource.kind not in OBJECTIVE_KINDS or resource.group == LLMD_GROUP and resource.kind != "InferenceModel":
        return
    if context.store.lookup(resource.api_version, resource.kind) is not None:
        return
    served = sorted(av for av, kind in context.store.gie_kinds(context.release.tag) if kind == resource.kind)
    releases = context.store.releases_defining(resource.api_version, resource.kind)
    tag = context.release.tag
    if served:
        fix = f"use apiVersion {' or '.join(f'`{a}`' for a in served)}"
    elif resource.kind == "InferenceModel":
        fix = "InferenceModel was replaced by InferenceObjective in v1.0.0: write an InferenceObjective " \
              "(`inference.networking.x-k8s.io/v1alpha2`, spec `{priority, poolRef}`)"
    elif context.release.at_least("v1.6.0"):
        fix = f"GIE {tag} no longer ships this CRD: it moved to llm-d-router as `{LLMD_GROUP}/v1alpha2`"
    else:
        fix = f"GIE {tag} has no {resource.kind} CRD yet (InferenceModelRewrite arrives in v1.2.0)"
    where = (f"is served only by GIE {releases[0]}–{releases[-1]}" if releases
             else "is not an API version of any GIE release")
    yield Hit(("apiVersion",), f"`{resource.api_version}` {resource.kind} {where}, not {tag}; {fix}")


OBJECTIVE_KIND_VERSION = Rule(
    id="GIE080", name="objective-kind-version", severity=Severity.ERROR, scope="resource",
    summary="InferenceModel on ≤v0.5; InferenceObjective/Rewrite on v1.0–v1.5 (x-k8s) or llm-d.ai; the group is right.",
    rationale="Without a matching CRD the API server answers `no matches for kind`; InferenceModel was replaced "
              "by InferenceObjective in v1.0.0 and its CRD removed.",
    bad="apiVersion: inference.networking.k8s.io/v1alpha2\nkind: InferenceModelRewrite",
    good="apiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferenceModelRewrite",
    fix="Use the kind and API group the release serves.",
    check=_check_kind_version,
)


# GIE082 ---------------------------------------------------------------------------------------------

def _claims_removed_fields(resource: Any, violation: Violation) -> bool:
    if resource.kind == "InferenceObjective":
        return (violation.path[:1] == ("spec",) and len(violation.path) == 2
                and unknown_field(violation) in _REMOVED_OBJECTIVE_FIELDS)
    return resource.kind == "InferenceModel" and unknown_field(violation) == "priority" and len(violation.path) == 2


def _describe_removed_field(resource: Any, violation: Violation) -> Hit:
    key = unknown_field(violation) or ""
    if resource.kind == "InferenceModel":
        return Hit(violation.path, "`priority` belongs to InferenceObjective; InferenceModel uses `criticality`")
    return Hit(violation.path, f"`{key}` was {_REMOVED_OBJECTIVE_FIELDS[key]}; the API server prunes it silently, "
                               "so the setting is lost")


OBJECTIVE_FIELDS = Rule(
    id="GIE082", name="objective-fields", severity=Severity.WARNING, scope="resource",
    summary="No removed fields (`criticality`, `modelName`, `targetModels` on InferenceObjective).",
    rationale="The fields are pruned, so the intended priority is silently 0 (negative priority means sheddable).",
    bad="kind: InferenceObjective\nspec:\n  criticality: 2\n  poolRef: {name: vllm}",
    good="kind: InferenceObjective\nspec:\n  priority: 2\n  poolRef: {name: vllm}",
    fix="Use `priority`; drop `modelName` and `targetModels` (use InferenceModelRewrite for rewrites).",
    check=lambda resource, context: claimed_hits(resource, _claims_removed_fields, _describe_removed_field),
    claims=_claims_removed_fields,
)


# GIE004 ---------------------------------------------------------------------------------------------

def _claims_unknown_field(resource: Any, violation: Violation) -> bool:
    if resource.kind not in GIE_KINDS or resource.group not in GIE_GROUPS or unknown_field(violation) is None:
        return False
    if violation.path[:1] != ("spec",):
        return False
    return not any(rule.claims is not None and rule.claims(resource, violation)
                   for rule in (POOL_V1_SHAPE, POOL_V1ALPHA2_SHAPE, OBJECTIVE_FIELDS))


def _check_unknown_field(resource: Any, context: Any) -> Iterator[Hit]:
    def describe(res: Any, violation: Violation) -> Hit:
        key = unknown_field(violation)
        parent = dotted(violation.path[:-1])
        message = (f"unknown field `{key}` in {parent}: the {res.api_version} {res.kind} CRD has no such field, so the "
                   "API server prunes it (kubectl --validate=strict rejects it); remove it")
        if key == "namespace" and violation.path[-2:-1] in (("endpointPickerRef",), ("extensionRef",)):
            message += " (the EPP Service is always in the pool's namespace)"
        others = context.store.field_known_in(res.api_version, res.kind, violation.path)
        if others:
            message += f"; `{key}` exists in {', '.join(others)}"
        return Hit(violation.path, message)

    yield from claimed_hits(resource, _claims_unknown_field, describe)


POOL_UNKNOWN_FIELD = Rule(
    id="GIE004", name="pool-unknown-field", severity=Severity.WARNING, scope="resource",
    summary="No fields outside the CRD schema (e.g. `endpointPickerRef.namespace`), on pools, objectives and rewrites.",
    rationale="The API server prunes unknown fields silently (or with a warning), so the intended setting is lost; "
              "kubectl ≥1.27 defaults to strict field validation and rejects the object.",
    bad="endpointPickerRef: {name: epp, namespace: llm, port: {number: 9002}}",
    good="endpointPickerRef: {name: epp, port: {number: 9002}}",
    fix="Remove the field, or move it to where the CRD of your release defines it.",
    check=_check_unknown_field,
    claims=_claims_unknown_field,
)
