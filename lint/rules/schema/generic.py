"""GIE910–GIE912: schema validation of every object that no specific rule speaks for."""

from __future__ import annotations

from collections.abc import Iterator

from lint.result import Severity
from lint.rules.api import Claims, Hit, ResourceRule, Scenario, resource_rule
from lint.rules.schema.claims import dotted
from lint.schema.violation import Violation
from lint.source.resources import Resource

# Kinds that are not Kubernetes objects or are judged by their own rules when no schema is known.
_OWN_RULES = {"InferencePool", "InferenceModel", "InferenceObjective", "InferenceModelRewrite", "EndpointPickerConfig",
              "Kustomization"}


def _claimers() -> list[Claims]:
    """The `claims` of every schema rule but this one (looked up at run time: the registry imports this module)."""
    from lint.rules.registry import all_rules

    return [rule.claims for rule in all_rules()
            if isinstance(rule, ResourceRule) and rule.claims is not None and rule is not schema_violation]


def _unclaimed(resource: Resource, violation: Violation, claimers: list[Claims]) -> bool:
    return not any(claims(resource, violation) for claims in claimers)


@resource_rule("GIE910", "schema-violation", Severity.ERROR)
def schema_violation(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """Every object validates against its schema (Kubernetes strict schemas for core kinds, the release's CRDs).

    ## Why it breaks
    The API server rejects an object that breaks its schema, and kubectl's default strict field validation
    rejects unknown fields. Every violation is reported, each at its own field.

    ## Bad
    ```yaml
    spec:
      replicas: "3"
      template:
        spec:
          containers:
          - name: epp
            ports: [{containerPort: "9002"}]
    ```

    ## Good
    ```yaml
    spec:
      replicas: 3
      template:
        spec:
          containers:
          - name: epp
            ports: [{containerPort: 9002}]
    ```

    ## Fix
    Change the field as the message says (type, allowed values, required fields, unknown fields).
    """
    seen = set()
    claimers = _claimers()
    for violation in scenario.schema(resource).violations:
        if not _unclaimed(resource, violation, claimers):
            continue
        message = f"{dotted(violation.path)}: {violation.message}"
        if (violation.path, message) not in seen:
            seen.add((violation.path, message))
            yield Hit(violation.path, f"{message} [{scenario.schema(resource).source}]")


@resource_rule("GIE911", "schema-unknown-kind", Severity.INFO)
def schema_unknown_kind(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """Objects whose apiVersion/kind has no known schema are named, not silently passed.

    ## Why it breaks
    Third-party CRDs (gateway-specific policies, monitoring) cannot be validated offline; saying so keeps a
    clean report honest.

    ## Bad
    ```yaml
    apiVersion: example.com/v1
    kind: Widget
    ```

    ## Good
    ```yaml
    apiVersion: v1
    kind: Service
    ```

    ## Fix
    Nothing to change in the manifest; ignore this rule for kinds you know are not covered.
    """
    if scenario.schema(resource).source is not None or resource.kind in _OWN_RULES:
        return
    if scenario.store.lookup(resource.api_version, resource.kind) is not None:
        return
    yield Hit(("kind",), f"no schema known for {resource.api_version} {resource.kind} "
                         f"(Kubernetes {scenario.store.kubernetes_version}, GIE {scenario.release.tag}, Gateway API): "
                         "its fields are not validated")


@resource_rule("GIE912", "cel-unevaluated", Severity.INFO)
def cel_unevaluated(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """CRD validation rules (CEL) that could not be evaluated are reported, not passed.

    ## Why it breaks
    A rule the offline evaluator cannot run (an unsupported function, a runtime error) may still reject the
    object in the API server.

    ## Bad
    ```yaml
    (an x-kubernetes-validations rule using a function gie-lint does not implement)
    ```

    ## Good
    ```yaml
    (every CEL rule of the CRD evaluated)
    ```

    ## Fix
    Check the object against a real API server (`kubectl apply --dry-run=server`).
    """
    for path, rule_text, reason in scenario.schema(resource).unevaluated:
        yield Hit(tuple(path),
                  f"CEL rule could not be evaluated offline ({reason}), so it was not checked: {rule_text}")


