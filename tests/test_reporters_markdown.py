"""Markdown: an escaped findings table, and rule pages whose fences cannot be closed by an example."""

from __future__ import annotations

import re

from gie_lint.reporters import markdown
from gie_lint.result import RuleInfo, Severity
from gie_lint.rules.registry import all_rules

from tests.reporting_helpers import BAD_POOL, ROOT, isolated, run  # noqa: F401


def test_cell_escaping() -> None:
    assert markdown.cell("a|b `c` <script>&\nnext") == "a\\|b \\`c\\` &lt;script&gt;&amp;<br>next"


def test_findings_table(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "examples/broken", "--gie-version", "v1.5.0", "--format", "markdown")
    assert code == 1
    rows = [line for line in out.splitlines() if line.startswith("| ") and "GIE" in line]
    assert rows
    for row in rows:  # every row has exactly the five columns: no unescaped `|` from a message
        assert len(re.split(r"(?<!\\)\|", row)) == 7, row
    assert out.rstrip().splitlines()[-1].endswith("suppressed)")


def test_rule_pages_use_long_enough_fences() -> None:
    rule = RuleInfo(id="GIE999", name="fence-test", severity=Severity.INFO, scope="resource", summary="s",
                    why="r", bad="a: |\n  ````\n  nested\n  ````", good="a: ```", fix="f")
    page = markdown.rule_page(rule)
    assert "`````yaml\na: |\n  ````\n  nested\n  ````\n`````" in page
    assert "````yaml\na: ```\n````" in page


def test_rules_markdown_renders_every_page(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "rules", "--format", "markdown")
    assert code == 0
    headings = re.findall(r"^# (GIE\d{3}) (\S+)$", out, re.M)
    assert headings == [(r.id, r.name) for r in all_rules()]
    for section in ("## Why", "## Bad", "## Good", "## Fix", "**Severity:**"):
        assert out.count(section) == len(headings)


def test_rule_command(capsys) -> None:  # type: ignore[no-untyped-def]
    code, by_id, err = run(capsys, "rule", "gie005")
    assert (code, err) == (0, "")
    code, by_name, _ = run(capsys, "rule", "pool-epp-ref-port-required")
    assert by_id == by_name
    assert by_id.startswith("GIE005 pool-epp-ref-port-required (error by default")
    for part in ("Why:", "Bad:", "Good:", "Fix:", "https://gie-lint.github.io/gie-lint/rules/GIE005/"):
        assert part in by_id
    code, out, err = run(capsys, "rule", "GIE9999")
    assert code == 2 and out == "" and err.startswith("gie-lint: unknown rule") and len(err.splitlines()) == 1
    code, out, _ = run(capsys, "rule", "GIE005", "--format", "markdown")
    assert out.startswith("# GIE005 pool-epp-ref-port-required")
