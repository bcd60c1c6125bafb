"""GIE910–GIE912: schema validation of every object that no specific rule speaks for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lint.result import Severity
from lint.rules.api import Hit, Rule, all_rules
from lint.rules.schema.claims import dotted
from lint.schema.violation import Violation

# Kinds that are not Kubernetes objects or are judged by their own rules when no schema is known.
_OWN_RULES = {"InferencePool", "InferenceModel", "InferenceObjective", "InferenceModelRewrite", "EndpointPickerConfig",
              "Kustomization"}


def _unclaimed(resource: Any, violation: Violation) -> bool:
    return not any(rule.claims is not None and rule.id != SCHEMA_VIOLATION.id and rule.claims(resource, violation)
                   for rule in all_rules())


def _check_schema(resource: Any, context: Any) -> Iterator[Hit]:
    seen = set()
    for violation in resource.violations:
        if not _unclaimed(resource, violation):
            continue
        message = f"{dotted(violation.path)}: {violation.message}"
        if (violation.path, message) not in seen:
            seen.add((violation.path, message))
            yield Hit(violation.path, f"{message} [{resource.schema_source}]")


SCHEMA_VIOLATION = Rule(
    id="GIE910", name="schema-violation", severity=Severity.ERROR, scope="resource",
    summary="Every object validates against its schema (Kubernetes strict schemas for core kinds, the release's CRDs).",
    rationale="The API server rejects an object that breaks its schema, and kubectl's default strict field "
              "validation rejects unknown fields. Every violation is reported, each at its own field.",
    bad="spec:\n  replicas: \"3\"\n  template:\n    spec:\n      containers:\n      - name: epp\n"
        "        ports: [{containerPort: \"9002\"}]",
    good="spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: epp\n"
         "        ports: [{containerPort: 9002}]",
    fix="Change the field as the message says (type, allowed values, required fields, unknown fields).",
    check=_check_schema,
)


def _check_unknown_kind(resource: Any, context: Any) -> Iterator[Hit]:
    if resource.schema_source is not None or resource.kind in _OWN_RULES:
        return
    if context.store.lookup(resource.api_version, resource.kind) is not None:
        return
    yield Hit(("kind",), f"no schema known for {resource.api_version} {resource.kind} "
                         f"(Kubernetes {context.store.kubernetes_version}, GIE {context.release.tag}, Gateway API): "
                         "its fields are not validated")


SCHEMA_UNKNOWN_KIND = Rule(
    id="GIE911", name="schema-unknown-kind", severity=Severity.INFO, scope="resource",
    summary="Objects whose apiVersion/kind has no known schema are named, not silently passed.",
    rationale="Third-party CRDs (gateway-specific policies, monitoring) cannot be validated offline; saying so "
              "keeps a clean report honest.",
    bad="apiVersion: example.com/v1\nkind: Widget", good="apiVersion: v1\nkind: Service",
    fix="Nothing to change in the manifest; ignore this rule for kinds you know are not covered.",
    check=_check_unknown_kind,
)


def _check_unevaluated(resource: Any, context: Any) -> Iterator[Hit]:
    for path, rule_text, reason in resource.unevaluated_rules:
        yield Hit(tuple(path),
                  f"CEL rule could not be evaluated offline ({reason}), so it was not checked: {rule_text}")


CEL_UNEVALUATED = Rule(
    id="GIE912", name="cel-unevaluated", severity=Severity.INFO, scope="resource",
    summary="CRD validation rules (CEL) that could not be evaluated are reported, not passed.",
    rationale="A rule the offline evaluator cannot run (an unsupported function, a runtime error) may still "
              "reject the object in the API server.",
    bad="(an x-kubernetes-validations rule using a function gie-lint does not implement)",
    good="(every CEL rule of the CRD evaluated)",
    fix="Check the object against a real API server (`kubectl apply --dry-run=server`).",
    check=_check_unevaluated,
)
