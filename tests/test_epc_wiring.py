"""EndpointPickerConfig facts per release and the container → config wiring (lint/topology/config_wiring.py)."""

from __future__ import annotations

from pathlib import Path

from gie_lint.engine import run as engine
from gie_lint.releases import plugins as epc_facts
from gie_lint.releases import versions

_MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
  plugins.yaml: |
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    plugins: [{type: queue-scorer}]
  other.yaml: |
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    plugins: [{type: prefix-cache-scorer}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: by-items}
spec:
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:v1.3.0
        args: [--config-file=/etc/epp/renamed.yaml]
        volumeMounts: [{name: c, mountPath: /etc/epp/}]
      volumes: [{name: c, configMap: {name: cfg, items: [{key: plugins.yaml, path: renamed.yaml}]}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: by-subpath}
spec:
  template:
    metadata: {labels: {app: b}}
    spec:
      containers:
      - name: epp
        image: ghcr.io/llm-d/llm-d-inference-scheduler:v0.4.0
        args: [--config-file, /config.yaml]
        volumeMounts: [{name: c, mountPath: /config.yaml, subPath: other.yaml}]
      volumes: [{name: c, configMap: {name: cfg}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: inline}
spec:
  template:
    metadata: {labels: {app: c}}
    spec:
      containers:
      - name: epp
        image: $EPP_IMAGE
        args:
        - --config-text
        - |
          apiVersion: inference.networking.x-k8s.io/v1alpha1
          kind: EndpointPickerConfig
          plugins: [{type: queue-scorer}]
"""


def test_registry_follows_renames() -> None:
    v1_0, v1_5 = versions.release("v1.0.0"), versions.release("v1.5.0")
    assert "kv-cache-utilization-scorer" in epc_facts.registered(v1_0)
    assert "kv-cache-scorer" not in epc_facts.registered(v1_0)
    assert "core-metrics-extractor" in epc_facts.registered(v1_5)
    assert "model-server-protocol-metrics" not in epc_facts.registered(v1_5)
    assert epc_facts.roles(v1_5, "vllmgrpc-parser") == ["parser"]
    assert "prepareDataPlugins" in epc_facts.feature_gates(versions.release("v1.4.0"))
    assert "prepareDataPlugins" not in epc_facts.feature_gates(v1_5)


def test_every_plugin_fact_is_well_formed() -> None:
    for name, entry in epc_facts.fact("plugins").items():
        assert entry["roles"] and versions.parse(entry["since"]), name
        if "replaced_by" in entry:
            assert entry["replaced_by"] in epc_facts.fact("plugins"), name


def test_consumers_follow_items_subpath_and_config_text(tmp_path: Path) -> None:
    manifest = tmp_path / "epp.yaml"
    manifest.write_text(_MANIFEST)
    scenario = engine.run([engine.ScenarioSpec(name="t", paths=(str(manifest),), gie_version="v1.3.0")]).scenarios[0]
    topology = scenario.topology
    loaded = {c.host_path[-1] if c.host.kind == "ConfigMap" else "inline":
              [w.resource.name for w, _ in topology.wiring.consumers(c)] for c in topology.configs}
    assert loaded == {"plugins.yaml": ["by-items"], "other.yaml": ["by-subpath"], "inline": ["inline"]}
    judged = {c.host_path[-1] if c.host.kind == "ConfigMap" else "inline":
              (judging.release.label if (judging := scenario.judging(c)) else None) for c in topology.configs}
    # other.yaml is loaded by an llm-d scheduler older than the llm-d-router data: no release judges it
    assert judged == {"plugins.yaml": "GIE v1.3.0", "other.yaml": None, "inline": "GIE v1.3.0"}
