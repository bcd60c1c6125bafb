"""GIE001–GIE007: the InferencePool against the CRD of the release in force.

The schema layer reports raw violations; these rules own the InferencePool ones and say what to
change in the language of the v1alpha2 → v1 migration, so a renamed field reads as a rename, not as
two unrelated errors ("unknown field" + "missing field").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lint.result import Severity
from lint.rules.api import Hit, Rule
from lint.rules.schema.claims import (
    V1_POOL,
    V1ALPHA2_POOL,
    claimed_hits,
    dotted,
    is_cel,
    missing_field,
    under,
    unknown_field,
)
from lint.schema.violation import Violation

POOL = "InferencePool"
_V1_SELECTOR_KEYS = ("matchLabels",)


def _pool(resource: Any, api_version: str) -> bool:
    return bool(resource.kind == POOL and resource.api_version == api_version)


def _spec(resource: Any) -> dict[str, Any]:
    spec = resource.get("spec")
    return spec if isinstance(spec, dict) else {}


# GIE001 ---------------------------------------------------------------------------------------------

def _check_apiversion(resource: Any, context: Any) -> Iterator[Hit]:
    if resource.kind != POOL or context.store.lookup(resource.api_version, POOL) is not None:
        return
    accepted = sorted(av for av, kind in context.store.gie_kinds(context.release.tag) if kind == POOL)
    elsewhere = context.store.releases_defining(resource.api_version, POOL)
    if elsewhere:
        why = (f"`{resource.api_version}` InferencePool is not served by GIE {context.release.tag} "
               f"(its CRD ships in {elsewhere[0]}–{elsewhere[-1]})")
    else:
        why = f"`{resource.api_version}` is not an InferencePool API group/version of any GIE release"
    yield Hit(("apiVersion",), f"{why}; use apiVersion {' or '.join(f'`{a}`' for a in accepted)}")


POOL_APIVERSION_KNOWN = Rule(
    id="GIE001", name="pool-apiversion-known", severity=Severity.ERROR, scope="resource",
    summary="InferencePool apiVersion is `inference.networking.k8s.io/v1`, "
            "or `inference.networking.x-k8s.io/v1alpha2` on ≤v1.4.",
    rationale="With any other group there is no matching CRD (`no matches for kind`), and the HTTPRoute "
              "backendRef group cannot match. The v1alpha2 CRD was removed in v1.5.0.",
    bad="apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: InferencePool",
    good="apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool",
    fix="Use the API version the release serves; migrate v1alpha2 pools to v1 before upgrading to v1.5.0.",
    check=_check_apiversion,
)


# GIE002 ---------------------------------------------------------------------------------------------

def _claims_v1_shape(resource: Any, violation: Violation) -> bool:
    if not _pool(resource, V1_POOL):
        return False
    key = unknown_field(violation)
    if key is not None:
        return (violation.path in (("spec", "targetPortNumber"), ("spec", "extensionRef"),
                                   ("spec", "endpointPickerRef", "portNumber"))
                or (violation.path[:2] == ("spec", "selector") and len(violation.path) == 3))
    missing = missing_field(violation)
    if violation.path == ("spec",) and missing in ("targetPorts", "selector"):
        return True
    if violation.path == ("spec",) and missing == "endpointPickerRef":
        return "extensionRef" in _spec(resource)
    return violation.path == ("spec", "selector") and missing == "matchLabels"


def _describe_v1_shape(resource: Any, violation: Violation) -> Hit | None:
    spec = _spec(resource)
    path = violation.path
    if path[:2] == ("spec", "selector") and (len(path) == 3 or missing_field(violation) == "matchLabels"):
        selector = spec.get("selector")
        flat = {k: v for k, v in selector.items() if k not in _V1_SELECTOR_KEYS} if isinstance(selector, dict) else {}
        if flat and not all(k == "matchExpressions" for k in flat):
            labels = ", ".join(f"{k}: {v}" for k, v in sorted(flat.items(), key=lambda kv: str(kv[0])))
            return Hit(("spec", "selector"), "a flat `selector` is the v1alpha2 shape; inference.networking.k8s.io/v1 "
                       f"needs `selector: {{matchLabels: {{{labels}}}}}`")
        if "matchExpressions" in flat:
            return Hit(("spec", "selector", "matchExpressions"),
                       "inference.networking.k8s.io/v1 pools select by `matchLabels` only; "
                       "`matchExpressions` is not supported")
        return Hit(("spec", "selector"), "`selector` needs `matchLabels` (a map of pod labels)")
    if path == ("spec", "targetPortNumber"):
        number = spec.get("targetPortNumber")
        return Hit(path, "`targetPortNumber` is a v1alpha2 field; inference.networking.k8s.io/v1 uses "
                         f"`targetPorts: [{{number: {number if isinstance(number, int) else 8000}}}]`")
    if path == ("spec", "extensionRef"):
        return Hit(path, "`extensionRef` is a v1alpha2 field; inference.networking.k8s.io/v1 uses "
                         "`endpointPickerRef: {name: …, port: {number: 9002}}`")
    if path == ("spec", "endpointPickerRef", "portNumber"):
        return Hit(path, "`portNumber` is the v1alpha2 shape; inference.networking.k8s.io/v1 uses `port: {number: N}`")
    missing = missing_field(violation)
    if missing == "targetPorts" and "targetPortNumber" in spec or missing == "endpointPickerRef":
        return None  # already said at the v1alpha2 field that replaces it
    if missing == "targetPorts":
        return Hit(("spec",), "missing `targetPorts`: add `targetPorts: [{number: <model-server port>}]`")
    if missing == "selector":
        return Hit(("spec",), "missing `selector`: add `selector: {matchLabels: {<pod label>: <value>}}`")
    return None


POOL_V1_SHAPE = Rule(
    id="GIE002", name="pool-v1-shape", severity=Severity.ERROR, scope="resource",
    summary="A v1 pool uses `selector.matchLabels`, `targetPorts[].number`, `endpointPickerRef.port.number`.",
    rationale="The v1 CRD requires `targetPorts` and `selector.matchLabels`; v1alpha2 field names fail validation "
              "(required field missing) and kubectl strict validation rejects the unknown fields. Upstream's "
              "leader-election e2e manifest kept the v1alpha2 shape under v1 for ten months.",
    bad="apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nspec:\n  targetPortNumber: 8000\n"
        "  selector: {app: vllm}",
    good="apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nspec:\n  targetPorts: [{number: 8000}]\n"
         "  selector: {matchLabels: {app: vllm}}",
    fix="Rename to the v1 shape: `targetPortNumber: N` → `targetPorts: [{number: N}]`, flat selector → "
        "`selector.matchLabels`, `extensionRef` → `endpointPickerRef` with `port: {number: N}`.",
    check=lambda resource, context: claimed_hits(resource, _claims_v1_shape, _describe_v1_shape),
    claims=_claims_v1_shape,
)


# GIE003 ---------------------------------------------------------------------------------------------

def _claims_v1alpha2_shape(resource: Any, violation: Violation) -> bool:
    if not _pool(resource, V1ALPHA2_POOL):
        return False
    if unknown_field(violation) is not None and violation.path in (
            ("spec", "targetPorts"), ("spec", "endpointPickerRef"), ("spec", "extensionRef", "port")):
        return True
    if under(violation, "spec", "selector", "matchLabels"):
        return True
    missing = missing_field(violation)
    if violation.path == ("spec",) and missing in ("targetPortNumber", "selector"):
        return True
    return violation.path == ("spec",) and missing == "extensionRef" and "endpointPickerRef" in _spec(resource)


def _describe_v1alpha2_shape(resource: Any, violation: Violation) -> Hit | None:
    spec = _spec(resource)
    path = violation.path
    if under(violation, "spec", "selector", "matchLabels"):
        return Hit(("spec", "selector"), "inference.networking.x-k8s.io/v1alpha2 selects pods with a flat map "
                   "(`selector: {app: …}`); `matchLabels` is the v1 shape")
    if path == ("spec", "targetPorts"):
        return Hit(path, "`targetPorts` is an inference.networking.k8s.io/v1 field; "
                         "v1alpha2 uses `targetPortNumber: N`")
    if path == ("spec", "endpointPickerRef"):
        return Hit(path, "`endpointPickerRef` is an inference.networking.k8s.io/v1 field; v1alpha2 uses "
                         "`extensionRef: {name: …, portNumber: 9002}`")
    if path == ("spec", "extensionRef", "port"):
        return Hit(path, "`port: {number}` is the v1 shape; v1alpha2 uses `portNumber: N`")
    missing = missing_field(violation)
    if missing == "targetPortNumber" and "targetPorts" in spec or missing == "extensionRef":
        return None
    return Hit(("spec",),
               f"missing `{missing}`: a v1alpha2 pool requires `selector`, `targetPortNumber` and `extensionRef`")


POOL_V1ALPHA2_SHAPE = Rule(
    id="GIE003", name="pool-v1alpha2-shape", severity=Severity.ERROR, scope="resource",
    summary="A v1alpha2 pool uses a flat `selector`, `targetPortNumber`, `extensionRef.portNumber`.",
    rationale="The v1 field names are unknown to the v1alpha2 CRD, and its required fields would be missing.",
    bad="apiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferencePool\nspec:\n"
        "  targetPorts: [{number: 8000}]\n  selector: {matchLabels: {app: vllm}}",
    good="apiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferencePool\nspec:\n"
         "  targetPortNumber: 8000\n  selector: {app: vllm}\n  extensionRef: {name: vllm-epp}",
    fix="Either write the v1alpha2 shape, or (better, from v1.0.0) switch the apiVersion to "
        "inference.networking.k8s.io/v1.",
    check=lambda resource, context: claimed_hits(resource, _claims_v1alpha2_shape, _describe_v1alpha2_shape),
    claims=_claims_v1alpha2_shape,
)


# GIE005 ---------------------------------------------------------------------------------------------

def _claims_port_required(resource: Any, violation: Violation) -> bool:
    return bool(_pool(resource, V1_POOL) and is_cel(violation) and violation.path[:2] == ("spec", "endpointPickerRef")
                and "has(self.port)" in (violation.detail or ""))


POOL_EPP_REF_PORT_REQUIRED = Rule(
    id="GIE005", name="pool-epp-ref-port-required", severity=Severity.ERROR, scope="resource",
    summary="A v1 `endpointPickerRef` with kind Service (the default) has `port.number`.",
    rationale="The v1 CRD's CEL rule rejects the pool: \"port is required when kind is 'Service' or unspecified\".",
    bad="endpointPickerRef: {name: vllm-epp}", good="endpointPickerRef: {name: vllm-epp, port: {number: 9002}}",
    fix="Add `port: {number: N}` with the EPP Service's port (the Service port, not its targetPort).",
    check=lambda resource, context: claimed_hits(resource, _claims_port_required, lambda r, v: Hit(
        ("spec", "endpointPickerRef"), "`endpointPickerRef` (kind Service by default) has no `port`: add "
        "`port: {number: 9002}` (the EPP Service's port); the CRD rule says: " + v.message)),
    claims=_claims_port_required,
)


# GIE006 ---------------------------------------------------------------------------------------------

_LIMIT_KEYWORDS = {"maxItems", "minItems", "minimum", "maximum", "minProperties", "maxProperties", "pattern",
                   "maxLength", "minLength", "x-kubernetes-validations", "x-kubernetes-list-type", "uniqueItems"}


def _claims_limits(resource: Any, violation: Violation) -> bool:
    if resource.kind != POOL or violation.keyword not in _LIMIT_KEYWORDS:
        return False
    return any(under(violation, *p)
               for p in (("spec", "targetPorts"), ("spec", "selector"), ("spec", "targetPortNumber")))


def _describe_limits(resource: Any, violation: Violation) -> Hit:
    return Hit(violation.path, f"{dotted(violation.path)}: {violation.message}")


POOL_TARGETPORTS_LIMITS = Rule(
    id="GIE006", name="pool-targetports-limits", severity=Severity.ERROR, scope="resource",
    summary="targetPorts: 1 item on v1.0.x, 1–8 unique items on v1.1+; matchLabels 1–64 entries; valid label values.",
    rationale="CRD validation rejects the pool; an empty `matchLabels: {}` would otherwise select every pod.",
    bad="targetPorts: [{number: 8000}, {number: 8000}]", good="targetPorts: [{number: 8000}, {number: 8001}]",
    fix="Keep port numbers unique and within the release's item limit; give matchLabels 1–64 valid labels.",
    check=lambda resource, context: claimed_hits(resource, _claims_limits, _describe_limits),
    claims=_claims_limits,
)


# GIE007 ---------------------------------------------------------------------------------------------

def _claims_ref_present(resource: Any, violation: Violation) -> bool:
    if resource.kind != POOL or violation.path != ("spec",):
        return False
    missing = missing_field(violation)
    spec = _spec(resource)
    return ((missing == "endpointPickerRef" and "extensionRef" not in spec)
            or (missing == "extensionRef" and "endpointPickerRef" not in spec))


def _check_ref_present(resource: Any, context: Any) -> Iterator[Hit]:
    yield from claimed_hits(resource, _claims_ref_present, lambda r, v: Hit(
        ("spec",),
        f"missing `{v.detail}`: the CRD of GIE {context.release.tag} requires a reference to the EPP Service"))
    spec = _spec(resource)
    if (_pool(resource, V1_POOL) and isinstance(resource.get("spec"), dict) and context.release.at_least("v1.6.0")
            and "endpointPickerRef" not in spec and "extensionRef" not in spec):
        yield Hit(("spec",), "no `endpointPickerRef`: optional in the v1.6 CRD, but most gateways still need it "
                  "(Accepted=False, reason EndpointPickerRefMissing); "
                  "add one unless your gateway picks endpoints itself",
                  severity=Severity.WARNING)


POOL_EPP_REF_PRESENT = Rule(
    id="GIE007", name="pool-epp-ref-present", severity=Severity.ERROR, scope="resource",
    summary="`endpointPickerRef` is set (required ≤v1.5; from v1.6 most gateways still need it).",
    rationale="The field is required by the CRD up to v1.5.x. From v1.6.0 it is optional, but gateways report "
              "`Accepted=False, reason EndpointPickerRefMissing` without it (reported as a warning there).",
    bad="spec:\n  selector: {matchLabels: {app: vllm}}\n  targetPorts: [{number: 8000}]",
    good="spec:\n  selector: {matchLabels: {app: vllm}}\n  targetPorts: [{number: 8000}]\n"
         "  endpointPickerRef: {name: vllm-epp, port: {number: 9002}}",
    fix="Add `endpointPickerRef` naming the EPP Service and its port.",
    check=_check_ref_present,
    claims=_claims_ref_present,
)
