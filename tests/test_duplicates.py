"""Duplicate identities (GIE930): files applied together hold one object per identity, the last copy.

The field case (issue 8): istio's gateway testdata folder brings a `Gateway istio-system/gateway` in every file;
one copy was used silently and routes of other files were judged against it, and copies of one route were
each judged. Now the later copies are reported, the cross-file rules see the last copy only (what
`kubectl apply` of the files in order leaves), and the per-object rules still judge every copy.
"""

from __future__ import annotations

from pathlib import Path

from gie_lint.engine import run as engine
from gie_lint.result import Finding

from tests.reporting_helpers import BAD_POOL

GATEWAY = """apiVersion: gateway.networking.k8s.io/{version}
kind: Gateway
metadata:
  name: gateway
  namespace: istio-system
spec:
  gatewayClassName: istio
  listeners:
  - {{name: {listener}, port: 80, protocol: HTTP}}
"""
ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {name}
  namespace: istio-system
spec:
  parentRefs: [{{name: gateway, sectionName: {section}}}]
  rules: [{{backendRefs: [{{name: svc, port: 80}}]}}]
"""
LEGACY_POOL = BAD_POOL.replace("targetPorts: [{number: 8000}]", "targetPortNumber: 8000")  # GIE002
EPP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: epp
spec:
  selector: {{matchLabels: {{app: epp}}}}
  template:
    metadata: {{labels: {{app: epp}}}}
    spec:
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:{tag}
        args: [--pool-name=pool]
"""


def _write(folder: Path, files: dict[str, str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return [str(folder / name) for name in sorted(files)]


def _run(*paths: str, gie_version: str | None = "v1.5.0") -> engine.Run:
    return engine.run([engine.ScenarioSpec(name="t", paths=paths, gie_version=gie_version)])


def _of(result: engine.Run, rule_id: str) -> list[Finding]:
    return [f for f in result.result.findings if f.rule_id == rule_id]


def _at(findings: list[Finding], root: Path) -> list[tuple[str, int, int]]:
    return [(str(Path(f.file).relative_to(root)), f.line, f.column) for f in findings]


def test_each_later_copy_is_reported_once_naming_the_first(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"a.yaml": GATEWAY.format(version="v1", listener="http"),
                              "b.yaml": GATEWAY.format(version="v1beta1", listener="https"),
                              "c.yaml": GATEWAY.format(version="v1", listener="grpc")})
    found = _of(_run(tmp_path.as_posix()), "GIE930")
    assert _at(found, tmp_path) == [("b.yaml", 4, 3), ("c.yaml", 4, 3)]  # at the name; a.yaml, the first, is quiet
    a, c = paths[0], paths[2]
    assert [f.message for f in found] == [
        f"also defined at {a}:4 (as gateway.networking.k8s.io/v1, the same API group): applied together, a later "
        f"copy overwrites an earlier one; it is overwritten in turn by {c}:4, the copy the cross-object checks "
        "judge (lint unrelated files with --per-file)",
        f"also defined at {a}:4: applied together, a later copy overwrites an earlier one; this copy, the last "
        "applied, is the one the cross-object checks judge (lint unrelated files with --per-file)"]
    assert {f.resource for f in found} == {"Gateway istio-system/gateway"}


def test_the_topology_holds_the_last_copy_only(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"a.yaml": GATEWAY.format(version="v1", listener="http"),
                              "b.yaml": GATEWAY.format(version="v1beta1", listener="https")})
    topology = _run(*paths).scenarios[0].topology
    assert [r.file for r in topology.of_kind("Gateway")] == [paths[1]]
    assert [g.resource.file for g in topology.routing.gateways] == [paths[1]]
    assert [r.file for r in topology.resources] == [paths[1]]
    assert [r.file for r in topology.read] == paths  # what the engine counts and reads suppressions from
    assert [r.file for r in topology.each_copy("Gateway")] == paths  # what per-object rules judge
    assert [(d.copy.file, d.first.file, d.kept.file) for d in topology.duplicates] == [(paths[1], paths[0], paths[1])]


def test_routes_are_judged_against_the_last_gateway_copy(tmp_path: Path) -> None:
    """Applied together, the route of a.yaml meets the Gateway of b.yaml: that is the finding, never a mix."""
    paths = _write(tmp_path, {"a.yaml": GATEWAY.format(version="v1", listener="http") + "---\n"
                              + ROUTE.format(name="route-a", section="http"),
                              "b.yaml": GATEWAY.format(version="v1", listener="https") + "---\n"
                              + ROUTE.format(name="route-b", section="https")})
    run = _run(*paths)
    assert _at(_of(run, "GIE072"), tmp_path) == [("a.yaml", 17, 16)]
    assert "has no listener named `http` (listeners: https:80)" in _of(run, "GIE072")[0].message
    assert _at(_of(run, "GIE930"), tmp_path) == [("b.yaml", 4, 3)]


