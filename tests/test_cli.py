"""lint/cli/main.py end to end: exit codes, text and JSON output, usage errors, the real process.

Most tests run from a temporary working directory so the repository's `.gie-lint.yaml` (found by walking
up from the cwd) does not leak in; the reference-scenario tests run from the repository root on purpose.
The byte-for-byte goldens of every format are in tests/test_goldens.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gie_lint.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
INPUTS = Path(__file__).resolve().parent / "inputs"
BROKEN_ARGS = ["check", "examples/broken", "--gie-version", "v1.5.0"]

FINDING = re.compile(
    r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info) "
    r"(?P<id>GIE\d{3}) (?P<name>[a-z0-9]+(?:-[a-z0-9]+)*): (?P<message>\S.*?)"
    r"(?: \[(?P<kind>[A-Za-z][A-Za-z0-9]*) (?:(?P<namespace>[a-z0-9][-a-z0-9]*)/)?(?P<resource>[^\]\s]+)\])?$"
)
SUMMARY = re.compile(r"^\d+ files, \d+ resources checked: (?P<total>\d+) findings? "
                     r"\((?P<error>\d+) errors, (?P<warning>\d+) warnings, (?P<info>\d+) info\)$")
_SCRUBBED = ("GIE_LINT_DEBUG", "MANIFEST_PATH", "PYTHONPATH", "GITHUB_ACTIONS", "FORCE_COLOR", "CLICOLOR_FORCE")
FINDING_KEYS = {"rule_id", "rule_name", "severity", "message", "file", "line", "column", "resource"}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIE_LINT_DEBUG", "MANIFEST_PATH", "GITHUB_ACTIONS", "FORCE_COLOR", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cwd with no .gie-lint.yaml above it, holding copies of tests/inputs."""
    here = tmp_path / "work"
    shutil.copytree(INPUTS, here)
    monkeypatch.chdir(here)
    return here


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, err = _run(capsys, *argv, "--format", "json")
    assert err == ""
    return code, json.loads(out)


def _process(*argv: str, cwd: Path, stdin: bytes | None = None, seed: str = "0") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONHASHSEED"] = seed
    return subprocess.run([sys.executable, "-m", "gie_lint", *argv], cwd=cwd, input=stdin, env=env,
                          capture_output=True, timeout=120)


def _finding_lines(out: str) -> list[re.Match[str]]:
    return [m for m in (FINDING.match(line) for line in out.splitlines()) if m]


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# --- reference system ------------------------------------------------------------------------------


