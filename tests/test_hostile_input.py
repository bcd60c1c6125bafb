"""Hostile input files (issue 11, item 4): each ends in a finding or a one-line exit-2 error, in bounded time.

Inputs are small and generated in tmp_path. Cases that could kill the interpreter (a C stack overflow) run the
CLI in a subprocess, so a segfault fails the test rather than the test runner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gie_lint.cli.main import main

GOOD = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: 5\n"  # one GIE910 finding


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gie_lint", *args], capture_output=True, text=True, timeout=timeout,
                          check=False)


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"]


@pytest.mark.parametrize("text", ["[" * 30000, "- " * 100000, "a: " + "{b: " * 25000 + "c" + "}" * 25000 + "\n",
                                  "[" * 300 + "]" * 300, "?" + " ?" * 20000 + " x\n",
                                  "".join(" " * i + "k:\n" for i in range(3000)) + " " * 3000 + "v\n"],
                         ids=["open-brackets", "dashes", "flow-25k", "flow-300", "complex-keys", "indented-3k"])
def test_deep_nesting_is_a_finding_not_a_segfault(text: str, tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text(text)
    (tmp_path / "good.yaml").write_text(GOOD)
    proc = _cli("check", "--format", "json", str(tmp_path / "deep.yaml"), str(tmp_path / "good.yaml"))
    assert proc.returncode in (0, 1), proc.stderr  # a segfault is -11 (or 139)
    findings = json.loads(proc.stdout)["findings"]
    deep = [f for f in findings if f["file"].endswith("deep.yaml")]
    assert [f["rule_id"] for f in deep] == ["GIE900"]
    assert "deeper than 200 levels" in deep[0]["message"] or "syntax" in deep[0]["message"]
    assert any(f["file"].endswith("good.yaml") for f in findings)  # the other file keeps its findings


@pytest.mark.parametrize("text", ['a: !!int ""\n', "a: !!float _\n", "a: !!bool ''\n",
                                  "? 0x" + "f" * 4000 + "\n: 1\n", "a: 1" + "0" * 4400 + "\n",
                                  "? 1" + "0" * 309 + "\n: x\n"],
                         ids=["int", "float", "bool", "hex-key", "long-int", "int-key-1e309"])
def test_bad_scalars_are_findings_on_their_document_only(text: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ok}}\n---\n{text}")
    (tmp_path / "good.yaml").write_text(GOOD)
    _, findings = _json(capsys, str(tmp_path / "bad.yaml"), str(tmp_path / "good.yaml"))
    bad = [f for f in findings if f["file"].endswith("bad.yaml")]
    assert [(f["rule_id"], f["line"]) for f in bad] == [("GIE900", 5)]
    assert any(f["file"].endswith("good.yaml") for f in findings)
    assert not [f for f in findings if f["rule_id"] == "GIE999"]


def test_huge_listener_port_does_not_crash_cel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gw.yaml").write_text(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n"
        "  gatewayClassName: c\n  listeners:\n  - name: http\n    protocol: HTTP\n    port: 1" + "0" * 309 + "\n")
    (tmp_path / "good.yaml").write_text(GOOD)
    code, findings = _json(capsys, str(tmp_path / "gw.yaml"), str(tmp_path / "good.yaml"))
    assert code == 1
    assert [(f["rule_id"], f["line"]) for f in findings if f["file"].endswith("gw.yaml")] == [("GIE900", 9)]
    assert any(f["file"].endswith("good.yaml") for f in findings)


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    (root / "locked").mkdir(parents=True)
    (root / "good.yaml").write_text(GOOD)
    (root / "secret.yaml").write_text(GOOD.replace("name: s", "name: t"))
    (root / "locked" / "a.yaml").write_text(GOOD.replace("name: s", "name: u"))
    return root


def test_fifos_sockets_and_devices_are_findings_never_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    root = _tree(tmp_path)
    os.mkfifo(root / "x.yaml")
    os.mkfifo(tmp_path / "direct.yaml")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock.yaml"))
        real_open = os.open
        opened: list[str] = []
        monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
        _, findings = _json(capsys, str(root), str(tmp_path / "direct.yaml"), "/dev/null")
    unreadable = {Path(f["file"]).name: f["message"] for f in findings if f["rule_id"] == "GIE906"}
    assert unreadable == {"x.yaml": "a named pipe (FIFO), not a file: not read",
                          "direct.yaml": "a named pipe (FIFO), not a file: not read",
                          "sock.yaml": "a socket, not a file: not read",
                          "null": "a character device, not a file: not read"}
    assert not [p for p in opened if p.endswith(("x.yaml", "direct.yaml", "sock.yaml", "null"))]
    assert any(f["file"].endswith("good.yaml") for f in findings)


def test_fifo_given_directly_ends_in_bounded_time(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.yaml")
    proc = _cli("check", "-q", "--allow-empty", str(tmp_path / "x.yaml"), timeout=30)  # hung forever before
    assert proc.returncode == 1 and "GIE906" in proc.stdout and not proc.stderr


def test_unreadable_files_folders_and_links_are_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    os.symlink("nowhere.yaml", root / "dangling.yaml")
    os.symlink("loop.yaml", root / "loop.yaml")
    if os.geteuid() == 0:  # chmod 000 does not stop root: refuse in-process instead
        real_open, real_scandir = os.open, os.scandir

        def refuse(path: object) -> None:
            if str(path).endswith(("secret.yaml", "locked")):
                raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(os, "open", lambda path, *a, **k: refuse(path) or real_open(path, *a, **k))
        monkeypatch.setattr(os, "scandir", lambda path=".": refuse(path) or real_scandir(path))
    else:
        (root / "secret.yaml").chmod(0)
        (root / "locked").chmod(0)
    try:
        code, findings = _json(capsys, str(root))
    finally:
        (root / "secret.yaml").chmod(0o644)
        (root / "locked").chmod(0o755)
    unreadable = {Path(f["file"]).name: f["message"] for f in findings if f["rule_id"] == "GIE906"}
    assert unreadable == {"secret.yaml": "not readable (Permission denied); not linted",
                          "locked": "folder not readable (Permission denied): the files in it are not linted",
                          "dangling.yaml": "dangling symbolic link (its target does not exist); not linted",
                          "loop.yaml": "symbolic link loop; not linted"}
    assert code == 1 and any(f["file"].endswith("good.yaml") and f["rule_id"] == "GIE910" for f in findings)


_HOSTILE_NAME = b"bad\xff\x1b[2J\x07\x08\x7f\xc2\x9b\n::error file=a.yaml,line=1::injected.yaml"


def test_undecodable_and_control_character_names_are_shown_safely_in_every_format(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    folder = tmp_path / "m"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/" + _HOSTILE_NAME, "w", encoding="utf-8") as handle:
        handle.write(GOOD)
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("json", "sarif", "junit", "github", "markdown")}
    argv = [arg for fmt, path in outputs.items() for arg in ("--format", fmt, "--output", str(path))]
    proc = subprocess.run([sys.executable, "-m", "gie_lint", "check", *argv, "--format", "text", str(folder)],
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 1, proc.stderr
    reports = {fmt: path.read_bytes().decode("utf-8") for fmt, path in outputs.items()}  # valid UTF-8 everywhere
    reports["text"] = proc.stdout.decode("utf-8")
    for fmt, report in reports.items():
        assert "\\udcff" in report or fmt == "sarif", fmt  # the undecodable byte, as visible text (SARIF: %FF)
        if fmt in ("text", "github", "markdown"):  # line-based formats (in XML and JSON a newline is data)
            assert not any(line.startswith("::error file=a.yaml") for line in report.splitlines()), fmt
    for fmt in ("text", "github"):
        assert not {chr(c) for c in (*range(0x20), 0x7f, *range(0x80, 0xa0))} - {"\n"} & set(reports[fmt]), fmt
    assert "bad\\udcff\\x1b[2J\\x07\\x08\\x7f\\x9b\\n::error" in reports["text"]
    name = json.loads(reports["json"])["findings"][0]["file"]
    assert os.fsencode(name).endswith(_HOSTILE_NAME)  # JSON carries the very name (its escape is the same str)
    uri = json.loads(reports["sarif"])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert "bad%FF%1B%5B2J" in uri["artifactLocation"]["uri"]
    ET.fromstring(reports["junit"])


def test_control_characters_from_manifests_are_escaped_in_text_and_explain(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "pool.yaml"
    target.write_text('apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata:\n'
                      '  name: "p\\e[2J\\a\\x9b\\u2028x\\n::warning::injected"\n'
                      'spec:\n  selector: {matchLabels: {a: b}}\n'
                      '  targetPorts: [{number: 8000}]\n  endpointPickerRef: {name: epp, port: {number: 9002}}\n'
                      '  extra: "\\e]0;title\\a"\n')
    for argv in (["check", "--format", "text", str(target)], ["explain", "--format", "text", str(target)]):
        main(argv)
        out = capsys.readouterr().out
        assert "p\\x1b[2J\\x07\\x9b" in out, argv
        assert not set(out) & {"\x1b", "\x07", "\x9b", "\r"}, argv
        assert not [line for line in out.splitlines() if line.startswith("::")], argv


def test_github_annotations_escape_names_and_messages(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "x\n::error file=a.yaml,line=1::injected.yaml").write_text(GOOD)
    proc = _cli("check", "--format", "github", str(folder))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    assert all(line.split("::")[1].split(",")[1].startswith("line=") for line in lines)  # the name is one property
    assert "%0A%3A%3Aerror file=a.yaml%2Cline=1%3A%3Ainjected.yaml" in proc.stdout


def _inside(findings: list[dict[str, object]], text: str) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines
    for f in findings:
        line, column = int(str(f["line"])), int(str(f["column"]))
        assert 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1, (f, len(lines))


@pytest.mark.parametrize("text", ["apiVersion: v1\nkind: Service\nmetadata:\n  name: [s",
                                  "apiVersion: v1\nkind: Service\nmetadata:\n  name: [s\n",
                                  "a: [\n\n", "a: 'x", "a: \"x\u2028y", "---\na: [\r\n"],
                         ids=["no-final-newline", "final-newline", "blank-tail", "open-quote", "ls-open-quote", "crlf"])
def test_syntax_errors_point_inside_the_file(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_bytes(text.encode("utf-8"))
    _, findings = _json(capsys, str(tmp_path / "x.yaml"))
    assert [f["rule_id"] for f in findings] == ["GIE900"]
    _inside(findings, text)


@pytest.mark.parametrize("breaker", ["\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x1c"])
def test_only_newlines_count_as_line_breaks(breaker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (f"a: 1 # one{breaker}two\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
            f"  labels: {{a: \"x{breaker}y\"}}\n  # note{breaker}more\n---\n" + GOOD)
    (tmp_path / "x.yaml").write_bytes(text.encode("utf-8"))
    _, findings = _json(capsys, str(tmp_path / "x.yaml"))
    schema = [f for f in findings if f["rule_id"] == "GIE910"]
    assert [(f["line"], f["column"]) for f in schema] == [(15, 3)]  # `ports: 5` of the last document
    _inside(findings, text)


def test_max_file_size_skips_larger_files_with_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from gie_lint.cli.parser import file_size
    from gie_lint.source import opening

    assert opening.MAX_FILE_BYTES == 256 << 20  # the default
    assert [file_size(v) for v in ("100", "512K", "100m", "1G")] == [100, 512 << 10, 100 << 20, 1 << 30]
    monkeypatch.setattr(opening, "MAX_FILE_BYTES", opening.MAX_FILE_BYTES)  # restored after the in-process run
    (tmp_path / "big.yaml").write_text(GOOD + "# " + "x" * 2048 + "\n")
    (tmp_path / "good.yaml").write_text(GOOD)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    _, findings = _json(capsys, "--max-file-size", "1K", str(tmp_path / "big.yaml"), str(tmp_path / "good.yaml"))
    assert [(f["rule_id"], f["message"]) for f in findings if f["file"].endswith("big.yaml")] == [
        ("GIE906", "larger than 1 KiB (--max-file-size); not linted")]
    assert not [p for p in opened if p.endswith("big.yaml")]  # refused by its size, never read
    assert any(f["file"].endswith("good.yaml") for f in findings)
    proc = _cli("check", "--max-file-size", "1x", str(tmp_path / "good.yaml"))
    assert proc.returncode == 2 and "--max-file-size" in proc.stderr.splitlines()[-1]


def _tree_state(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


def test_never_harmful_no_network_inputs_unchanged_only_outputs_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    import socket

    from tests.conftest import ROOT

    inputs, work, home = tmp_path / "in", tmp_path / "work", tmp_path / "home"
    shutil.copytree(ROOT / "examples", inputs)
    work.mkdir()
    home.mkdir()
    monkeypatch.chdir(work)
    for var in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(home))
    before = _tree_state(inputs)
    with pytest.raises(AssertionError, match="network"):  # the suite-wide guard (conftest) is active
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    fmts = ("json", "sarif", "junit", "github", "markdown", "text")
    argv = [arg for fmt in fmts for arg in ("--format", fmt, "--output", f"report.{fmt}")]
    assert main(["check", *argv, str(inputs)]) in (0, 1)
    for command in (["explain", str(inputs)], ["explain", "--format", "json", str(inputs)], ["rules"],
                    ["check", "--format", "json", str(inputs)], ["config", "--show"]):
        assert main(command) in (0, 1), command
    capsys.readouterr()
    assert _tree_state(inputs) == before  # no input changed, nothing added beside them
    assert sorted(p.name for p in work.rglob("*")) == sorted(f"report.{fmt}" for fmt in fmts)
    assert list(home.rglob("*")) == []
