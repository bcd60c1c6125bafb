"""lint/schema/store.py: the run-wide store, messages, versions, and agreement with pure-Python jsonschema."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from gie_lint.schema.store import DEFINITIONS_ID, SchemaError, SchemaStore, resolve_kubernetes_version
from referencing import Registry, Resource

from tests.conftest import need_shared

SHARED = Path(__file__).resolve().parents[2] / "shared"
V1 = "inference.networking.k8s.io/v1"
V1ALPHA2 = "inference.networking.x-k8s.io/v1alpha2"
LEGACY_SPEC = {"selector": {"app": "vllm"}, "targetPortNumber": 8000, "extensionRef": {"name": "epp"}}


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore("v1.0.0")


def doc(api_version: str, kind: str, spec: Any) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": spec}


def deployment(**container: Any) -> dict[str, Any]:
    return doc("apps/v1", "Deployment", {
        "replicas": 1, "selector": {"matchLabels": {"app": "x"}},
        "template": {"metadata": {"labels": {"app": "x"}},
                     "spec": {"containers": [{"name": "c", "image": "i", **container}]}}})


def test_v1_pool_with_v1alpha2_fields(store: SchemaStore) -> None:
    schema = store.lookup(V1, "InferencePool")
    assert schema is not None and schema.source == "GIE v1.0.0 CRD inferencepools.inference.networking.k8s.io"
    got = {(v.path, v.keyword, v.detail) for v in schema.validate(doc(V1, "InferencePool", LEGACY_SPEC)).violations}
    assert got == {
        (("spec",), "required", "endpointPickerRef"),
        (("spec",), "required", "targetPorts"),
        (("spec", "extensionRef"), "additionalProperties", "extensionRef"),
        (("spec", "selector"), "required", "matchLabels"),
        (("spec", "selector", "app"), "additionalProperties", "app"),
        (("spec", "targetPortNumber"), "additionalProperties", "targetPortNumber"),
    }
    messages = {v.detail: v.message for v in schema.validate(doc(V1, "InferencePool", LEGACY_SPEC)).violations}
    assert messages["targetPortNumber"] == (
        "unknown field `targetPortNumber`: remove it (not in the inference.networking.k8s.io/v1 InferencePool schema)")
    assert messages["targetPorts"] == "missing required field `targetPorts`: add it under `spec`"


def test_same_spec_is_clean_as_v1alpha2_at_v0_5_1() -> None:
    schema = SchemaStore("v0.5.1").lookup(V1ALPHA2, "InferencePool")
    assert schema is not None
    outcome = schema.validate(doc(V1ALPHA2, "InferencePool", LEGACY_SPEC))
    assert outcome.violations == [] and outcome.unevaluated == []


def test_cel_violation_through_the_store(store: SchemaStore) -> None:
    spec = {"selector": {"matchLabels": {"app": "x"}}, "targetPorts": [{"number": 8000}],
            "endpointPickerRef": {"name": "epp"}}
    outcome = store.lookup(V1, "InferencePool").validate(doc(V1, "InferencePool", spec))  # type: ignore[union-attr]
    assert [(v.path, v.keyword, v.message) for v in outcome.violations] == [
        (("spec", "endpointPickerRef"), "x-kubernetes-validations",
         "port is required when kind is 'Service' or unspecified (defaults to 'Service')")]


def test_deployment_with_bogus_field_and_quoted_replicas(store: SchemaStore) -> None:
    schema = store.lookup("apps/v1", "Deployment")
    assert schema is not None and schema.source == f"Kubernetes {store.kubernetes_version} strict schema"
    bad = deployment(bogus=True)
    bad["spec"]["replicas"] = "3"
    got = [(v.path, v.keyword, v.message) for v in schema.validate(bad).violations]
    assert got == [
        (("spec", "replicas"), "type", "`3` is not of type integer: write a number without quotes"),
        (("spec", "template", "spec", "containers", 0, "bogus"), "additionalProperties",
         "unknown field `bogus`: remove it (not in the apps/v1 Deployment schema)"),
    ]
    assert schema.validate(deployment()).violations == []


def test_messages_say_what_to_change(store: SchemaStore) -> None:
    schema = store.lookup("apps/v1", "Deployment")
    assert schema is not None
    bad = deployment(ports=[{"containerPort": 80, "protocl": "TCP"}], args="--port=8000")
    got = {v.path[-1]: v.message for v in schema.validate(bad).violations}
    assert got["protocl"].startswith("unknown field `protocl`: remove it or rename it to `protocol`")
    assert got["args"] == "`--port=8000` is not of type array: write a list (lines starting with `- `)"
    pool = store.lookup(V1, "InferencePool")
    assert pool is not None
    spec = {"selector": {"matchLabels": {"app": "x"}}, "targetPorts": [{"number": 8000}],
            "endpointPickerRef": {"name": "epp", "port": {"number": 9002}, "failureMode": "FailSometimes"}}
    assert [v.message for v in pool.validate(doc(V1, "InferencePool", spec)).violations] == [
        "`FailSometimes` is not one of FailOpen, FailClose: use one of these"]
    objective = store.lookup(V1ALPHA2, "InferenceObjective")
    assert objective is not None
    result = objective.validate(doc(V1ALPHA2, "InferenceObjective", {"priority": "high", "poolRef": {"name": "p"}}))
    assert [v.message for v in result.violations] == ["`high` is not of type integer: write an integer"]


def test_type_error_is_not_repeated_as_enum() -> None:
    schema = SchemaStore("v0.5.1").lookup(V1ALPHA2, "InferenceModel")
    assert schema is not None
    spec = {"modelName": "m", "criticality": 1, "poolRef": {"name": "p"}}
    assert [v.keyword for v in schema.validate(doc(V1ALPHA2, "InferenceModel", spec)).violations] == ["type"]


def test_yaml_only_values_do_not_crash(store: SchemaStore) -> None:
    import datetime

    schema = store.lookup("v1", "ConfigMap")
    assert schema is not None
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
          "data": {8080: "a", "d": datetime.date(2024, 1, 1)}}
    assert schema.validate(cm).violations == []


def test_lookup_and_release_queries(store: SchemaStore) -> None:
    assert store.lookup("apps.example.com/v1", "Deployment") is None  # same file stem, other group
    assert store.lookup("example.com/v1", "Widget") is None
    assert SchemaStore("v0.5.1").lookup(V1, "InferencePool") is None
    assert store.lookup("gateway.networking.k8s.io/v1", "HTTPRoute").source == (  # type: ignore[union-attr]
        "Gateway API v1.6.1 standard CRD httproutes.gateway.networking.k8s.io")
    assert store.lookup("rbac.authorization.k8s.io/v1", "Role") is not None
    assert store.lookup("apps/v1", "Deployment") is store.lookup("apps/v1", "Deployment")  # compiled once
    assert store.gie_kinds("v1.0.0") == {(V1, "InferencePool"), (V1ALPHA2, "InferencePool"),
                                         (V1ALPHA2, "InferenceObjective")}
    assert store.releases_defining(V1ALPHA2, "InferenceModel") == ["v0.3.0", "v0.4.0", "v0.5.1"]
    assert store.releases_defining(V1, "InferencePool")[0] == "v1.0.0"
    assert store.field_known_in(V1, "InferencePool", ("spec", "targetPortNumber")) == [V1ALPHA2]
    assert store.field_known_in(V1ALPHA2, "InferencePool", ("spec", "targetPorts", 0, "number")) == [V1]
    assert store.field_known_in(V1, "InferencePool", ("spec", "nonsense")) == []
    assert "autoscaling/v1" in store.field_known_in("autoscaling/v2", "HorizontalPodAutoscaler",
                                                    ("spec", "targetCPUUtilizationPercentage"))


def test_versions() -> None:
    newest, _ = resolve_kubernetes_version(None)
    assert SchemaStore("1.1.0").gie_version == "v1.1.0"
    assert SchemaStore("v1.0.1").gie_version == "v1.0.0"  # a patch without CRD changes: same minor
    assert SchemaStore("v1.0.0", "1.33").kubernetes_version == "1.33"
    assert SchemaStore("v1.0.0", "v1.33.0").kubernetes_version == "1.33"
    assert SchemaStore("v1.0.0").kubernetes_version == newest
    for gie, kube in (("v9.9.9", None), ("v1.0.0", "1.99"), ("v1.0.0", "banana"), ("v1.0.0", "1.10")):
        with pytest.raises(SchemaError) as info:
            SchemaStore(gie, kube)
        assert "\n" not in str(info.value)


# ---- engine agreement: jsonschema-rs and pure-Python jsonschema report the same errors -----------

MAX_DOCS = 2500  # keeps this test well under a minute (pure-Python jsonschema is ~100x slower)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def corpus_documents() -> list[tuple[str, dict[str, Any]]]:
    folder = SHARED / "corpus" / "gie"
    need_shared(folder)
    found = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            docs = list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=_LOADER))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for item in docs:
            if isinstance(item, dict) and isinstance(item.get("apiVersion"), str) and isinstance(item.get("kind"), str):
                found.append((path.name, item))
    return found


def mutated(item: dict[str, Any]) -> dict[str, Any]:
    """A broken twin, so both engines also walk their error paths: an unknown key in every mapping
    and every integer written as a string (the corpus itself is mostly valid)."""
    def walk(node: Any, depth: int) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v, depth + 1) for k, v in node.items()}
            if depth and depth % 2 == 0:
                out["bogusField"] = 1
            return out
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        return str(node) if isinstance(node, int) and not isinstance(node, bool) else node
    return walk(item, 0)


@pytest.mark.slow
def test_engines_agree(store: SchemaStore) -> None:
    from gie_lint.schema.jsonnode import json_compatible

    documents = [(name, json_compatible(d)) for name, d in corpus_documents()]
    known = [(name, d) for name, d in documents if store.lookup(d["apiVersion"], d["kind"])]
    sample = known if len(known) <= MAX_DOCS else random.Random(0).sample(known, MAX_DOCS)
    registry = Registry().with_resource(DEFINITIONS_ID, Resource.from_contents(store._definitions))
    python: dict[tuple[str, str], jsonschema.Draft202012Validator] = {}
    start, disagreements = time.perf_counter(), []
    counts = {"core": [0, 0], "crd": [0, 0]}  # documents, errors
    for name, original in sample:
        key = (original["apiVersion"], original["kind"])
        compiled = store.lookup(*key)
        assert compiled is not None
        if key not in python:
            python[key] = jsonschema.Draft202012Validator(compiled.schema, registry=registry)
        family = "core" if compiled.source.startswith("Kubernetes") else "crd"
        for item in (original, mutated(original)):
            rs = {(tuple(e.instance_path), e.kind.name) for e in compiled._validator.iter_errors(item)}
            py = {(tuple(e.absolute_path), str(e.validator)) for e in python[key].iter_errors(item)}
            counts[family][0] += 1
            counts[family][1] += len(rs)
            if rs != py:
                disagreements.append((name, original["kind"], sorted(rs ^ py, key=str)[:3]))
    print(f"\nengine agreement: {len(sample)} of {len(known)} documents with a schema ({len(documents)} with "
          f"apiVersion/kind), each also mutated; core {counts['core'][0]} docs / {counts['core'][1]} errors, "
          f"CRD {counts['crd'][0]} docs / {counts['crd'][1]} errors; {len(python)} kinds; "
          f"{time.perf_counter() - start:.1f}s")
    assert counts["core"][1] > 0  # the comparison must have exercised error paths
    assert not disagreements, disagreements[:5]
