"""`--per-file` and config `per_file`: each file of PATHs linted as its own scenario (kubeconform's model).

For folders of unrelated test files (istio's gateway testdata: every file brings its own `Gateway
istio-system/gateway`), where linting them together reports each copy (GIE930) and judges every route
against one Gateway.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.reporting_helpers import isolated, run  # noqa: F401
from tests.test_duplicates import GATEWAY, ROUTE

# Each file is a self-contained case: its own Gateway copy and a route attached to one of its listeners.
FILES = {
    "testdata/a.yaml": GATEWAY.format(version="v1", listener="http") + "---\n"
    + ROUTE.format(name="route-a", section="http"),
    "testdata/b.yaml": GATEWAY.format(version="v1", listener="https") + "---\n"
    + ROUTE.format(name="route-b", section="https"),
    "testdata/nested/c.yaml": GATEWAY.format(version="v1", listener="grpc") + "---\n"
    + ROUTE.format(name="route-c", section="missing"),  # the one true GIE072: wrong within its own file
}


def _tree(root: Path) -> None:
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _json(capsys, *argv: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "check", *argv, "--gie-version", "v1.5.0", "--format", "json")
    assert err == "", err
    return code, json.loads(out)


def _found(data: dict) -> list[tuple[str, str, int]]:
    return [(f["rule_id"], f["file"], f["line"]) for f in data["findings"]]


def test_each_file_is_its_own_scenario(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    code, data = _json(capsys, "testdata", "--per-file")
    assert code == 1  # the exit code counts every file
    assert [(s["name"], s["files"], s["resources"], s["findings"]) for s in data["scenarios"]] == [
        ("testdata/a.yaml", ["testdata/a.yaml"], 2, 0), ("testdata/b.yaml", ["testdata/b.yaml"], 2, 0),
        ("testdata/nested/c.yaml", ["testdata/nested/c.yaml"], 2, 1)]
    assert _found(data) == [("GIE072", "testdata/nested/c.yaml", 17)]  # no GIE930, no route judged elsewhere
    assert "has no listener named `missing` (listeners: grpc:80)" in data["findings"][0]["message"]
    assert (data["summary"]["files"], data["summary"]["resources"], data["summary"]["error"]) == (3, 6, 1)


def test_together_the_same_files_report_the_copies(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    _, data = _json(capsys, "testdata")
    assert [s["name"] for s in data["scenarios"]] == ["(paths)"]
    assert _found(data) == [("GIE072", "testdata/a.yaml", 17), ("GIE930", "testdata/b.yaml", 4),
                            ("GIE072", "testdata/b.yaml", 17), ("GIE930", "testdata/nested/c.yaml", 4),
                            ("GIE072", "testdata/nested/c.yaml", 17)]


def test_text_output_is_deterministic_with_a_line_per_file(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    first = run(capsys, "check", "testdata", "--per-file", "--gie-version", "v1.5.0")
    again = run(capsys, "check", "testdata/nested", "testdata/b.yaml", "testdata/a.yaml", "testdata/a.yaml",
                "--per-file", "--gie-version", "v1.5.0")
    lines = first[1].splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["scenario testdata/a.yaml", "scenario testdata/b.yaml",
                                                          "scenario testdata/nested/c.yaml"]
    assert lines[3].startswith("testdata/nested/c.yaml:17:16: error GIE072 route-parentref-gateway: ")
    assert lines[4] == "3 files, 6 resources checked: 1 finding (1 error, 0 warnings, 0 info)"
    assert first == run(capsys, "check", "testdata", "--per-file", "--gie-version", "v1.5.0")
    # Scenarios follow the PATHs as given; a file named twice is linted once; the findings are the same.
    assert again[1].splitlines()[3:] == lines[3:] and len(again[1].splitlines()) == len(lines)


def test_the_config_key_and_its_override(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    (isolated / ".gie-lint.yaml").write_text("gie_version: v1.5.0\nper_file: true\n")
    _, data = _json(capsys, "testdata")
    assert len(data["scenarios"]) == 3 and _found(data) == [("GIE072", "testdata/nested/c.yaml", 17)]
    _, data = _json(capsys, "testdata", "--no-per-file")
    assert len(data["scenarios"]) == 1 and [f for f, _, _ in _found(data)].count("GIE930") == 2
    code, out, _ = run(capsys, "config", "--show")
    assert (code, [line for line in out.splitlines() if line.startswith("per_file:")]) == (
        0, ["per_file: true  # .gie-lint.yaml:2"])
    _, out, _ = run(capsys, "config", "--show", "--no-per-file")
    assert "per_file: false  # --no-per-file" in out.splitlines()


def test_config_show_default(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert "per_file: false  # default: off" in run(capsys, "config", "--show")[1].splitlines()
    assert "per_file: true  # --per-file" in run(capsys, "config", "--show", "--per-file")[1].splitlines()


def test_per_file_is_a_boolean_in_the_config(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    (isolated / ".gie-lint.yaml").write_text("per_file: yes please\n")
    code, _, err = run(capsys, "check", "testdata")
    assert code == 2 and err.startswith("gie-lint: .gie-lint.yaml:1:1: invalid config at per_file: "), err


def test_config_scenarios_are_not_split(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    (isolated / ".gie-lint.yaml").write_text("gie_version: v1.5.0\nper_file: true\n"
                                             "scenarios:\n  gateways: {files: [testdata]}\n")
    code, out, _ = run(capsys, "check", "--format", "json")
    assert [s["name"] for s in json.loads(out)["scenarios"]] == ["gateways"]  # the key splits PATHs only
    for argv in (("--per-file",), ("--per-file", "--scenario", "gateways")):
        code, out, err = run(capsys, "check", *argv)
        assert (code, out) == (2, "")
        assert err == ("gie-lint: --per-file splits PATHs into one scenario per file; config scenarios are linted "
                       "as declared\n")


def test_explain_per_file(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _tree(isolated)
    code, out, _ = run(capsys, "explain", "testdata", "--per-file", "--format", "json")
    assert code == 0
    assert [s["name"] for s in json.loads(out)["scenarios"]] == ["testdata/a.yaml", "testdata/b.yaml",
                                                                 "testdata/nested/c.yaml"]
