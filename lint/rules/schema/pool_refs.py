"""GIE005–GIE007: the InferencePool's endpointPickerRef and targetPorts against the CRD of the release in force."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, resource_rule
from gie_lint.rules.applies import APPLIES_POOL
from gie_lint.rules.schema.claims import V1_POOL, claimed_hits, dotted, is_cel, missing_field, under
from gie_lint.rules.schema.pool import POOL, pool_of, spec_of
from gie_lint.schema.violation import Violation
from gie_lint.source.resources import Resource


def _claims_port_required(resource: Resource, violation: Violation) -> bool:
    return bool(pool_of(resource, V1_POOL) and is_cel(violation) and violation.path[:2] == ("spec", "endpointPickerRef")
                and "has(self.port)" in (violation.detail or ""))


@resource_rule("GIE005", "pool-epp-ref-port-required", Severity.ERROR, kinds=(POOL,), claims=_claims_port_required,
    applies=APPLIES_POOL)
def pool_epp_ref_port_required(resource: Resource, scenario: Scenario) -> Iterable[Hit]:
    """A v1 `endpointPickerRef` with kind Service (the default) has `port.number`.

    ## Why it breaks
    The v1 CRD's CEL rule rejects the pool: "port is required when kind is 'Service' or unspecified".

    ## Bad
    ```yaml
    endpointPickerRef: {name: vllm-epp}
    ```

    ## Good
    ```yaml
    endpointPickerRef: {name: vllm-epp, port: {number: 9002}}
    ```

    ## Fix
    Add `port: {number: N}` with the EPP Service's port (the Service port, not its targetPort).
    """
    return claimed_hits(resource, scenario, _claims_port_required, lambda r, v: Hit(
            ("spec", "endpointPickerRef"), "`endpointPickerRef` (kind Service by default) has no `port`: add "
            "`port: {number: 9002}` (the EPP Service's port); the CRD rule says: " + v.message))


# GIE006 ---------------------------------------------------------------------------------------------

_LIMIT_KEYWORDS = {"maxItems", "minItems", "minimum", "maximum", "minProperties", "maxProperties", "pattern",
                   "maxLength", "minLength", "x-kubernetes-validations", "x-kubernetes-list-type", "uniqueItems"}


def _claims_limits(resource: Resource, violation: Violation) -> bool:
    if resource.kind != POOL or violation.keyword not in _LIMIT_KEYWORDS:
        return False
    return any(under(violation, *p)
               for p in (("spec", "targetPorts"), ("spec", "selector"), ("spec", "targetPortNumber")))


def _describe_limits(resource: Resource, violation: Violation) -> Hit:
    return Hit(violation.path, f"{dotted(violation.path)}: {violation.message}")


@resource_rule("GIE006", "pool-targetports-limits", Severity.ERROR, kinds=(POOL,), claims=_claims_limits,
    applies=APPLIES_POOL)
def pool_targetports_limits(resource: Resource, scenario: Scenario) -> Iterable[Hit]:
    """targetPorts: 1 item on v1.0.x, 1–8 unique items on v1.1+; matchLabels 1–64 entries; valid label values.

    ## Why it breaks
    CRD validation rejects the pool; an empty `matchLabels: {}` would otherwise select every pod.

    ## Bad
    ```yaml
    targetPorts: [{number: 8000}, {number: 8000}]
    ```

    ## Good
    ```yaml
    targetPorts: [{number: 8000}, {number: 8001}]
    ```

    ## Fix
    Keep port numbers unique and within the release's item limit; give matchLabels 1–64 valid labels.
    """
    return claimed_hits(resource, scenario, _claims_limits, _describe_limits)


# GIE007 ---------------------------------------------------------------------------------------------

def _claims_ref_present(resource: Resource, violation: Violation) -> bool:
    if resource.kind != POOL or violation.path != ("spec",):
        return False
    missing = missing_field(violation)
    spec = spec_of(resource)
    return ((missing == "endpointPickerRef" and "extensionRef" not in spec)
            or (missing == "extensionRef" and "endpointPickerRef" not in spec))


@resource_rule("GIE007", "pool-epp-ref-present", Severity.ERROR, kinds=(POOL,), claims=_claims_ref_present,
    applies=APPLIES_POOL)
def pool_epp_ref_present(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """`endpointPickerRef` is set (required ≤v1.5; from v1.6 most gateways still need it).

    ## Why it breaks
    The field is required by the CRD up to v1.5.x. From v1.6.0 it is optional, but gateways report
    `Accepted=False, reason EndpointPickerRefMissing` without it (reported as a warning there).

    ## Bad
    ```yaml
    spec:
      selector: {matchLabels: {app: vllm}}
      targetPorts: [{number: 8000}]
    ```

    ## Good
    ```yaml
    spec:
      selector: {matchLabels: {app: vllm}}
      targetPorts: [{number: 8000}]
      endpointPickerRef: {name: vllm-epp, port: {number: 9002}}
    ```

    ## Fix
    Add `endpointPickerRef` naming the EPP Service and its port.
    """
    yield from claimed_hits(resource, scenario, _claims_ref_present, lambda r, v: Hit(
        ("spec",),
        f"missing `{v.detail}`: the CRD of {scenario.release.label} requires a reference to the EPP Service"))
    spec = spec_of(resource)
    if (pool_of(resource, V1_POOL) and isinstance(resource.get("spec"), dict)
            and scenario.release.reached("endpoint_picker_ref_optional")
            and "endpointPickerRef" not in spec and "extensionRef" not in spec):
        yield Hit(("spec",), "no `endpointPickerRef`: optional in the v1.6 CRD, but most gateways still need it "
                  "(Accepted=False, reason EndpointPickerRefMissing); "
                  "add one unless your gateway picks endpoints itself",
                  severity=Severity.WARNING)