def test_copies_do_not_multiply_cross_file_findings(tmp_path: Path) -> None:
    """Two copies of a Gateway and of a route whose sectionName it lacks: one GIE072, on the copy that counts."""
    text = GATEWAY.format(version="v1", listener="http") + "---\n" + ROUTE.format(name="route", section="https")
    _write(tmp_path, {"a.yaml": text, "b.yaml": text})
    run = _run(tmp_path.as_posix())
    assert _at(_of(run, "GIE072"), tmp_path) == [("b.yaml", 17, 16)]
    assert _at(_of(run, "GIE930"), tmp_path) == [("b.yaml", 4, 3), ("b.yaml", 14, 3)]
    assert run.result.resources == 4  # every copy is counted as checked


def test_per_object_rules_judge_every_copy(tmp_path: Path) -> None:
    _write(tmp_path, {"a.yaml": LEGACY_POOL, "b.yaml": LEGACY_POOL})
    run = _run(tmp_path.as_posix())
    assert _at(_of(run, "GIE002"), tmp_path) == [("a.yaml", 7, 3), ("b.yaml", 7, 3)]
    assert _at(_of(run, "GIE930"), tmp_path) == [("b.yaml", 4, 3)]


def test_a_file_named_twice_is_one_copy(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"a.yaml": GATEWAY.format(version="v1", listener="http")})
    run = _run(paths[0], paths[0], tmp_path.as_posix())
    assert _of(run, "GIE930") == []
    assert len(run.scenarios[0].topology.resources) == 1


def test_identity_is_group_kind_namespace_name(tmp_path: Path) -> None:
    """Same name in another namespace, kind or API group: other objects. No name (generateName): never a copy.
    A namespace written as the default one equals none written; a cluster-scoped kind ignores a namespace."""
    base = "apiVersion: {av}\nkind: {kind}\nmetadata: {{name: {name}{ns}}}\n"
    docs = [base.format(av="v1", kind="ConfigMap", name="x", ns=""),
            base.format(av="v1", kind="ConfigMap", name="x", ns=", namespace: llm"),
            base.format(av="v1", kind="Secret", name="x", ns=""),
            base.format(av="rbac.authorization.k8s.io/v1", kind="ClusterRole", name="x", ns=""),
            base.format(av="inference.networking.x-k8s.io/v1alpha2", kind="InferencePool", name="x", ns=""),
            base.format(av="inference.networking.k8s.io/v1", kind="InferencePool", name="x", ns=""),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: y-}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: y-}\n"]
    copies = [base.format(av="v1", kind="ConfigMap", name="x", ns=", namespace: default"),
              base.format(av="rbac.authorization.k8s.io/v1", kind="ClusterRole", name="x", ns=", namespace: llm")]
    _write(tmp_path, {"a.yaml": "---\n".join(docs), "b.yaml": "---\n".join(copies)})
    found = _of(_run(tmp_path.as_posix()), "GIE930")
    assert [(Path(f.file).name, f.line, f.resource) for f in found] == [("b.yaml", 3, "ConfigMap default/x"),
                                                                       ("b.yaml", 7, "ClusterRole x")]


def test_the_release_is_read_from_the_copy_that_counts(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"a.yaml": EPP.format(tag="v1.5.0"), "b.yaml": EPP.format(tag="v1.0.0")})
    run = _run(*paths, gie_version=None)
    scenario = run.result.scenarios[0]
    assert scenario.gie_version == "v1.0.0"
    assert f"{paths[1]}:12" in scenario.gie_version_reason and paths[0] not in scenario.gie_version_reason


def test_an_annotation_on_a_middle_copy_suppresses_its_finding(tmp_path: Path) -> None:
    """The middle copy is in no index, but the engine reads suppressions from every copy."""
    note = "  annotations: {gie-lint.io/ignore: 'GIE930: the rollout guide shows each step'}\n"
    middle = GATEWAY.format(version="v1", listener="https").replace("  namespace: istio-system\n",
                                                                     "  namespace: istio-system\n" + note)
    _write(tmp_path, {"a.yaml": GATEWAY.format(version="v1", listener="http"), "b.yaml": middle,
                      "c.yaml": GATEWAY.format(version="v1", listener="grpc")})
    run = _run(tmp_path.as_posix())
    assert _at(_of(run, "GIE930"), tmp_path) == [("c.yaml", 4, 3)]
    assert [(Path(s.finding.file).name, s.reason) for s in run.result.suppressed] == [
        ("b.yaml", "the rollout guide shows each step")]
    assert not [f for f in run.result.findings if f.rule_id == "GIE920"]  # the suppression was used
