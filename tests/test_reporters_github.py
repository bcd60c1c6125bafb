"""GitHub workflow commands: one escaped command per line, automatic under GITHUB_ACTIONS, no injection."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gie_lint.reporters import github
from gie_lint.result import Finding, Severity

from tests.reporting_helpers import BAD_POOL, isolated, run  # noqa: F401

COMMAND = re.compile(r"^::(error|warning|notice) (file=[^:]*)::(.*)$")


def test_chosen_automatically_on_github_actions(isolated: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith("::error file=pool.yaml,line=8,col=3,title=GIE005 pool-epp-ref-port-required::")
    _, text, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--format", "text")
    assert text.startswith("scenario ")  # an explicit --format wins


def test_severities_map_to_commands() -> None:
    for severity, command in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "notice")):
        line = github.command(Finding("GIE001", "x", severity, "m", "f.yaml", 1, 2))
        assert line == f"::{command} file=f.yaml,line=1,col=2,title=GIE001 x::m"
    assert github.command(Finding("GIE906", "file-unreadable", Severity.ERROR, "m", "<stdin>", 0, 0)) == \
        "::error file=<stdin>,title=GIE906 file-unreadable::m"


def test_escaping() -> None:
    line = github.command(Finding("GIE001", "x", Severity.ERROR, "100%\r\nnext", "a,b:c.yaml", 3, 1))
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=1,title=GIE001 x::100%25%0D%0Anext"


def test_manifest_values_cannot_inject_commands(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    evil = "x\\n::add-mask::secret\\n%0A::set-output name=x::y\\r::error::fake"
    pool = BAD_POOL.replace("  name: portless\n", f"  name: \"{evil}\"\n")
    pool = pool.replace("targetPorts: [{number: 8000}]", f"targetPortNumber: \"{evil}\"")
    (isolated / "evil,file:x.yaml").write_text(pool)
    code, out, _ = run(capsys, "check", ".", "--gie-version", "v1.5.0", "--format", "github", "--fail-on", "info")
    assert code == 1
    lines = out.splitlines()
    assert lines
    _, as_json, _ = run(capsys, "check", ".", "--gie-version", "v1.5.0", "--format", "json")
    assert len(lines) == len(json.loads(as_json)["findings"])  # one line, one command per finding
    for line in lines:
        match = COMMAND.match(line)
        assert match, line
        assert "::" not in match.group(2), line  # the properties end at the first `::`
    assert "%250A::set-output" in out or "%0A::set-output" in out
    assert not any(line.startswith(("::add-mask", "::set-output")) for line in lines)
