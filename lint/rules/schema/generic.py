"""GIE910–GIE912: schema validation of every object that no specific rule speaks for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gie_lint.result import Severity
from gie_lint.rules.api import Claims, Hit, ResourceRule, Scenario, resource_rule
from gie_lint.rules.schema.claims import dotted, unknown_field
from gie_lint.schema.violation import Violation
from gie_lint.source.resources import Resource

# Kinds that are not Kubernetes objects or are judged by their own rules when no schema is known.
_OWN_RULES = {"InferencePool", "InferenceModel", "InferenceObjective", "InferenceModelRewrite", "EndpointPickerConfig",
              "Kustomization"}


def _claimers() -> list[Claims]:
    """The `claims` of every schema rule but this one (looked up at run time: the registry imports this module)."""
    from gie_lint.rules.registry import all_rules

    return [rule.claims for rule in all_rules()
            if isinstance(rule, ResourceRule) and rule.claims is not None and rule is not schema_violation]


def _unclaimed(resource: Resource, violation: Violation, claimers: list[Claims]) -> bool:
    return not any(claims(resource, violation) for claims in claimers)


_INSTALL_EXPERIMENTAL = "install the experimental CRDs and use --gateway-api-channel experimental"


def _experimental_verdict(resource: Resource, scenario: Scenario) -> set[tuple[Any, str, str | None]] | None:
    """What the experimental channel of the same Gateway API version rejects in this object (None: the object is
    not judged by the standard channel of a kind the experimental channel has)."""
    schema = scenario.store.experimental(resource.api_version, resource.kind)
    if schema is None:
        return None
    return {(v.path, v.keyword, v.detail) for v in schema.validate(resource.data).violations}


def _experimental_message(violation: Violation, version: str) -> str:
    """A standard-channel violation that the experimental channel accepts: say so instead of "remove it"."""
    key = unknown_field(violation)
    if key is not None:
        return (f"{dotted(violation.path)}: `{key}` is an experimental-channel field of Gateway API {version}: "
                f"{_INSTALL_EXPERIMENTAL} (or remove it: the standard CRD has no such field)")
    return (f"{dotted(violation.path)}: {violation.message}; the experimental channel of Gateway API {version} "
            f"accepts this: {_INSTALL_EXPERIMENTAL}")


def _newer_gateway_api(resource: Resource, scenario: Scenario, violation: Violation) -> str:
    since = scenario.store.gateway_api_field_since(resource.api_version, resource.kind, violation.path)
    if since is None:
        return ""
    version, channel = since.split()
    flags = f"--gateway-api-version {version}" + (
        f" --gateway-api-channel {channel}" if channel != scenario.store.gateway_api_channel else "")
    return (f"; Gateway API {version} has it ({channel} channel): if your cluster runs that or newer, use {flags}")


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
    Change the field as the message says (type, allowed values, required fields, unknown fields). Gateway API
    kinds are judged by `--gateway-api-version` (default the newest) and `--gateway-api-channel` (default
    standard): a field only the experimental CRDs have is named so, and if your cluster runs them, say
    `--gateway-api-channel experimental`.
    """
    seen = set()
    claimers = _claimers()
    experimental: list[set[tuple[Any, str, str | None]] | None] = []  # computed once, when there is a violation
    for violation in scenario.schema(resource).violations:
        if not _unclaimed(resource, violation, claimers):
            continue
        message = f"{dotted(violation.path)}: {violation.message}"
        if not experimental:
            experimental.append(_experimental_verdict(resource, scenario))
        rejected = experimental[0]
        if rejected is not None and (violation.path, violation.keyword, violation.detail) not in rejected:
            message = _experimental_message(violation, scenario.store.gateway_api_version)
        elif unknown_field(violation) is not None:
            message += _newer_gateway_api(resource, scenario, violation)
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
    Nothing to change in the manifest; ignore this rule for kinds you know are not covered. A Gateway API kind
    only the experimental CRDs define (TCPRoute v1alpha2, XBackendTrafficPolicy) is named so: with those CRDs
    installed, use `--gateway-api-channel experimental` and it is validated.
    """
    if scenario.schema(resource).source is not None or resource.kind in _OWN_RULES:
        return
    store = scenario.store
    if store.lookup(resource.api_version, resource.kind) is not None:
        return
    if store.experimental(resource.api_version, resource.kind) is not None:
        yield Hit(("kind",), f"{resource.api_version} {resource.kind} is an experimental-channel kind of Gateway API "
                             f"{store.gateway_api_version} (not in the standard CRDs, so it is not validated): "
                             f"{_INSTALL_EXPERIMENTAL}")
        return
    llm_d = f", llm-d-router {store.llm_d_router_version}" if store.llm_d_router_version else ""
    yield Hit(("kind",), f"no schema known for {resource.api_version} {resource.kind} "
                         f"(Kubernetes {store.kubernetes_version}, GIE {scenario.release.tag}, {store.gateway_api}"
                         f"{llm_d}): its fields are not validated")


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