def test_reference_scenarios_are_clean(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = _run(capsys, "check")
    assert (code, err) == (0, "")
    lines = [line for line in out.splitlines() if not line.startswith("  EPP ")]  # each EPP's own release
    assert lines[0].startswith("scenario default: GIE v1.5.0")
    assert lines[1].startswith("scenario leader-election: GIE v1.5.0")
    assert lines[-1].endswith("0 findings (0 errors, 0 warnings, 0 info)")
    assert ": 0 findings" in lines[-1]
    assert _finding_lines(out) == []


@pytest.mark.parametrize("scenario", ["default", "leader-election"])
def test_each_reference_scenario_alone(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                       scenario: str) -> None:
    monkeypatch.chdir(ROOT)
    code, data = _json(capsys, "check", "--scenario", scenario, "--fail-on", "info")
    assert code == 0
    assert [s["name"] for s in data["scenarios"]] == [scenario]
    assert data["findings"] == []
    assert data["scenarios"][0]["resources"] > 5


def test_broken_examples_fail_with_formatted_lines(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = _run(capsys, *BROKEN_ARGS)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith("scenario (paths): GIE v1.5.0 (--gie-version v1.5.0)")
    body = lines[1:-1]
    assert body, out
    for line in body:
        match = FINDING.match(line)
        assert match, f"not `file:line:col: severity GIEnnn name: message [Kind ns/name]`: {line}"
        assert match["file"].startswith("examples/broken/")
        assert match["kind"] and match["namespace"] == "default" and match["resource"], line
        assert int(match["line"]) >= 1 and int(match["column"]) >= 1
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    assert int(summary["total"]) == len(body)
    assert int(summary["error"]) == sum(1 for line in body if FINDING.match(line)["severity"] == "error")
    found = {(m["file"], int(m["line"]), m["id"]) for m in _finding_lines(out)}
    assert ("examples/broken/pool-v1-legacy-fields.yaml", 17, "GIE002") in found
    assert ("examples/broken/pool-v1-legacy-fields.yaml", 18, "GIE002") in found
    assert ("examples/broken/pool-epp-ref-without-port.yaml", 21, "GIE005") in found
    assert ("examples/broken/epc-data-section-on-v1.5.yaml", 21, "GIE061") in found  # inside the ConfigMap's block
    assert ("examples/broken/objective-criticality.yaml", 17, "GIE082") in found


def test_findings_are_sorted(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, data = _json(capsys, *BROKEN_ARGS)
    keys = [(f["file"], f["line"], f["column"], f["rule_id"]) for f in data["findings"]]
    assert keys == sorted(keys)


# --- JSON ------------------------------------------------------------------------------------------


def test_json_document_shape(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, data = _json(capsys, *BROKEN_ARGS)
    assert code == 1
    assert {"format_version", "tool", "scenarios", "findings", "summary"} <= set(data)
    assert isinstance(data["format_version"], int)
    assert data["tool"]["name"] == "gie-lint"
    (scenario,) = data["scenarios"]
    assert scenario["gie_version"] == "v1.5.0"
    broken = sorted(f"examples/broken/{p.name}"
                    for p in (ROOT / "examples" / "broken").iterdir() if p.suffix == ".yaml")
    assert scenario["files"] == broken
    assert data["findings"]
    for finding in data["findings"]:
        assert FINDING_KEYS <= set(finding)
        assert re.fullmatch(r"GIE\d{3}", finding["rule_id"])
        assert finding["severity"] in ("error", "warning", "info")
        assert isinstance(finding["line"], int) and finding["line"] >= 1
        assert isinstance(finding["column"], int) and finding["column"] >= 1
        assert finding["file"].startswith("examples/broken/")
        assert finding["message"].strip()
        assert isinstance(finding["resource"], str)
    summary = data["summary"]
    for severity in ("error", "warning", "info"):
        assert summary[severity] == sum(1 for f in data["findings"] if f["severity"] == severity)
    assert summary["files"] == len(broken)


def test_json_and_text_report_the_same_findings(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = _run(capsys, *BROKEN_ARGS)
    _, data = _json(capsys, *BROKEN_ARGS)
    from_text = [(m["file"], int(m["line"]), int(m["column"]), m["severity"], m["id"], m["name"])
                 for m in _finding_lines(out)]
    from_json = [(f["file"], f["line"], f["column"], f["severity"], f["rule_id"], f["rule_name"])
                 for f in data["findings"]]
    assert from_text == from_json


def test_json_file_level_finding_has_null_resource(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(capsys, "check", "helm-template.yaml", "--allow-empty")
    assert code == 0
    (finding,) = data["findings"]
    assert finding["rule_name"] == "template-not-rendered"
    assert finding["resource"] is None
    assert (finding["file"], finding["line"]) == ("helm-template.yaml", 6)


# --- the InferencePool spec ------------------------------------------------------------------


def test_v1_pool_with_v1alpha2_fields_gets_gie002_at_those_lines(workdir: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(capsys, "check", "pool-v1-legacy-fields.yaml", "--gie-version", "v1.5.0")
    assert code == 1
    gie002 = [f for f in data["findings"] if f["rule_id"] == "GIE002"]
    assert {f["severity"] for f in gie002} == {"error"}
    lines = sorted(f["line"] for f in gie002)
    path = workdir / "pool-v1-legacy-fields.yaml"
    assert lines == [_line_of(path, "targetPortNumber:"), _line_of(path, "selector:")]
    assert all(f["column"] == 3 for f in gie002)
    assert all(f["resource"] == "InferencePool default/legacy-pool" for f in gie002)
    assert any("targetPortNumber" in f["message"] for f in gie002)
    assert any("selector" in f["message"] and "matchLabels" in f["message"] for f in gie002)


def test_same_pool_as_v1alpha2_on_v0_5_1_is_clean(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(capsys, "check", "pool-v1alpha2.yaml", "--gie-version", "v0.5.1", "--fail-on", "info")
    assert code == 0
    assert data["findings"] == []
    assert data["scenarios"][0]["gie_version"] == "v0.5.1"
    assert data["scenarios"][0]["resources"] == 1


def test_v1alpha2_pool_is_not_clean_on_v1_5(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(capsys, "check", "pool-v1alpha2.yaml", "--gie-version", "v1.5.0")
    assert code == 1
    assert any(f["rule_id"] == "GIE001" for f in data["findings"])


def test_v1_pool_epp_ref_without_port_gets_gie005(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(capsys, "check", "pool-epp-ref-no-port.yaml", "--gie-version", "v1.5.0")
    assert code == 1
    (gie005,) = [f for f in data["findings"] if f["rule_id"] == "GIE005"]
    assert gie005["severity"] == "error"
    assert gie005["line"] == _line_of(workdir / "pool-epp-ref-no-port.yaml", "endpointPickerRef:")
    assert gie005["column"] == 3


def test_columns_map_back_through_substitution(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = ("spec: {selector: {matchLabels: {app: ${APP_LABEL_VALUE}}}, targetPortNumber: 8000, "
            "endpointPickerRef: {name: e, port: {number: 9002}}}")
    (workdir / "flow.yaml").write_text("apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\n"
                                       "metadata: {name: p}\n" + line + "\n")
    code, data = _json(capsys, "check", "flow.yaml", "--gie-version", "v1.5.0", "--var", "APP_LABEL_VALUE=a")
    assert code == 1
    (finding,) = [f for f in data["findings"] if f["rule_id"] == "GIE002"]
    assert (finding["line"], finding["column"]) == (4, line.index("targetPortNumber") + 1)


def test_crlf_file_positions(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert b"\r\n" in (workdir / "crlf-duplicate.yaml").read_bytes()
    code, data = _json(capsys, "check", "crlf-duplicate.yaml")
    assert code == 1
    (finding,) = data["findings"]
    assert (finding["rule_name"], finding["line"], finding["column"]) == ("duplicate-key", 5, 3)
    assert "first at line 4" in finding["message"]


# --- --fail-on -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "fail_on", "expected"), [
    ("warning-only.yaml", None, 0),
    ("warning-only.yaml", "error", 0),
    ("warning-only.yaml", "warning", 1),
    ("warning-only.yaml", "info", 1),
    ("info-only.yaml", None, 0),
    ("info-only.yaml", "warning", 0),
    ("info-only.yaml", "info", 1),
    ("pool-v1-legacy-fields.yaml", "error", 1),
])
def test_fail_on(workdir: Path, capsys: pytest.CaptureFixture[str], fixture: str, fail_on: str | None,
                 expected: int) -> None:
    argv = ["check", fixture, "--gie-version", "v1.5.0"] + (["--fail-on", fail_on] if fail_on else [])
    code, out, err = _run(capsys, *argv)
    assert err == ""
    assert code == expected
    severities = {m["severity"] for m in _finding_lines(out)}
    if fixture == "warning-only.yaml":
        assert severities == {"warning"}
    elif fixture == "info-only.yaml":
        assert severities == {"info"}


def test_var_resolves_the_warning(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", "warning-only.yaml", "--fail-on", "warning",
                        "--var", "UNSET_NAMESPACE_FOR_TESTS=team")
    assert code == 0
    assert _finding_lines(out) == []


# --- usage errors: exit 2, one line, no traceback ----------------------------------------------------


def _assert_usage_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gie-lint: ")
    return lines[0]


def test_missing_path(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "warning-only.yaml", "does-not-exist.yaml"))
    assert "does-not-exist.yaml" in line


@pytest.mark.parametrize("pair", ["NOEQUALS", "=value"])
def test_bad_var_syntax(workdir: Path, capsys: pytest.CaptureFixture[str], pair: str) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "warning-only.yaml", "--var", pair))
    assert "--var" in line and pair in line


def test_unknown_scenario(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    line = _assert_usage_error(*_run(capsys, "check", "--scenario", "no-such-scenario"))
    assert "no-such-scenario" in line
    assert "default" in line  # names the defined ones


@pytest.mark.parametrize("version", ["banana", "v1.x", "latest", "v0.1.0"])
def test_bad_gie_version(workdir: Path, capsys: pytest.CaptureFixture[str], version: str) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "warning-only.yaml", "--gie-version", version))
    assert version in line


def test_config_with_unknown_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "--config", "config-unknown-key.yaml", "warning-only.yaml"))
    assert re.search(r"config-unknown-key\.yaml:\d+", line), line
    assert "unknown_setting" in line


def test_config_unknown_key_points_at_the_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "--config", "config-unknown-key.yaml", "warning-only.yaml"))
    expected = _line_of(workdir / "config-unknown-key.yaml", "unknown_setting:")
    assert f"config-unknown-key.yaml:{expected}:" in line


def test_config_nested_error_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "nested.yaml").write_text("scenarios:\n  one:\n    files: [warning-only.yaml]\n  two:\n    files: []\n")
    line = _assert_usage_error(*_run(capsys, "check", "--config", "nested.yaml", "--scenario", "two"))
    assert re.search(r"nested\.yaml:5:", line), line


def test_config_unknown_key_in_a_scenario(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "scenario-key.yaml").write_text("scenarios:\n  one:\n    files: [warning-only.yaml]\n    bogus: 1\n")
    line = _assert_usage_error(*_run(capsys, "check", "--config", "scenario-key.yaml", "--scenario", "one"))
    assert "scenario-key.yaml:4:5:" in line
    assert "bogus" in line


def test_config_yaml_syntax_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "broken-config.yaml").write_text("gie_version: v1.5.0\nscenarios: [oops\n")
    line = _assert_usage_error(*_run(capsys, "check", "--config", "broken-config.yaml", "warning-only.yaml"))
    assert re.search(r"broken-config\.yaml:\d+", line), line


