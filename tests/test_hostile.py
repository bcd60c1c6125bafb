"""Hostile input: type-confused manifests must end in findings, never in an exception.

Every rule reads values that a schema has not vouched for (a schema error does not stop the rules), so
each node of the reference system is replaced in turn by values of the wrong shape, deterministically.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from gie_lint.engine import run as engine

from tests.conftest import ROOT

WRONG_SHAPES: list[Any] = [None, 0, -1, 70000, 1.5, True, "", "x", "$(X)", "{{ .Values.x }}",
                           [], [None], {}, {"": None}]
REFERENCE = [ROOT / "examples" / p for p in (
    "vllm/sim-deployment.yaml", "epp/rbac.yaml", "epp/configmap.yaml", "epp/service.yaml", "epp/deployment.yaml",
    "epp/inferencepool.yaml", "gateway/gateway.yaml", "gateway/httproute.yaml",
    "epp-leader-election/lease-rbac.yaml", "epp-leader-election/deployment.yaml")]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return doc


def _mutants(seed: int, count: int) -> list[list[Any]]:
    rng = random.Random(seed)
    docs = [d for f in REFERENCE for d in yaml.safe_load_all(f.read_text()) if d]
    mutants = []
    for _ in range(count):
        chosen = copy.deepcopy(docs)
        for _ in range(3):
            index = rng.randrange(len(chosen))
            path = rng.choice(_paths(chosen[index]))
            chosen[index] = _replace(chosen[index], path, rng.choice(WRONG_SHAPES))
        mutants.append(chosen)
    return mutants


@pytest.mark.slow
@pytest.mark.parametrize("batch", range(8))
def test_type_confused_reference_system_never_crashes(batch: int, tmp_path: Path) -> None:
    for number, docs in enumerate(_mutants(seed=batch, count=25)):
        target = tmp_path / f"mutant-{number}.yaml"
        target.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        result = engine.run([engine.ScenarioSpec(name="mutant", paths=(str(target),), gie_version="v1.5.0")]).result
        old = engine.run([engine.ScenarioSpec(name="mutant", paths=(str(target),), gie_version="v1.0.0")]).result
        crashed = [f for f in result.findings + old.findings if f.rule_id == "GIE999"]
        assert not crashed, (docs, crashed)


def _crashes(docs: list[Any], tmp_path: Path) -> list[Any]:
    target = tmp_path / "hostile.yaml"
    target.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    runs = [engine.run([engine.ScenarioSpec(name="hostile", paths=(str(target),), gie_version=version)]).result
            for version in ("v1.5.0", "v1.0.0")]
    return [f for run in runs for f in run.findings if f.rule_id == "GIE999"]


_EPP = ("Deployment", "vllm-qwen3-sim-epp")
_EPP_POD = ("spec", "template", "spec")
# Single replacements in the reference system that once crashed a rule or the engine (site in the comment).
KNOWN_SITES: list[tuple[tuple[str, str], tuple[Any, ...], Any]] = [
    (("Role", "vllm-qwen3-sim-epp-leader-election"), ("rules", 0, "apiGroups"), 5),  # stack.grants_leases
    (("Role", "vllm-qwen3-sim-epp-leader-election"), ("rules", 0, "resources"), True),  # stack.grants_leases
    (_EPP, (*_EPP_POD, "containers", 0, "ports", 0, "name"), ["grpc"]),  # epp_wiring._check_targetport
    (_EPP, (*_EPP_POD, "containers", 0, "ports", 0, "containerPort"), [9002]),  # epp_container GIE037
    (_EPP, (*_EPP_POD, "volumes", 0, "name"), ["x"]),  # epp_container._config_mount
    (_EPP, (*_EPP_POD, "containers", 0, "volumeMounts", 0, "name"), {"": None}),  # epp_container._config_mount
    (_EPP, (*_EPP_POD, "volumes", 0, "configMap", "name"), {"": None}),  # epp_container._config_mount
    (("ConfigMap", "vllm-qwen3-sim-epp-config"), ("data",), 1.5),  # epp_container._config_mount
    (("ConfigMap", "vllm-qwen3-sim-epp-config"), ("data",), [None]),  # epp_container._config_mount
    (_EPP, (*_EPP_POD, "containers", 0, "env"), 70000),  # eppargs.env_value
    (_EPP, (*_EPP_POD, "containers"), 1.5),  # epc._from_args, topology._workloads
    (_EPP, (*_EPP_POD, "containers", 0, "args", 2), "--grpc-port=²"),  # epp_wiring: "²".isdigit(), int() fails
    (_EPP, ("kind",), "a" * 300),  # schemas._core_file: the kind became a file name
]


@pytest.mark.parametrize(("owner", "path", "value"), KNOWN_SITES,
                         ids=[f"{o[0]}.{'.'.join(map(str, p))}={type(v).__name__}" for o, p, v in KNOWN_SITES])
def test_known_crash_sites(owner: tuple[str, str], path: tuple[Any, ...], value: Any, tmp_path: Path) -> None:
    docs = [d for f in REFERENCE for d in yaml.safe_load_all(f.read_text()) if d]
    index = next(i for i, d in enumerate(docs) if (d["kind"], d["metadata"]["name"]) == owner)
    docs[index] = _replace(docs[index], path, value)
    assert not _crashes(docs, tmp_path)


def test_wrong_shapes_outside_the_reference_system(tmp_path: Path) -> None:
    reference = [d for f in REFERENCE for d in yaml.safe_load_all(f.read_text()) if d]
    cases: dict[str, list[Any]] = {
        "List items": [{"apiVersion": "v1", "kind": "List", "items": 5}],
        "listener kinds": [{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "g"},
                            "spec": {"gatewayClassName": "c", "listeners": [
                                {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"kinds": 5}}]}}],
        "rewrite targets": [{"apiVersion": "inference.networking.x-k8s.io/v1alpha2", "kind": "InferenceModelRewrite",
                             "metadata": {"name": "r"},
                             "spec": {"poolRef": {"name": "vllm-qwen3-sim"}, "rules": [{"targets": 5}]}}],
        "profile plugins": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {
            "c.yaml": "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\n"
                      "schedulingProfiles:\n- name: a\n  plugins: 5\n"}}],
        "monitor namespaces": [d for d in reference if d["kind"] != "ClusterRoleBinding"] + [
            {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "m"},
             "spec": {"selector": {"matchLabels": {"app": "vllm-qwen3-sim-epp"}},
                      "namespaceSelector": {"matchNames": [["default"]]}}}],
    }
    for name, docs in cases.items():
        assert not _crashes(docs, tmp_path), name


def test_shape_readers_never_raise() -> None:
    from gie_lint.shape import decimal, dig

    assert decimal("9002") == 9002
    assert [decimal(v) for v in (" 9002", "+1", "²", "٣", "9" * 5000, 9002, None)] == [None] * 7
    assert dig({"env": [{"valueFrom": {"fieldRef": {"fieldPath": "x"}}}]}, "env", 0, "valueFrom", "fieldRef",
               "fieldPath") == "x"
    assert [dig({"a": 5}, "a", "b"), dig({"a": [1]}, "a", 1), dig([{"a": 1}], "a"), dig(None, "a")] == [None] * 4


def test_crashing_rule_becomes_a_finding() -> None:
    from gie_lint.rules.run.crashed import rule_crashed

    from tests.rules.crashing import crashing_test_rule

    target = ROOT / "examples" / "epp" / "service.yaml"
    spec = engine.ScenarioSpec(name="boom", paths=(str(target),))
    result = engine.run([spec], rules=[crashing_test_rule, rule_crashed]).result
    crashed = [f for f in result.findings if f.rule_id == "GIE999"]
    assert len(crashed) == 1
    assert "GIE998 crashing-test-rule could not check this object (TypeError" in crashed[0].message
    assert (crashed[0].file == str(target) and crashed[0].line >= 1
            and crashed[0].resource == "Service default/vllm-qwen3-sim-epp")
