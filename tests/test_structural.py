"""lint/schema/structural.py: defaults, CEL rules and list types, on the committed schemas and on small ones."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from gie_lint.schema import structural
from gie_lint.schema.structural import StructuralChecker, cel_property_name, parse_field_path

from tests.conftest import need_shared

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
PORT_MESSAGE = "port is required when kind is 'Service' or unspecified (defaults to 'Service')"


def committed(tag: str, name: str) -> dict[str, Any]:
    return json.loads((ROOT / "schemas" / "gie" / tag / name).read_text())


V1_POOL_FILE = "inferencepool_inference.networking.k8s.io_v1.json"


def pool(**spec: Any) -> dict[str, Any]:
    base = {"selector": {"matchLabels": {"app": "vllm"}}, "targetPorts": [{"number": 8000}],
            "endpointPickerRef": {"name": "epp", "port": {"number": 9002}}}
    base.update(spec)
    return {"apiVersion": "inference.networking.k8s.io/v1", "kind": "InferencePool",
            "metadata": {"name": "pool"}, "spec": base}


def with_rules(*rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"a": {"type": "object", "x-kubernetes-validations": list(rules), **extra}}}


def test_endpoint_picker_ref_without_port_fails_the_cel_rule() -> None:
    checker = StructuralChecker(committed("v1.0.0", V1_POOL_FILE))
    result = checker.check(pool(endpointPickerRef={"name": "epp"}))  # kind omitted: defaults to Service
    assert [(v.path, v.keyword, v.message) for v in result.violations] == [
        (("spec", "endpointPickerRef"), "x-kubernetes-validations", PORT_MESSAGE)]
    assert result.violations[0].detail == "self.kind != 'Service' || has(self.port)"
    assert result.unevaluated == []


def test_port_message_is_the_crds_own() -> None:
    crd = (SHARED / "crds" / "gateway-api-inference-extension" / "v1.0.0"
           / "inference.networking.k8s.io_inferencepools.yaml")
    need_shared(crd)
    import yaml

    text = json.dumps(yaml.safe_load(crd.read_text()))
    assert json.dumps(PORT_MESSAGE)[1:-1] in text


def test_other_kind_needs_no_port_and_valid_pool_passes() -> None:
    checker = StructuralChecker(committed("v1.0.0", V1_POOL_FILE))
    assert checker.check(pool(endpointPickerRef={"name": "epp", "kind": "Deployment"})).violations == []
    assert checker.check(pool()).violations == []


def test_defaults_are_applied_to_a_copy() -> None:
    checker = StructuralChecker(committed("v1.1.0", V1_POOL_FILE))
    doc = pool(endpointPickerRef={"name": "epp"})
    before = copy.deepcopy(doc)
    ref = checker.apply_defaults(doc)["spec"]["endpointPickerRef"]
    assert ref == {"name": "epp", "kind": "Service", "group": "", "failureMode": "FailClose"}
    assert doc == before


def test_duplicate_target_ports_at_v1_1_0() -> None:
    checker = StructuralChecker(committed("v1.1.0", V1_POOL_FILE))
    result = checker.check(pool(targetPorts=[{"number": 8000}, {"number": 8001}, {"number": 8000}]))
    assert [(v.path, v.message) for v in result.violations] == [(("spec", "targetPorts"), "port number must be unique")]
    assert checker.check(pool(targetPorts=[{"number": 8000}, {"number": 8001}])).violations == []


def test_list_map_duplicates_in_pool_status() -> None:
    checker = StructuralChecker(committed("v1.1.0", V1_POOL_FILE))
    condition = {"type": "Accepted", "status": "True", "reason": "Accepted", "message": "",
                 "lastTransitionTime": "2025-01-01T00:00:00Z"}
    doc = pool()
    conditions = [condition, dict(condition, status="False")]
    doc["status"] = {"parents": [{"parentRef": {"name": "gw"}, "conditions": conditions}]}
    result = checker.check(doc)
    assert [(v.path, v.keyword, v.detail) for v in result.violations] == [
        (("status", "parents", 0, "conditions", 1), "x-kubernetes-list-type", 'type="Accepted"')]
    assert "unique `type`" in result.violations[0].message


def test_list_map_and_set_on_a_small_schema() -> None:
    schema = {"type": "object", "properties": {
        "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"],
                  "items": {"type": "object", "properties": {"port": {"type": "integer"},
                                                             "protocol": {"type": "string", "default": "TCP"}}}},
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}}}
    checker = StructuralChecker(schema)
    doc = {"ports": [{"port": 80}, {"port": 80, "protocol": "UDP"}, {"port": 80, "protocol": "TCP"}],
           "tags": ["a", "b", "a", "a"]}
    got = [(v.path, v.detail) for v in checker.check(doc).violations]
    assert got == [(("ports", 2), 'port=80, protocol="TCP"'), (("tags", 2), '"a"'), (("tags", 3), '"a"')]


def test_unevaluable_rules_are_counted_not_passed() -> None:
    checker = StructuralChecker(with_rules(
        {"rule": "self.frobnicate() == 1", "message": "unknown function"},
        {"rule": "self.value.startsWith('x')", "message": "missing key"},
        {"rule": "self.n + 'x' == 'y'", "message": "type error"},
        {"rule": "self.n ==", "message": "syntax"},
        {"rule": "self.n", "message": "not a boolean"},
    ))
    result = checker.check({"a": {"n": 1}})
    assert result.violations == []
    reasons = {rule: reason for path, rule, reason in result.unevaluated}
    assert all(path == ("a",) for path, _, _ in result.unevaluated)
    assert reasons["self.frobnicate() == 1"] == "unsupported function or variable: frobnicate"
    assert reasons["self.value.startsWith('x')"] == "no such key: value"
    assert reasons["self.n + 'x' == 'y'"].startswith("type error:")
    assert reasons["self.n =="].startswith("cannot compile:")
    assert reasons["self.n"] == "rule returned int, not a boolean"


def test_transition_rules_are_skipped_and_counted() -> None:
    checker = StructuralChecker(with_rules({"rule": "self == oldSelf", "message": "immutable"},
                                           {"rule": "has(self.n)", "message": "n required"}))
    result = checker.check({"a": {"m": 1}})
    assert result.skipped_transition_rules == 1
    assert [v.message for v in result.violations] == ["n required"]


def test_field_path_and_default_message() -> None:
    checker = StructuralChecker(with_rules({"rule": "self.n > 1", "fieldPath": ".n"}, {"rule": "self.n > 5"}))
    result = checker.check({"a": {"n": 1}})
    assert [(v.path, v.message) for v in result.violations] == [
        (("a",), "failed rule: self.n > 5"), (("a", "n"), "failed rule: self.n > 1")]
    assert parse_field_path(".spec.labels['a.b/c'][2]") == ("spec", "labels", "a.b/c", 2)


def test_kubernetes_split_function_and_map_keys() -> None:
    rule = {"rule": 'self.all(key, key.split("/")[0].size() < 5)', "message": "prefix too long"}
    schema = {"type": "object", "properties": {"labels": {
        "type": "object", "additionalProperties": {"type": "string"}, "x-kubernetes-validations": [rule]}}}
    checker = StructuralChecker(schema)
    assert checker.check({"labels": {"ab/c": "x"}}).violations == []
    result = checker.check({"labels": {"abcdefg/c": "x"}})
    assert [v.message for v in result.violations] == ["prefix too long"] and result.unevaluated == []


def test_reserved_property_names_are_escaped_for_cel() -> None:
    assert cel_property_name("namespace") == "__namespace__"
    assert cel_property_name("a-b.c") == "a__dash__b__dot__c"
    schema = {"type": "object", "properties": {"ref": {
        "type": "object", "properties": {"namespace": {"type": "string"}},
        "x-kubernetes-validations": [{"rule": "has(self.__namespace__)", "message": "namespace required"}]}}}
    checker = StructuralChecker(schema)
    assert checker.check({"ref": {"namespace": "a"}}).violations == []
    assert [v.message for v in checker.check({"ref": {}}).violations] == ["namespace required"]


def test_refs_are_resolved() -> None:
    schema = {"type": "object", "properties": {"x": {"$ref": "#/$defs/X"}, "y": {"$ref": "ext.json#/$defs/Y"}},
              "$defs": {"X": {"type": "object", "x-kubernetes-validations": [{"rule": "self.n < 3", "message": "x"}]}}}
    external = {"$defs": {"Y": {"type": "array", "x-kubernetes-list-type": "set"}}}
    checker = StructuralChecker(schema, {"https://example.com/ext.json": external})
    result = checker.check({"x": {"n": 5}, "y": [1, 1]})
    assert [(v.path, v.keyword) for v in result.violations] == [
        (("x",), "x-kubernetes-validations"), (("y", 1), "x-kubernetes-list-type")]


def test_recursive_refs_terminate() -> None:
    schema = {"$ref": "#/$defs/Node", "$defs": {"Node": {
        "type": "object", "x-kubernetes-validations": [{"rule": "self.v < 10", "message": "too big"}],
        "properties": {"v": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}}}
    checker = StructuralChecker(schema)
    result = checker.check({"v": 1, "children": [{"v": 2, "children": [{"v": 30}]}]})
    assert [(v.path, v.message) for v in result.violations] == [(("children", 0, "children", 0), "too big")]


def test_type_errors_block_cel_below_them() -> None:
    checker = StructuralChecker(committed("v1.1.0", V1_POOL_FILE))
    doc = pool(targetPorts=[{"number": "8000"}, {"number": "8000"}])
    result = checker.check(doc, skip_cel_under=[("spec", "targetPorts", 0, "number")])
    assert result.violations == []
    assert [(p, why) for p, _, why in result.unevaluated] == [
        (("spec", "targetPorts"), "not evaluated: this value has type errors")]


def test_work_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(structural, "MAX_LIST_FOR_CEL", 3)
    checker = StructuralChecker(committed("v1.1.0", V1_POOL_FILE))
    result = checker.check(pool(targetPorts=[{"number": n} for n in range(1, 6)]))
    assert [why for _, _, why in result.unevaluated] == ["not evaluated: list of 5 items is too large"]
    monkeypatch.setattr(structural, "MAX_EVALUATIONS", 0)
    result = checker.check(pool())
    assert {why for _, _, why in result.unevaluated} == {"not evaluated: budget of 0 evaluations spent"}


def test_compact_tree_skips_schemas_without_extensions() -> None:
    assert not StructuralChecker({"type": "object", "properties": {"a": {"type": "string"}}}).has_checks
    assert StructuralChecker(committed("v1.1.0", V1_POOL_FILE)).has_checks


def test_cel_is_imported_without_its_cli() -> None:
    """lint/schema/cel.py skips `cel`'s interactive CLI at import, yet `import cel.cli` still works after."""
    code = ("import sys, gie_lint.schema.structural, gie_lint.schema.cel\n"
            "assert 'cel.cli' not in sys.modules and not hasattr(sys.modules['cel'], 'cli')\n"
            "assert gie_lint.schema.structural.parse_field_path is gie_lint.schema.cel.parse_field_path\n"
            "import cel.cli\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