def test_missing_config_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "--config", "nope.yaml", "warning-only.yaml"))
    assert "nope.yaml" in line


def test_nothing_to_lint_without_config(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _assert_usage_error(*_run(capsys, "check"))


def test_paths_and_scenario_together(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _assert_usage_error(*_run(capsys, "check", "--scenario", "default", "examples/epp"))


def test_bad_kubernetes_version_is_a_usage_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _assert_usage_error(*_run(capsys, "check", "warning-only.yaml", "--kubernetes-version", "bogus"))
    assert "internal error" not in line


def test_argparse_errors_exit_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "check", "warning-only.yaml", "--format", "xml")
    assert code == 2 and out == "" and "Traceback" not in err
    code, _, _ = _run(capsys, "check", "warning-only.yaml", "--fail-on", "never")
    assert code == 2
    code, _, _ = _run(capsys)
    assert code == 2


@pytest.mark.parametrize("argv", [
    ["check", "does-not-exist.yaml"],
    ["check", "warning-only.yaml", "--var", "NOEQUALS"],
    ["check", "warning-only.yaml", "--gie-version", "banana"],
    ["check", "--config", "config-unknown-key.yaml", "warning-only.yaml"],
], ids=["missing-path", "bad-var", "bad-version", "bad-config"])
def test_usage_errors_in_a_real_process(workdir: Path, argv: list[str]) -> None:
    result = _process(*argv, cwd=workdir)
    assert result.returncode == 2
    assert result.stdout == b""
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1 and err.startswith("gie-lint: "), err


# --- stdin, templates, the real process --------------------------------------------------------------


def test_binary_stdin_in_a_real_process(tmp_path: Path) -> None:
    result = _process("check", "-", "--allow-empty", cwd=tmp_path, stdin=b"\x00\xff")
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in out + err
    assert err == ""
    findings = _finding_lines(out)
    assert len(findings) == 1, out
    assert findings[0]["file"] == "<stdin>"
    assert findings[0]["name"] == "file-unreadable"
    assert result.returncode == 1  # file-unreadable is an error


def test_yaml_on_stdin_in_a_real_process(tmp_path: Path) -> None:
    pool = (INPUTS / "pool-v1-legacy-fields.yaml").read_bytes()
    result = _process("check", "-", "--gie-version", "v1.5.0", "--format", "json", cwd=tmp_path, stdin=pool)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert {(f["file"], f["line"]) for f in data["findings"] if f["rule_id"] == "GIE002"} == {
        ("<stdin>", 7), ("<stdin>", 8)}


def test_empty_stdin(tmp_path: Path) -> None:
    result = _process("check", "-", cwd=tmp_path, stdin=b"")
    err = result.stderr.decode()
    assert result.returncode == 2  # nothing to lint is an error unless --allow-empty
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("gie-lint: ")
    allowed = _process("check", "-", "--allow-empty", cwd=tmp_path, stdin=b"")
    assert allowed.returncode == 0
    assert allowed.stderr == b""
    assert _finding_lines(allowed.stdout.decode()) == []


def test_helm_template_file_is_one_finding_line(workdir: Path) -> None:
    result = _process("check", "helm-template.yaml", "--allow-empty", cwd=workdir)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in out + err
    assert err == ""
    (finding,) = _finding_lines(out)
    assert finding["file"] == "helm-template.yaml"
    assert finding["line"] == "6"
    assert finding["id"] == "GIE903" and finding["severity"] == "warning"
    assert result.returncode == 0  # a warning does not fail by default


def _snapshot(*paths: Path) -> dict[str, tuple[str, int]]:
    files = [p for path in paths for p in ([path] if path.is_file() else sorted(path.rglob("*"))) if p.is_file()]
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}


