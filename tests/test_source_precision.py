"""Source precision: Go templates in values are data (GIE903 only at YAML structure), envsubst placeholders by
evidence (GIE902 at the placeholder's column), kustomize patches are not objects, and kustomization directories
are linted as their `kubectl kustomize` render."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from gie_lint.cli.main import main
from gie_lint.engine import run as engine
from gie_lint.result import RunResult
from gie_lint.source.files import SourceFile, discover, read
from gie_lint.source.positions import Mark

from tests.conftest import under_ci

INPUTS = Path(__file__).resolve().parent / "inputs" / "precision"
APP = INPUTS / "kustomize" / "app"


def _read(text: str, variables: dict[str, str] | None = None, template: bool = False) -> SourceFile:
    return read("-", variables or {}, stdin=text.encode(), template=template)


def _issues(source: SourceFile) -> list[tuple[str, int, int]]:
    return [(issue.kind.value, issue.at.line, issue.at.column) for issue in source.issues]


def _lint(*paths: Path | str, variables: dict[str, str] | None = None) -> RunResult:
    spec = engine.ScenarioSpec(name="t", paths=tuple(str(p) for p in paths), variables=variables or {},
                               gie_version="v1.5.0")
    return engine.run([spec]).result


def _found(result: RunResult, rule_id: str) -> list[tuple[str, int, int]]:
    return [(f.file, f.line, f.column) for f in result.findings if f.rule_id == rule_id]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def need_kubectl() -> str:
    """kubectl on PATH; else skip locally, fail under CI (`.ci/run` installs it)."""
    found = shutil.which("kubectl")
    if found is None:
        if under_ci():
            pytest.fail("kubectl not on PATH (CI=true: the kustomize render tests may not skip)")
        pytest.skip("kubectl not on PATH")
    return found


# --- 1. Go templates: in values they are data; at YAML structure the file is not rendered ----------------------


def test_templates_inside_string_values_are_linted_as_usual() -> None:
    result = _lint(INPUTS / "render-with-injector.yaml")
    assert _found(result, "GIE903") == []
    assert result.resources == 3  # the injector ConfigMap, the LLMInferenceServiceConfig and the EPP
    (epp,) = [f for f in result.findings if f.rule_id == "GIE040"]  # the EPP stack is judged again
    assert (epp.line, epp.column) == (41, 3)


def test_template_values_are_kept_as_written() -> None:
    source = read(str(INPUTS / "render-with-injector.yaml"), {})
    assert source.issues == []
    injector, config, _ = (document.data for document in source.documents)
    assert "{{- if .Values.global.proxy.enabled }}" in injector["data"]["config"]
    assert injector["data"]["values"] == '{"global": {"hub": "{{ .Values.global.hub }}"}}'
    args = config["spec"]["router"]["scheduler"]["template"]["containers"][0]["args"]
    assert args[1] == "{{ ChildName .ObjectMeta.Name `-inference-pool` }}"


@pytest.mark.parametrize(("text", "at"), [
    # a flow node to YAML: the value of a key, a list item
    ("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n", (4, 13)),
    ("items:\n  - {{ $x }}\n", (2, 5)),
    # directive lines at a node position, at the top and inside a mapping
    ("{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n", (1, 1)),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  {{- include \"labels\" . | nindent 2 }}\n", (5, 3)),
    # a directive line YAML would fold into the plain scalar before it
    ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: hello\n    {{- if .Values.x }}\n", (5, 5)),
    # Helm's own names in a plain scalar
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: epp-{{ .Release.Name }}\n", (4, 13)),
    # a document that parses only once its templates are blanked out
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ template \"n\" }}-cm\n", (4, 9)),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Name }}-cm\n", (4, 9)),
    # a later document of a stream: still the whole file
    ("apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nspec: {{ .Spec }}\n", (6, 7)),
])
def test_template_syntax_where_yaml_structure_is_is_not_rendered(text: str, at: tuple[int, int]) -> None:
    source = _read(text)
    assert _issues(source) == [("template", *at)]
    assert source.documents == []


@pytest.mark.parametrize("text", [
    'apiVersion: v1\nkind: ConfigMap\ndata:\n  summary: "{{ $labels.instance }} is down"\n',
    "apiVersion: v1\nkind: ConfigMap\ndata:\n  t: |\n    {{- range .Items }}\n    {{ . }}\n    {{- end }}\n",
    "apiVersion: v1\nkind: ConfigMap\ndata:\n  t: >\n    {{ .A }}\n    {{ .B }}\n",
    "apiVersion: v1\nkind: ConfigMap\ndata:\n  alert: Pod {{ $labels.pod }} is down\n",  # plain, not Helm
    "apiVersion: v1\nkind: ConfigMap  # {{ .Values.not.a.template }}\n# {{- if .x }}\n",
    'apiVersion: v1\nkind: ConfigMap\ndata: {"{{ .Key }}": "{{ .Value }}"}\n',
])
def test_templates_in_values_and_comments_are_data(text: str) -> None:
    source = _read(text)
    assert source.issues == []
    assert [document.error for document in source.documents] == [None]


def test_a_syntax_error_beside_a_quoted_template_stays_a_syntax_error() -> None:
    source = _read('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "{{ .Name }}"\n  b: [unclosed\n')
    assert source.issues == []
    (document,) = source.documents
    assert document.error is not None and document.error.startswith("YAML syntax error")


def test_an_unrendered_helm_template_file_is_still_one_finding(tmp_path: Path) -> None:
    chart = tmp_path / "templates" / "deployment.yaml"
    chart.parent.mkdir()
    chart.write_text("{{- if .Values.epp.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                     "  name: {{ include \"epp.name\" . }}\n{{- end }}\n")
    result = engine.run([engine.ScenarioSpec(name="t", paths=(str(tmp_path),))]).result
    assert [(f.rule_id, f.line, f.column) for f in result.findings] == [("GIE903", 1, 1)]
    assert result.resources == 0


# --- 2. envsubst placeholders by evidence ------------------------------------------------------------------------


def test_placeholders_by_evidence_are_reported_at_their_column() -> None:
    name = str(INPUTS / "placeholders.yaml")
    result = _lint(name)
    assert _found(result, "GIE902") == [(name, 6, 14), (name, 28, 37), (name, 29, 32)]
    messages = [f.message for f in result.findings if f.rule_id == "GIE902"]
    assert [m.split("`")[1] for m in messages] == ["$NAMESPACE", "$EPP_IMAGE", "$POOL_NAME"]


def test_what_is_not_a_placeholder_is_left_as_written() -> None:
    source = read(str(INPUTS / "placeholders.yaml"), {})
    deployment, config = (document.data for document in source.documents)
    fetch, one_liner = deployment["spec"]["template"]["spec"]["initContainers"]
    assert "oauth2:$HUGGING_FACE_HUB_TOKEN@" in fetch["args"][0]
    assert one_liner["command"][2] == "echo $RANDOM > /tmp/seed"
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0]["value"].startswith("$2a$10$ABC") and env[1]["value"].endswith(":f:$LATEST")
    assert config["data"]["argocd"] == "$values/charts/epp/values.yaml"
    assert "$__rate_interval" in config["data"]["dashboard.json"]


@pytest.mark.parametrize("text", [
    "# set $E2E_NS first\nkind: X  # and $E2E_IMAGE\n",
    'command: ["sh", "-c", "echo $TOKEN"]\n',
    'command: [/usr/bin/env, bash]\nargs: ["-ec", "echo $TOKEN"]\n',
    'args: ["-c", "echo $TOKEN"]\n',  # the image's entrypoint is the shell
    "args:\n- |\n  if [ -n \"$TOKEN\" ]; then\n    echo ok\n  fi\n",
    "data:\n  run: |\n    set -e\n    echo $TOKEN\n",
    "steps:\n- script: echo $TOKEN\n",
    "data:\n  start.sh: exec app $TOKEN\n",
    "spec:\n  $patch: delete\n",
    'schema: {"$ref": "#/$defs/x", "$schema": "y"}\n',
    "expr: rate(x[$__rate_interval]) by ($__ALL)\n",
    "source: $values/values.yaml\nloop: adapter-$i\n",
    'hash: "$2b$12$ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ0"\n',
    "function: arn:aws:lambda:eu-west-1:1:function:f:$LATEST\n",
    "broken: [\n# $TOKEN\n",  # a document that does not parse: the comment is still a comment
])
def test_not_a_placeholder(text: str) -> None:
    source = _read(text)
    assert _issues(source) == []
    assert source.substitution is not None and source.substitution.text == text


def test_a_default_in_a_script_is_the_shells() -> None:
    text = 'command: ["sh", "-c", "echo ${HOME:-/root}"]\nns: ${NS:-default}\nns2: ${lower:-dflt}\n'
    assert _read(text).documents[0].data == {"command": ["sh", "-c", "echo ${HOME:-/root}"], "ns": "default",
                                             "ns2": "dflt"}


def test_named_variables_are_substituted_wherever_they_stand() -> None:
    text = '# $TOKEN\ncommand: ["sh", "-c", "echo $TOKEN $i"]\nname: $lower\n'
    data = _read(text, {"TOKEN": "t", "i": "1", "lower": "x"}).documents[0].data
    assert data == {"command": ["sh", "-c", "echo t 1"], "name": "x"}


def test_a_declared_template_takes_every_name_outside_comments() -> None:
    text = '# $IN_COMMENT\ncommand: ["sh", "-c", "echo $i"]\nspec:\n  $patch: delete\nimage: ${EPP_IMAGE}\n'
    assert _issues(_read(text)) == [("unresolved", 5, 8)]
    assert _issues(_read(text, template=True)) == [("unresolved", 2, 29), ("unresolved", 4, 3),
                                                  ("unresolved", 5, 8)]


def test_a_placeholder_in_a_broken_document_is_still_reported() -> None:
    source = _read("a: [${UNSET}\n")
    assert _issues(source) == [("unresolved", 1, 5)]
    assert source.documents[0].error is not None


@pytest.mark.parametrize("text", [
    "a: 1 # " + "$X " * 20000 + "\n",  # thousands of `$` on one line: in a comment,
    "a: [ " + "$X # " * 20000 + "\n",  # in a document that does not parse,
    "a: " + ":$X" * 20000 + "\n",  # glued (the hash and ARN look-behind is bounded),
    'a: "' + "{{ x }} # " * 20000 + '"\n',  # and `{{` in a value
])
def test_long_lines_cost_linear_time(text: str) -> None:
    start = time.process_time()
    _read(text)
    assert time.process_time() - start < 20


def test_config_templates_declare_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\ndata:\n  run: |\n    set -e\n    echo $token\n"
    for folder in ("tmpl", "plain"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "cm.yaml").write_text(text.format(folder))
    (tmp_path / ".gie-lint.yaml").write_text("templates: [tmpl/]\n")
    code, out, err = _cli(capsys, "check", "tmpl", "plain", "--format", "json")
    assert (code, err) == (0, "")
    findings = json.loads(out)["findings"]
    assert [(f["rule_id"], f["file"], f["line"], f["column"]) for f in findings] == [
        ("GIE902", "tmpl/cm.yaml", 8, 10)]
    code, out, _ = _cli(capsys, "config", "--show")
    assert 'templates: ["tmpl/"]  # .gie-lint.yaml:1' in out.splitlines()


def test_config_templates_must_be_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gie-lint.yaml").write_text("templates: tmpl/\n")
    code, _, err = _cli(capsys, "config", "--show")
    assert code == 2 and "invalid config at templates" in err and len(err.splitlines()) == 1


# --- 3. kustomize: patches are not objects; kustomization directories are rendered ------------------------------


def _overlay(tmp_path: Path) -> Path:
    """A folder with a kustomization whose patches are found beside it (listed three ways) and one inline patch."""
    overlay = tmp_path / "deploy" / "overlay"
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text(
        "resources:\n- service.yaml\npatches:\n- path: port.yaml\n- patch: |-\n    - op: remove\n"
        "      path: /spec/selector\n  target: {kind: Service}\npatchesStrategicMerge:\n- selector.yaml\n"
        "- |-\n  apiVersion: v1\n  kind: Service\n  metadata: {name: inline}\n"
        "patchesJson6902:\n- target: {version: v1, kind: Service, name: epp}\n  path: ops.yaml\n")
    (overlay / "service.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: epp\nspec:\n"
                                          "  selector: {app: epp}\n  ports: [{port: 9002}]\n")
    (overlay / "port.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: epp\nspec:\n"
                                       "  ports:\n  - $patch: replace\n    port: 9003\n")
    (overlay / "selector.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: epp\n")
    (overlay / "ops.yaml").write_text("- {op: add, path: /metadata/labels, value: {a: b}}\n")
    return overlay


def test_patch_files_listed_by_a_kustomization_are_not_objects(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    result = _lint(tmp_path / "deploy")
    assert result.files == 5 and result.resources == 1  # only service.yaml is an object
    (finding,) = [f for f in result.findings if f.rule_id == "GIE904"]
    assert (finding.file, finding.line, finding.column) == (str(overlay / "kustomization.yaml"), 4, 3)
    assert finding.message.endswith("the patch files it lists are not linted as objects either: "
                                    "port.yaml, selector.yaml, ops.yaml")
    assert not [f for f in result.findings if f.file != finding.file and f.rule_id != "GIE911"]


def test_a_patch_is_an_object_when_no_kustomization_in_the_set_lists_it(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    result = _lint(overlay / "port.yaml", overlay / "service.yaml")
    assert result.resources == 2
    assert any(f.rule_id == "GIE910" and f.file == str(overlay / "port.yaml") for f in result.findings)


def test_a_kustomization_without_patches_in_the_set_keeps_its_finding(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    result = _lint(overlay / "kustomization.yaml", overlay / "service.yaml")
    (finding,) = [f for f in result.findings if f.rule_id == "GIE904"]
    assert (finding.line, finding.column) == (1, 1)
    assert "patch" not in finding.message.split(")", 1)[1]


def test_discover_keeps_a_named_kustomization_directory_whole(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    assert discover([str(overlay)]) == [str(overlay)]  # read as its render
    assert discover([str(tmp_path / "deploy")]) == [str(overlay / name) for name in (
        "kustomization.yaml", "ops.yaml", "port.yaml", "selector.yaml", "service.yaml")]  # found in a folder: files


def test_kustomize_without_kubectl_is_one_line_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", "")
    code, out, err = _cli(capsys, "check", str(APP))
    assert (code, out) == (2, "")
    assert err == (f"gie-lint: {APP}: rendering a kustomization directory needs kubectl on PATH "
                   f"(or pipe a render: `kustomize build {APP} | gie-lint check -`)\n")


def test_kustomize_flag_needs_a_kustomization_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "check", "--kustomize", str(INPUTS))
    assert code == 2
    assert err == (f"gie-lint: --kustomize {INPUTS}: no kustomization.yaml, kustomization.yml, Kustomization "
                   "in that directory\n")


def _render_lines() -> list[str]:
    done = subprocess.run([need_kubectl(), "kustomize", str(APP)], capture_output=True, check=True)
    return done.stdout.decode().split("\n")


def _position(lines: list[str], needle: str) -> tuple[int, int]:
    (line,) = [number for number, text in enumerate(lines, start=1) if needle in text]
    return line, lines[line - 1].index(needle) + 1


@pytest.mark.parametrize("how", ["path", "--kustomize"])
def test_a_kustomization_directory_is_linted_as_its_render(how: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _render_lines()
    argv = [str(APP)] if how == "path" else ["--kustomize", str(APP)]
    code, out, err = _cli(capsys, "check", *argv, "--gie-version", "v1.5.0", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    (scenario,) = data["scenarios"]
    assert (scenario["files"], scenario["resources"]) == ([f"{APP} (kustomize)"], 2)
    placeholder = [f for f in data["findings"] if f["rule_id"] == "GIE902"]
    name = f"{APP} (kustomize)"
    assert [(f["file"], f["line"], f["column"]) for f in placeholder] == [(name, *_position(lines, "${EPP_IMAGE}"))]
    assert not [f for f in data["findings"] if f["rule_id"] == "GIE904"]  # rendered, not skipped


def test_a_render_piped_to_stdin_gives_the_same_findings(capsys: pytest.CaptureFixture[str]) -> None:
    rendered = "\n".join(_render_lines()).encode()
    spec = engine.ScenarioSpec(name="t", paths=("-",), gie_version="v1.5.0")
    piped = engine.run([spec], stdin=rendered).result
    direct = _lint(APP)
    assert [(f.rule_id, f.line, f.column) for f in piped.findings] == \
        [(f.rule_id, f.line, f.column) for f in direct.findings]
    assert {f.file for f in direct.findings} == {f"{APP} (kustomize)"}


def _render_source() -> SourceFile:
    need_kubectl()
    return read(str(APP), {})


def test_the_render_applies_the_patches() -> None:
    deployment = _render_source().documents[1].data
    assert deployment["spec"]["replicas"] == 3  # patchesStrategicMerge
    assert deployment["spec"]["template"]["spec"]["containers"][0]["args"] == ["--pool-name=vllm"]  # JSON 6902


def test_a_failing_render_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need_kubectl()
    (tmp_path / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    code, out, err = _cli(capsys, "check", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith(f"gie-lint: {tmp_path}: `kubectl kustomize` failed: ") and err.count("\n") == 1
    assert "missing.yaml" in err


def test_render_positions_are_lines_of_the_render() -> None:
    lines = _render_lines()
    source = _render_source()
    assert source.name == f"{APP} (kustomize)"
    assert list(source.lines) == lines
    assert [(issue.kind.value, issue.at) for issue in source.issues] == [
        ("unresolved", Mark(*_position(lines, "${EPP_IMAGE}")))]
