"""GIE001–GIE003: the InferencePool's API version and shape against the CRD of the release in force.

The schema layer reports raw violations; these rules own the InferencePool ones and say what to
change in the language of the v1alpha2 → v1 migration, so a renamed field reads as a rename, not as
two unrelated errors ("unknown field" + "missing field").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, resource_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.rules.schema.claims import (
    V1_POOL,
    V1ALPHA2_POOL,
    claimed_hits,
    missing_field,
    under,
    unknown_field,
)
from gie_lint.schema.violation import Violation
from gie_lint.source.resources import Resource

POOL = "InferencePool"
_V1_SELECTOR_KEYS = ("matchLabels",)


def pool_of(resource: Resource, api_version: str) -> bool:
    return bool(resource.kind == POOL and resource.api_version == api_version)


def spec_of(resource: Resource) -> dict[str, Any]:
    spec = resource.get("spec")
    return spec if isinstance(spec, dict) else {}


# GIE001 ---------------------------------------------------------------------------------------------

@resource_rule("GIE001", "pool-apiversion-known", Severity.ERROR, kinds=(POOL,),
    applies=APPLIES_POOL)
def pool_apiversion_known(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """InferencePool apiVersion is `inference.networking.k8s.io/v1`, or `inference.networking.x-k8s.io/v1alpha2` on
    ≤v1.4.

    ## Why it breaks
    With any other group there is no matching CRD (`no matches for kind`), and the HTTPRoute backendRef group
    cannot match. The v1alpha2 CRD was removed in v1.5.0.

    ## Bad
    ```yaml
    apiVersion: gateway.networking.x-k8s.io/v1alpha1
    kind: InferencePool
    ```

    ## Good
    ```yaml
    apiVersion: inference.networking.k8s.io/v1
    kind: InferencePool
    ```

    ## Fix
    Use the API version the release serves; migrate v1alpha2 pools to v1 before upgrading to v1.5.0.
    """
    if scenario.store.lookup(resource.api_version, POOL) is not None:
        return
    accepted = sorted(av for av, kind in scenario.store.gie_kinds(scenario.release.tag) if kind == POOL)
    elsewhere = scenario.store.releases_defining(resource.api_version, POOL)
    if elsewhere and scenario.release_defaulted:
        return  # no release was named: a pool of an API version some release serves is judged by that one
    if elsewhere:
        why = (f"`{resource.api_version}` InferencePool is not served by {scenario.release.label} "
               f"(its CRD ships in {elsewhere[0]}–{elsewhere[-1]})")
    else:
        why = f"`{resource.api_version}` is not an InferencePool API group/version of any GIE release"
    yield Hit(("apiVersion",), f"{why}; use apiVersion {' or '.join(f'`{a}`' for a in accepted)}")


# GIE002 ---------------------------------------------------------------------------------------------

def _claims_v1_shape(resource: Resource, violation: Violation) -> bool:
    if not pool_of(resource, V1_POOL):
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
        return "extensionRef" in spec_of(resource)
    return violation.path == ("spec", "selector") and missing == "matchLabels"


def _describe_v1_shape(resource: Resource, violation: Violation) -> Hit | None:
    spec = spec_of(resource)
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


@resource_rule("GIE002", "pool-v1-shape", Severity.ERROR, kinds=(POOL,), claims=_claims_v1_shape,
    applies=APPLIES_POOL)
def pool_v1_shape(resource: Resource, scenario: Scenario) -> Iterable[Hit]:
    """A v1 pool uses `selector.matchLabels`, `targetPorts[].number`, `endpointPickerRef.port.number`.

    ## Why it breaks
    The v1 CRD requires `targetPorts` and `selector.matchLabels`; v1alpha2 field names fail validation (required
    field missing) and kubectl strict validation rejects the unknown fields. Upstream's leader-election e2e
    manifest kept the v1alpha2 shape under v1 for ten months.

    ## Bad
    ```yaml
    apiVersion: inference.networking.k8s.io/v1
    kind: InferencePool
    spec:
      targetPortNumber: 8000
      selector: {app: vllm}
    ```

    ## Good
    ```yaml
    apiVersion: inference.networking.k8s.io/v1
    kind: InferencePool
    spec:
      targetPorts: [{number: 8000}]
      selector: {matchLabels: {app: vllm}}
    ```

    ## Fix
    Rename to the v1 shape: `targetPortNumber: N` → `targetPorts: [{number: N}]`, flat selector →
    `selector.matchLabels`, `extensionRef` → `endpointPickerRef` with `port: {number: N}`.
    """
    return claimed_hits(resource, scenario, _claims_v1_shape, _describe_v1_shape)


# GIE003 ---------------------------------------------------------------------------------------------

def _claims_v1alpha2_shape(resource: Resource, violation: Violation) -> bool:
    if not pool_of(resource, V1ALPHA2_POOL):
        return False
    if unknown_field(violation) is not None and violation.path in (
            ("spec", "targetPorts"), ("spec", "endpointPickerRef"), ("spec", "extensionRef", "port")):
        return True
    if under(violation, "spec", "selector", "matchLabels"):
        return True
    missing = missing_field(violation)
    if violation.path == ("spec",) and missing in ("targetPortNumber", "selector"):
        return True
    return violation.path == ("spec",) and missing == "extensionRef" and "endpointPickerRef" in spec_of(resource)


def _describe_v1alpha2_shape(resource: Resource, violation: Violation) -> Hit | None:
    spec = spec_of(resource)
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


@resource_rule("GIE003", "pool-v1alpha2-shape", Severity.ERROR, kinds=(POOL,), claims=_claims_v1alpha2_shape,
    applies=APPLIES_POOL)
def pool_v1alpha2_shape(resource: Resource, scenario: Scenario) -> Iterable[Hit]:
    """A v1alpha2 pool uses a flat `selector`, `targetPortNumber`, `extensionRef.portNumber`.

    ## Why it breaks
    The v1 field names are unknown to the v1alpha2 CRD, and its required fields would be missing.

    ## Bad
    ```yaml
    apiVersion: inference.networking.x-k8s.io/v1alpha2
    kind: InferencePool
    spec:
      targetPorts: [{number: 8000}]
      selector: {matchLabels: {app: vllm}}
    ```

    ## Good
    ```yaml
    apiVersion: inference.networking.x-k8s.io/v1alpha2
    kind: InferencePool
    spec:
      targetPortNumber: 8000
      selector: {app: vllm}
      extensionRef: {name: vllm-epp}
    ```

    ## Fix
    Either write the v1alpha2 shape, or (better, from v1.0.0) switch the apiVersion to
    inference.networking.k8s.io/v1.
    """
    return claimed_hits(resource, scenario, _claims_v1alpha2_shape, _describe_v1alpha2_shape)


# GIE005 ---------------------------------------------------------------------------------------------
