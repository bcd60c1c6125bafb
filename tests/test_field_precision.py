"""False alarms found on field trees (llm-d-router's deploy/ and test/ folders, kind environments), each as a
small manifest of our own: what must stay silent, and the true finding next to it that must not."""

from __future__ import annotations

from pathlib import Path

from gie_lint.engine import run as engine


def _rules(tmp_path: Path, text: str, **spec: str) -> list[tuple[str, int]]:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    run = engine.run([engine.ScenarioSpec(name="t", paths=(str(path),), **spec)])  # type: ignore[arg-type]
    return sorted((f.rule_id, f.line) for f in run.result.findings)


LOOSE_LLMD_CONFIG = """apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: approx-prefix-cache-producer
- type: prefix-cache-scorer
  parameters: {prefixMatchInfoProducerName: approx-prefix-cache-producer}
- type: max-score-picker
requestHandler:
  parsers: [{pluginRef: openai-parser}]
schedulingProfiles:
- name: default
  plugins: [{pluginRef: prefix-cache-scorer}, {pluginRef: max-score-picker}]
"""


def test_a_loose_config_with_llm_d_router_fields_is_judged_by_llm_d_router(tmp_path: Path) -> None:
    found = {rule for rule, _ in _rules(tmp_path, LOOSE_LLMD_CONFIG)}
    assert not found & {"GIE061", "GIE062", "GIE067"}, found
    # the same file with a field no release has is still an error
    broken = LOOSE_LLMD_CONFIG.replace("requestHandler:", "requestHandlers:")
    assert "GIE061" in {rule for rule, _ in _rules(tmp_path, broken)}


POOL = """apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: p}
spec:
  selector: {matchLabels: {app: "${POOL_NAME}"}}
  targetPorts: [{number: 8000}]
  endpointPickerRef: {name: p-epp, port: {number: 9002}}
"""


def test_a_placeholder_value_is_gie902s_not_a_schema_error(tmp_path: Path) -> None:
    found = _rules(tmp_path, POOL)
    assert ("GIE902", 5) in found and not [r for r, _ in found if r in ("GIE006", "GIE910")]
    assert ("GIE006", 5) in _rules(tmp_path, POOL.replace('"${POOL_NAME}"', '"-bad-"'))


OBJECTIVE = """apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceObjective
metadata: {name: chat}
spec: {priority: 1, poolRef: {name: p}}
"""


def test_without_a_named_release_an_object_is_judged_by_its_own_api_version(tmp_path: Path) -> None:
    assert "GIE080" not in {rule for rule, _ in _rules(tmp_path, OBJECTIVE)}
    assert "GIE080" in {rule for rule, _ in _rules(tmp_path, OBJECTIVE, gie_version="v1.6.0")}


EPP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: epp}
spec:
  selector: {matchLabels: {app: epp}}
  template:
    metadata: {labels: {app: epp}}
    spec:
      containers:
      - name: epp
        image: ${EPP_IMAGE}
        args: [--pool-name, p, --allow-experimental-plugins, FLAG]
"""


def test_an_image_of_no_known_line_may_use_any_lines_flags(tmp_path: Path) -> None:
    assert "GIE030" not in {rule for rule, _ in _rules(tmp_path, EPP.replace(", FLAG", ""), gie_version="v1.5.0")}
    assert ("GIE030", 12) in _rules(tmp_path, EPP.replace("FLAG", "--no-such-flag"), gie_version="v1.5.0")


LE_OFF = """apiVersion: apps/v1
kind: Deployment
metadata: {name: epp}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: epp}}
  template:
    metadata: {labels: {app: epp}}
    spec:
      serviceAccountName: epp
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0
        args: [--pool-name, p, --ha-enable-leader-election=false]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: epp-le}
rules: [{apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: epp-le}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: epp-le}
subjects: [{kind: ServiceAccount, name: epp, namespace: default}]
"""


def test_leader_election_switched_off_on_one_replica_is_deliberate(tmp_path: Path) -> None:
    assert "GIE043" not in {rule for rule, _ in _rules(tmp_path, LE_OFF.replace("REPLICAS", "1"))}
    assert "GIE043" in {rule for rule, _ in _rules(tmp_path, LE_OFF.replace("REPLICAS", "2"))}