def test_inputs_are_never_modified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "copy"
    shutil.copytree(INPUTS, work)
    watched = (ROOT / "examples", ROOT / ".gie-lint.yaml", work)
    before = _snapshot(*watched)
    assert len(before) > 20
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0
    assert main(BROKEN_ARGS) == 1
    assert main(["check", "examples", "--format", "json"]) in (0, 1)
    monkeypatch.chdir(work)
    assert main(["check", ".", "--var", "UNSET_NAMESPACE_FOR_TESTS=ns", "--fail-on", "info"]) == 1
    capsys.readouterr()
    assert _snapshot(*watched) == before
    assert sorted(p.name for p in work.iterdir()) == sorted(p.name for p in INPUTS.iterdir())  # nothing written


@pytest.mark.slow
def test_output_is_deterministic_across_processes() -> None:
    first = _process(*BROKEN_ARGS, "--format", "json", cwd=ROOT, seed="1")
    second = _process(*BROKEN_ARGS, "--format", "json", cwd=ROOT, seed="2")
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    scenarios_a = _process("check", cwd=ROOT, seed="3")
    scenarios_b = _process("check", cwd=ROOT, seed="4")
    assert scenarios_a.stdout == scenarios_b.stdout
    assert scenarios_a.returncode == 0


def test_output_is_deterministic_in_process(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runs = [_run(capsys, "check", "examples", "--gie-version", "v1.5.0") for _ in range(2)]
    assert runs[0] == runs[1]


# --- rules -----------------------------------------------------------------------------------------


def test_rules_lists_gie001(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "rules")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert any(re.match(r"^GIE001\s+pool-apiversion-known\s+error\s+\S", line) for line in lines), out
    ids = [line.split()[0] for line in lines]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert {"GIE002", "GIE005", "GIE900", "GIE906"} <= set(ids)


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "rules", "--format", "json")
    assert (code, err) == (0, "")
    rules = json.loads(out)
    assert isinstance(rules, list)
    by_id = {rule["id"]: rule for rule in rules}
    assert len(by_id) == len(rules)
    assert by_id["GIE001"]["name"] == "pool-apiversion-known"
    assert by_id["GIE906"]["name"] == "file-unreadable"
    for rule in rules:
        assert {"id", "name", "severity", "scope", "summary"} <= set(rule)
        assert rule["severity"] in ("error", "warning", "info")
    text_ids = [line.split()[0] for line in _run(capsys, "rules")[1].splitlines()]
    assert [rule["id"] for rule in rules] == text_ids


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert code == 0
    assert out.startswith("gie-lint ")


