"""Text: colour only when asked or on a terminal without NO_COLOR, --quiet, several outputs in one run."""

from __future__ import annotations

import io
import json
from pathlib import Path

from gie_lint.cli import outputs

from tests.reporting_helpers import BAD_POOL, isolated, run  # noqa: F401


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_color() -> None:
    assert outputs.use_color("auto", _Tty(), {}) is True
    assert outputs.use_color("auto", _Tty(), {"NO_COLOR": "1"}) is False
    assert outputs.use_color("auto", io.StringIO(), {}) is False
    assert outputs.use_color("always", io.StringIO(), {"NO_COLOR": "1"}) is True
    assert outputs.use_color("never", _Tty(), {}) is False


def test_color_flag(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    _, plain, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0")
    _, colored, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--color", "always")
    assert "\033[" not in plain and "\033[1;31merror\033[0m" in colored
    assert "\033[" not in run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--color", "never")[1]


def test_quiet_prints_only_findings(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    code, out, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--quiet")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith("pool.yaml:8:3: error GIE005")


def test_several_formats_in_one_run(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    code, out, err = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--format", "sarif", "--output",
                         "r.sarif", "--format", "text", "--format", "json", "--output", "r.json")
    assert (code, err) == (1, "")
    assert out.startswith("scenario ")
    assert json.loads((isolated / "r.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((isolated / "r.json").read_text())["findings"][0]["rule_id"] == "GIE005"


def test_bad_output_combinations(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    for argv in (["--format", "text", "--format", "json"], ["--output", "x.txt"],
                 ["--format", "json", "--output", "a", "--output", "b"],
                 ["--format", "json", "--output", "a", "--format", "sarif", "--output", "a"]):
        code, out, err = run(capsys, "check", "pool.yaml", *argv)
        assert code == 2 and out == "", argv
        assert not list(isolated.glob("a")) and not list(isolated.glob("x.txt"))


def test_binary_stdin_reports_the_finding_and_the_empty_error(isolated: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\x00\xff")))
    code, out, err = run(capsys, "check", "-")
    assert code == 2 and err.startswith("gie-lint: 0 resources checked in 1 file: nothing to lint")
    assert "GIE906 file-unreadable" in out and "0 resources checked: 1 finding" in out  # what says why


def test_empty_folder_is_an_error_unless_allowed(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "empty").mkdir()
    (isolated / "empty" / "comment.yaml").write_text("# nothing here\n")
    code, out, err = run(capsys, "check", "empty")
    assert code == 2 and out == "" and err == "gie-lint: 0 resources checked in 1 file: nothing to lint " \
                                             "(pass --allow-empty to accept an empty input)\n"
    assert run(capsys, "check", "empty", "--allow-empty")[0] == 0
