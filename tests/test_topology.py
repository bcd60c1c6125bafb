"""The topology stage: one place knows every workload kind's pod templates, and everyone reads it.

Regression cases from the time three modules each had their own list of pod-template paths: a
LeaderWorkerSet EPP was judged by another release than the same container in a Deployment, and a
`--config-text` finding on a LeaderWorkerSet pointed at its `spec:` line instead of the args item.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gie_lint.engine import run as engine
from gie_lint.releases import versions
from gie_lint.source.files import read
from gie_lint.source.resources import extract
from gie_lint.topology import resolve

EPP_CONTAINER = """      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:v1.0.0
        args:
        - --pool-name=p
        - --config-text
        - |
          apiVersion: inference.networking.x-k8s.io/v1alpha1
          kind: EndpointPickerConfig
          plugins:
          - type: kv-cache-scorer
          schedulingProfiles:
          - name: default
            plugins: [{pluginRef: kv-cache-scorer}]
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: epp}
spec:
  selector: {matchLabels: {app: epp}}
  template:
    metadata: {labels: {app: epp}}
    spec:
""" + EPP_CONTAINER
LEADER_WORKER_SET = """apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: epp}
spec:
  leaderWorkerTemplate:
    size: 1
    workerTemplate:
      metadata: {labels: {app: epp}}
      spec:
""" + EPP_CONTAINER.replace("\n      ", "\n        ").replace("      containers:", "        containers:", 1)


def _run(tmp_path: Path, text: str) -> engine.Run:
    path = tmp_path / "epp.yaml"
    path.write_text(text)
    return engine.run([engine.ScenarioSpec(name="t", paths=(str(path),))])


@pytest.mark.parametrize("manifest", [DEPLOYMENT, LEADER_WORKER_SET], ids=["Deployment", "LeaderWorkerSet"])
def test_epp_release_comes_from_the_image_of_any_workload_kind(tmp_path: Path, manifest: str) -> None:
    run = _run(tmp_path, manifest)
    scenario = run.result.scenarios[0]
    assert scenario.gie_version == "v1.0.0", scenario.gie_version_reason
    assert "EPP image tag v1.0.0" in scenario.gie_version_reason
    assert [e.release.tag for e in run.scenarios[0].topology.epps] == ["v1.0.0"]


@pytest.mark.parametrize("manifest", [DEPLOYMENT, LEADER_WORKER_SET], ids=["Deployment", "LeaderWorkerSet"])
def test_config_text_findings_point_into_the_args_item(tmp_path: Path, manifest: str) -> None:
    lines = manifest.splitlines()
    expected = next(i for i, line in enumerate(lines, start=1) if "- type: kv-cache-scorer" in line)
    found = [f for f in _run(tmp_path, manifest).result.findings if f.rule_id == "GIE062"]
    # v1.0.0 renamed kv-cache-scorer: reported on the `type:` inside the inline config, whatever holds it.
    assert [(f.line, f.column) for f in found] == [(expected, lines[expected - 1].index("type") + 1)]


def test_pod_templates_of_every_workload_kind(tmp_path: Path) -> None:
    text = "\n---\n".join(f"""apiVersion: {api}
kind: {kind}
metadata: {{name: w}}
spec:
{body}""" for api, kind, body in [
        ("batch/v1", "CronJob", "  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
         "        metadata: {labels: {app: x}}\n        spec: {containers: [{name: c, image: i}]}"),
        ("v1", "Pod", "  containers: [{name: c, image: i}]"),
        ("leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet",
         "  leaderWorkerTemplate:\n    leaderTemplate: {spec: {containers: [{name: l, image: i}]}}\n"
         "    workerTemplate: {spec: {containers: [{name: w, image: i}]}}"),
    ])
    path = tmp_path / "w.yaml"
    path.write_text(text)
    topology = resolve(list(extract(read(str(path), {}, None), "default")), versions.release("v1.5.0"))
    found = [(w.resource.kind, w.pod_spec_path[-2] if len(w.pod_spec_path) > 1 else "", w.containers[0].data["name"])
             for w in topology.workloads]
    assert found == [("CronJob", "template", "c"), ("Pod", "", "c"), ("LeaderWorkerSet", "workerTemplate", "w"),
                     ("LeaderWorkerSet", "leaderTemplate", "l")]
    assert [w.resource.kind for w in topology.pods_matching("default", {"app": "x"})] == ["CronJob"]


def test_a_scalar_no_yaml_client_accepts_is_a_finding_on_its_document_only(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: !!bool maybe}\n")
    good = tmp_path / "good.yaml"
    good.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: \"80\"}]}\n")
    result = engine.run([engine.ScenarioSpec(name="t", paths=(str(bad), str(good)))]).result
    found = {(f.rule_id, Path(f.file).name, f.line, f.column) for f in result.findings}
    assert ("GIE900", "bad.yaml", 4, 11) in found
    assert any(rule == "GIE910" and file == "good.yaml" for rule, file, _, _ in found)  # the good file still linted


def test_the_issue_command_exits_1_with_a_finding_not_a_traceback(capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from gie_lint.cli.main import main

    stdin = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: !!bool maybe}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["check", "--config", str(Path(__file__).parent / "inputs" / "empty-config.yaml"), "-",
                 "--allow-empty"])  # the one document is a YAML error, so 0 resources
    out, err = capsys.readouterr()
    assert code == 1 and not err
    assert "<stdin>:4:11: error GIE900 yaml-syntax: YAML error: `maybe` is not a valid !!bool" in out


def test_cronjob_replicas_come_from_its_job_template() -> None:
    from gie_lint.topology.replicas import count

    text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n" \
           "  jobTemplate:\n    spec:\n      parallelism: 4\n      template: {spec: {containers: []}}\n"
    (resource,) = list(extract(read("-", {}, text.encode()), "default"))
    replicas = count(resource, None)
    assert (replicas.count, replicas.path) == (4, ("spec", "jobTemplate", "spec", "parallelism"))


def test_an_ignore_annotation_on_a_cronjob_pod_template_is_read() -> None:
    from gie_lint.engine.suppress import from_annotations

    text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n" \
           "      template:\n        metadata:\n          annotations: {gie-lint.io/ignore: 'GIE040: on purpose'}\n"
    (resource,) = list(extract(read("-", {}, text.encode()), "default"))
    assert [(s.rule, s.line) for s in from_annotations(resource)] == [("GIE040", 9)]