def test_zero_resources_is_exit_2_even_with_findings(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unrendered chart folder: a GIE903 warning, 0 resources; it must not pass CI (exit 0) as it used to."""
    (workdir / "chart").mkdir()
    (workdir / "chart" / "deployment.yaml").write_text("{{- if .Values.epp }}\nkind: Deployment\n{{- end }}\n")
    code, out, err = _run(capsys, "check", "chart")
    assert code == 2 and "GIE903" in out
    assert err == ("gie-lint: 0 resources checked in 1 file: nothing to lint "
                   "(pass --allow-empty to accept an empty input)\n")
    code, out, err = _run(capsys, "check", "chart", "--allow-empty")
    assert (code, err) == (0, "") and "GIE903" in out  # a warning, below --fail-on error


def test_exit_zero_reports_but_passes(capsys: pytest.CaptureFixture[str]) -> None:
    broken = str(ROOT / "examples" / "broken" / "pool-v1-legacy-fields.yaml")
    code, out, _ = _run(capsys, "check", broken)
    assert code == 1 and "error GIE002" in out
    code, out, _ = _run(capsys, "check", "--exit-zero", broken)
    assert code == 0 and "error GIE002" in out
    code, _, err = _run(capsys, "check", "--exit-zero", str(ROOT / "missing.yaml"))
    assert code == 2 and "missing.yaml" in err  # I/O errors still fail


def test_counts_are_singular_and_plural(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "check", str(ROOT / "examples" / "broken" / "pool-v1-legacy-fields.yaml"))
    assert "1 file, 1 resource checked: 2 findings (2 errors, 0 warnings, 0 info)" in out
    assert "1 file, 1 resource, 2 findings" in out  # the scenario header
    _, out, _ = _run(capsys, "check", str(ROOT / "examples" / "broken" / "objective-criticality.yaml"))
    assert "1 finding (0 errors, 1 warning, 0 info)" in out


def test_file_local_runs_only_what_one_file_settles(capsys: pytest.CaptureFixture[str]) -> None:
    """A partial set of files: linted together they report the files that are missing (GIE041, GIE020)."""
    files = [str(ROOT / "examples" / "epp-leader-election" / "deployment.yaml"),
             str(ROOT / "examples" / "epp" / "rbac.yaml"), str(ROOT / "examples" / "epp" / "inferencepool.yaml")]
    code, out, _ = _run(capsys, "check", *files)
    assert code == 1 and "error GIE041" in out and "error GIE020" in out
    code, out, _ = _run(capsys, "check", "--file-local", *files)
    assert code == 0 and "GIE041" not in out and "GIE020" not in out
    broken = str(ROOT / "examples" / "broken" / "pool-v1-legacy-fields.yaml")
    code, out, _ = _run(capsys, "check", "--file-local", broken)
    assert code == 1 and "error GIE002" in out  # per-object rules still run


def test_config_shows_without_show(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = _run(capsys, "config")
    assert code == 0 and out == _run(capsys, "config", "--show")[1] and "gie_version:" in out


def test_help_lists_exit_codes_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ((), ("check",)):
        code, out, _ = _run(capsys, *argv, "--help")
        assert code == 0 and "exit codes:" in out and "examples:" in out
        assert "  2  usage, config or I/O error" in out
    assert "lowest severity that makes the exit code 1" in _run(capsys, "check", "--help")[1]  # --fail-on help


def test_did_you_mean_for_flags_and_scenarios(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = _run(capsys, "check", "--fial-on", "warning", "x.yaml")
    assert code == 2 and err.rstrip().endswith("unrecognized arguments: --fial-on (did you mean --fail-on?)")
    code, _, err = _run(capsys, "check", "--bogus-flag")
    assert code == 2 and "did you mean" not in err  # no hint when nothing is close
    monkeypatch.chdir(ROOT)
    code, _, err = _run(capsys, "check", "--scenario", "defualt")
    assert code == 2 and "unknown scenario 'defualt' (did you mean 'default'? defined: default, leader-election)" in err
