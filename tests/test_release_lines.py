"""Release lines: each EPP is judged by the release its image names (GIE, llm-d-router, lwepp), llm-d-router
facts judge llm-d-router EPPs and their configs, and images that are not an EPP are never taken for one."""

from __future__ import annotations

from pathlib import Path

import pytest
from gie_lint.cli.main import main
from gie_lint.engine import run as engine
from gie_lint.releases import builds
from gie_lint.result import Severity

ROOT = Path(__file__).resolve().parent.parent
STACK = (ROOT / "tests/inputs/llm-d-router/stack.yaml").read_text(encoding="utf-8")


def _lint(tmp_path: Path, text: str, **spec: str) -> engine.Run:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return engine.run([engine.ScenarioSpec(name="t", paths=(str(path),), **spec)])  # type: ignore[arg-type]


def _gie(run: engine.Run) -> list[tuple[str, int]]:
    """(rule, line) of every GIE-specific error and warning."""
    return sorted((f.rule_id, f.line) for f in run.result.findings
                  if f.rule_id < "GIE900" and f.severity >= Severity.WARNING)


def test_an_llm_d_router_stack_is_judged_by_llm_d_router_facts(tmp_path: Path) -> None:
    run = _lint(tmp_path, STACK)
    assert _gie(run) == []
    (epp,) = run.scenarios[0].topology.epps
    assert epp.release.label == "llm-d-router v0.10.0"
    config = run.scenarios[0].topology.configs[0]
    assert run.scenarios[0].judging(config).release.label == "llm-d-router v0.10.0"  # type: ignore[union-attr]


def test_the_disaggregation_sidecar_marks_a_model_server_not_an_epp(tmp_path: Path) -> None:
    topology = _lint(tmp_path, STACK).scenarios[0].topology
    assert [e.resource.name for e in topology.epps] == ["router-epp"]
    (pool,) = topology.pools
    assert [w.resource.name for w in topology.model_servers(pool) or []] == ["qwen-decode"]


def test_model_server_rules_run_on_decode_pods(tmp_path: Path) -> None:
    text = STACK.replace("        readinessProbe: {httpGet: {path: /health, port: 8200}}\n", "")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "name: vllm" in row)
    assert ("GIE013", line) in _gie(_lint(tmp_path, text))


def test_a_role_granting_pools_only_in_the_x_k8s_group_is_an_error_for_llm_d_router(tmp_path: Path) -> None:
    text = STACK.replace("- {apiGroups: [inference.networking.k8s.io], resources: [inferencepools]",
                         "- {apiGroups: [inference.networking.x-k8s.io], resources: [inferencepools]")
    errors = [f for f in _lint(tmp_path, text).result.findings if f.rule_id == "GIE050"]
    assert [(f.severity, f.line) for f in errors] == [(Severity.ERROR, 13)]
    assert "inferencepools in group inference.networking.k8s.io" in errors[0].message


def test_objectives_granted_only_in_the_older_group_are_enough(tmp_path: Path) -> None:
    """llm-d-router v0.9+ watches objectives in llm-d.ai and falls back to inference.networking.x-k8s.io."""
    text = STACK.replace("[llm-d.ai], resources: [inferenceobjectives", "[inference.networking.x-k8s.io], "
                         "resources: [inferenceobjectives")
    assert text != STACK and _gie(_lint(tmp_path, text)) == []


def test_a_go_flag_spelling_fails_on_the_pflag_build(tmp_path: Path) -> None:
    text = STACK.replace("args: [--pool-name, qwen,", "args: [-poolName, qwen,")
    assert {rule for rule, _ in _gie(_lint(tmp_path, text))} & {"GIE030", "GIE031"}


def test_a_plugin_type_llm_d_router_lacks_is_named_with_its_release(tmp_path: Path) -> None:
    text = STACK.replace("    - type: queue-scorer\n", "    - type: queue-scorer\n    - type: kv-cache-scorer\n")
    (finding,) = [f for f in _lint(tmp_path, text).result.findings if f.rule_id == "GIE062"]
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "kv-cache-scorer" in row)
    assert "llm-d-router v0.10.0" in finding.message and finding.line == line


def test_request_handler_is_a_field_of_llm_d_router_configs(tmp_path: Path) -> None:
    handler = "    requestHandler:\n      parsers: [{pluginRef: openai-parser}]\n"
    text = STACK.replace("    schedulingProfiles:\n", handler + "    schedulingProfiles:\n", 1)
    picker = "    - type: max-score-picker\n"
    text = text.replace(picker, picker + "    - type: openai-parser\n", 1)
    assert "requestHandler" in text and not [r for r, _ in _gie(_lint(tmp_path, text)) if r in ("GIE061", "GIE062")]


LWEPP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: lwepp, namespace: conf}
spec:
  selector: {matchLabels: {app: lwepp}}
  template:
    metadata: {labels: {app: lwepp}}
    spec:
      serviceAccountName: lwepp
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/lwepp:v1.6.0
        args: [--pool-name, p, --pool-namespace, conf]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: lwepp, namespace: conf}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: lwepp, namespace: conf}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
