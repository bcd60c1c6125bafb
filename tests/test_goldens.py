"""Golden files: every `check` reporter and every `explain` format, byte for byte, on the inputs in examples/.

Each case runs the CLI entry point in-process from the repository root (so paths are repository-relative
and the repository's `.gie-lint.yaml` is the config) and compares stdout with `tests/golden/<case>.<format>.<ext>`;
a mismatch fails with a unified diff. Rewrite the goldens with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_goldens.py

and review the diff before committing. What depends on the checkout rather than on the tool is replaced
before comparing: the tool version by `<VERSION>`, SARIF's `%SRCROOT%` base URI (the working directory) by
`<SRCROOT>`. Any other absolute path of the checkout in an output fails the test: reports must say
`examples/...`, never `/home/.../examples/...`.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from gie_lint import __version__
from gie_lint.cli.main import main
from gie_lint.explain.render import FORMATS as EXPLAIN_FORMATS
from gie_lint.reporters import REPORTERS

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "txt", "markdown": "md",
              "mermaid": "mmd"}
# The environment that changes what the CLI prints: CI detection, colour, debugging, the reference
# scenarios' MANIFEST_PATH placeholder.
_SCRUBBED = ("GIE_LINT_DEBUG", "MANIFEST_PATH", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE",
             "PYTHONPATH")
_VERSION = re.compile(rf"(?<![\w.]){re.escape(__version__)}(?![\w.])")  # not v0.1.0, not 10.1.0
_SRCROOT = ROOT.as_uri().rstrip("/") + "/"


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    exit_code: int
    formats: tuple[str, ...]

    def golden(self, fmt: str) -> Path:
        return GOLDEN / f"{self.name}.{fmt}.{EXTENSIONS[fmt]}"


CHECK_FORMATS = tuple(sorted(REPORTERS))
CASES = (
    # Five files with findings of both severities, judged against v1.5.0.
    Case("broken-v1.5.0", ("check", "examples/broken", "--gie-version", "v1.5.0"), 1, CHECK_FORMATS),
    # The reference scenarios of .gie-lint.yaml (default and its leader-election variant): 0 findings.
    Case("reference", ("check",), 0, CHECK_FORMATS),
    # Both reference scenarios: pools, request paths, replicas, leader election, and their differences.
    Case("explain-reference", ("explain",), 0, EXPLAIN_FORMATS),
    # Pools whose EPP and model servers are not among the files.
    Case("explain-broken-v1.5.0", ("explain", "examples/broken", "--gie-version", "v1.5.0"), 0, EXPLAIN_FORMATS),
)
PARAMS = [pytest.param(case, fmt, id=f"{case.name}.{fmt}") for case in CASES for fmt in case.formats]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)


def normalize(text: str) -> str:
    """The output without what depends on the checkout; fails on any other absolute path of it."""
    text = _VERSION.sub("<VERSION>", text.replace(_SRCROOT, "<SRCROOT>/"))
    for absolute in (str(ROOT), ROOT.as_uri()):
        assert absolute not in text, f"an absolute path of the checkout is in the output: {absolute}"
    return text


def compare(path: Path, actual: str) -> None:
    """Rewrite `path` under UPDATE_GOLDEN=1; otherwise fail with a unified diff when it differs."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    shown = path.relative_to(ROOT).as_posix()
    assert path.is_file(), f"{shown} missing: run `UPDATE_GOLDEN=1 python -m pytest tests/test_goldens.py`"
    with path.open(encoding="utf-8", newline="") as handle:  # newline="": a stray \r is a difference too
        expected = handle.read()
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=shown, tofile="actual output"))
        pytest.fail(f"output differs from {shown} (if intended, rewrite it with UPDATE_GOLDEN=1):\n{diff}",
                    pytrace=False)


def _run(capsys: pytest.CaptureFixture[str], case: Case, fmt: str) -> str:
    code = main([*case.argv, "--format", fmt])
    out, err = capsys.readouterr()
    assert (code, err) == (case.exit_code, ""), err
    return out


@pytest.mark.parametrize(("case", "fmt"), PARAMS)
def test_golden(capsys: pytest.CaptureFixture[str], case: Case, fmt: str) -> None:
    compare(case.golden(fmt), normalize(_run(capsys, case, fmt)))


def test_every_format_has_goldens() -> None:
    """A new reporter or explain format needs goldens too; no golden is left over from a removed case."""
    covered = {fmt for case in CASES if case.argv[0] == "check" for fmt in case.formats}
    assert covered == set(REPORTERS)
    assert {fmt for case in CASES if case.argv[0] == "explain" for fmt in case.formats} == set(EXPLAIN_FORMATS)
    assert set(EXTENSIONS) >= set(REPORTERS) | set(EXPLAIN_FORMATS)
    if not UPDATE:
        expected = {case.golden(fmt).name for case in CASES for fmt in case.formats}
        assert {p.name for p in GOLDEN.iterdir() if p.is_file()} == expected


def test_the_version_placeholder_stands_for_the_tool_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`<VERSION>` replaces exactly the version fields, so a release does not rewrite every golden."""
    broken = next(c for c in CASES if c.name == "broken-v1.5.0")
    placeholders = {fmt: normalize(_run(capsys, broken, fmt)).count("<VERSION>") for fmt in CHECK_FORMATS}
    assert placeholders == {fmt: {"json": 1, "sarif": 2}.get(fmt, 0) for fmt in CHECK_FORMATS}


# --- the real process ------------------------------------------------------------------------------


def _process(*argv: str, seed: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONHASHSEED"] = seed
    return subprocess.run([sys.executable, "-m", "gie_lint", *argv], cwd=ROOT, env=env, capture_output=True,
                          encoding="utf-8", timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(UPDATE, reason="compares with the goldens the in-process tests write")
@pytest.mark.parametrize("case", [c for c in CASES if c.argv[0] == "check"], ids=lambda c: c.name)
def test_real_process_writes_the_same_reports(tmp_path: Path, case: Case) -> None:
    """`python -m gie_lint` with every --format at once (text to stdout, the others to --output files), under
    two hash seeds: the same bytes as the in-process goldens."""
    first = "text"
    others = [fmt for fmt in case.formats if fmt != first]
    argv = [*case.argv, "--format", first]
    for fmt in others:
        argv += ["--format", fmt, "--output", str(tmp_path / f"{fmt}.out")]
    for seed in ("1", "2"):
        result = _process(*argv, seed=seed)
        assert (result.returncode, result.stderr) == (case.exit_code, "")
        compare(case.golden(first), normalize(result.stdout))
        for fmt in others:
            with (tmp_path / f"{fmt}.out").open(encoding="utf-8", newline="") as handle:
                compare(case.golden(fmt), normalize(handle.read()))


@pytest.mark.slow
@pytest.mark.skipif(UPDATE, reason="compares with the goldens the in-process tests write")
@pytest.mark.parametrize("seed", ["1", "2"])
def test_real_process_explains_the_same(seed: str) -> None:
    case = next(c for c in CASES if c.name == "explain-reference")
    result = _process(*case.argv, "--format", "json", seed=seed)
    assert (result.returncode, result.stderr) == (case.exit_code, "")
    compare(case.golden("json"), normalize(result.stdout))