- {apiGroups: [inference.networking.k8s.io], resources: [inferencepools], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lwepp, namespace: conf}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: lwepp}
subjects: [{kind: ServiceAccount, name: lwepp, namespace: conf}]
"""


def test_lwepp_needs_only_pools_and_pods(tmp_path: Path) -> None:
    run = _lint(tmp_path, LWEPP)
    assert [(e.release.line.project, e.release.tag) for e in run.scenarios[0].topology.epps] == [("lwepp", "v1.6.0")]
    assert not [f for f in run.result.findings if f.rule_id in ("GIE050", "GIE051")]


def _gie_epp(name: str, image: str, args: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:{image}
        args: {args}
"""


def test_each_epp_is_judged_by_its_own_image(tmp_path: Path) -> None:
    """A v1.0.1 and a v0.5.1 EPP side by side: the v0.5.1 one keeps its camelCase (Go flag) spelling."""
    text = _gie_epp("new", "v1.0.1", "[--pool-name, a, --config-text, x]") + "---\n" + \
        _gie_epp("old", "v0.5.1", "[-poolName, b, -configText, x]")
    run = _lint(tmp_path, text)
    assert {e.resource.name: e.release.tag for e in run.scenarios[0].topology.epps} == {"new": "v1.0.0",
                                                                                           "old": "v0.5.1"}
    assert not [f for f in run.result.findings if f.rule_id in ("GIE030", "GIE031")]
    forced = _lint(tmp_path, text, gie_version="v1.0.0")
    assert {f.resource for f in forced.result.findings if f.rule_id == "GIE030"} == {"Deployment default/old"}


@pytest.mark.parametrize(("image", "line", "tag"), [
    ("ghcr.io/llm-d/llm-d-inference-scheduler:v0.7.1", "llm-d-router", "v0.7.0"),
    ("mirror.example/llm-d/llm-d-router-endpoint-picker:v0.9.0", "llm-d-router", "v0.9.0"),
    ("ghcr.io/llm-d/llm-d-router-endpoint-picker:main", "llm-d-router", "v0.11.0-main"),
    ("registry.k8s.io/gateway-api-inference-extension/epp:v1.4.2", "gie", "v1.4.0"),
    ("registry.k8s.io/gateway-api-inference-extension/lwepp:v1.6.0", "lwepp", "v1.6.0"),
])
def test_images_name_their_line_and_release(image: str, line: str, tag: str) -> None:
    build = builds.build_of(image)
    assert (build.line and build.line.project, build.release and build.release.tag) == (line, tag)


@pytest.mark.parametrize("image", ["ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0",
                                   "ghcr.io/llm-d/llm-d-routing-sidecar:v0.5.0",
                                   "ghcr.io/llm-d/llm-d-router-coordinator:v0.10.0"])
def test_other_llm_d_images_are_not_epps(image: str) -> None:
    assert not builds.is_epp_image(image) and builds.is_other_image(image)


def test_an_unwritten_tag_leaves_the_build_unknown() -> None:
    build = builds.build_of("ghcr.io/llm-d/llm-d-router-endpoint-picker:${EPP_TAG}")
    assert build.line is not None and not build.known


def test_an_unknown_gie_version_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--gie-version", "v2.0.0", str(ROOT / "examples/vllm")]) == 2
    err = capsys.readouterr().err
    assert "v2.0.0" in err and "v1.6.0" in err and len(err.strip().splitlines()) == 1


def test_versions_lists_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["versions", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_line: dict[str, list[str]] = {}
    for row in listed["releases"]:
        by_line.setdefault(row["line"], []).append(row["release"])
    assert by_line["gie"][0] == "v0.3.0" and "v0.10.0" in by_line["llm-d-router"] and by_line["lwepp"]
    assert "v1.6.1" in listed["gateway_api"]
    assert main(["versions"]) == 0 and "llm-d-router (llm-d-router):" in capsys.readouterr().out


def test_a_requested_llm_d_router_release_judges_every_llm_d_router_epp(tmp_path: Path) -> None:
    run = _lint(tmp_path, STACK, llm_d_router_version="v0.9.0")
    assert [e.release.label for e in run.scenarios[0].topology.epps] == ["llm-d-router v0.9.0"]


def test_explain_shows_the_p_d_role_of_model_servers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(STACK, encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert "model server     Deployment llm/qwen-decode (decode): 2 replicas" in out
    # the disaggregation sidecar's pod is a model server, not a second endpoint picker
    assert out.count("endpoint picker  Deployment") == 1
    assert "endpoint picker: Service llm/router-epp → Deployment llm/router-epp\n" in out


def test_lwepp_answers_only_its_own_health_service(tmp_path: Path) -> None:
    probes = "        livenessProbe: {grpc: {port: 9003, service: SERVICE}}\n"
    text = LWEPP.replace("        args: [--pool-name, p, --pool-namespace, conf]\n",
                         "        args: [--pool-name, p, --pool-namespace, conf]\n" + probes)
    assert [f.line for f in _lint(tmp_path, text.replace("SERVICE", "liveness")).result.findings
            if f.rule_id == "GIE036"] == [14]
    assert not [f for f in _lint(tmp_path, text.replace("SERVICE", "inference-extension")).result.findings
                if f.rule_id == "GIE036"]
