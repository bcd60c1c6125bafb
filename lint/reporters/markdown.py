"""Markdown: a findings table (PR comments, job summaries) and the rule documentation pages.

Manifest text in a table cell is escaped so it cannot break the table or inject HTML: `|`, backticks,
`<`, `>`, `&` and newlines. Examples in rule pages go into fenced blocks whose fence is longer than any
backtick run inside them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from gie_lint.reporters import DEFAULT_OPTIONS, Options
from gie_lint.result import Finding, RuleInfo, RunResult, Suppressed, counted, severity_summary

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "`": "\\`", "\\": "\\\\", "*": "\\*", "_": "\\_",
            "[": "\\[", "]": "\\]"}


def cell(text: str) -> str:
    """Text safe inside a GFM table cell: one line, no markup, no HTML."""
    escaped = "".join(_ESCAPES.get(char, char) for char in text.replace("\r\n", "\n").replace("\r", "\n"))
    return "<br>".join(part.strip() for part in escaped.split("\n"))


def _rule_cell(finding: Finding) -> str:
    return f"{finding.rule_id} {cell(finding.rule_name)}"


def _where_cell(finding: Finding) -> str:
    return cell(f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file)


def findings_table(rows: Iterable[tuple[Finding, Suppressed | None]], *,
                   rule: Callable[[Finding], str] = _rule_cell, where: Callable[[Finding], str] = _where_cell,
                   escape: Callable[[str], str] = cell) -> list[str]:
    """The findings as GFM table lines; the docs site passes `rule`/`where` cells that link to its pages."""
    lines = ["| Severity | Rule | Location | Resource | Message |", "|---|---|---|---|---|"]
    for finding, suppressed in rows:
        message = escape(finding.message)
        if suppressed is not None:
            message += f" (suppressed: {escape(suppressed.reason)})"
        lines.append(f"| {finding.severity} | {rule(finding)} | {where(finding)} | {escape(finding.resource or '')} "
                     f"| {message} |")
    return lines


def render(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
    lines = [] if options.quiet else ["# gie-lint report", ""]
    rows: list[tuple[Finding, Suppressed | None]] = [(f, None) for f in result.findings]
    if options.show_suppressed:
        rows += [(s.finding, s) for s in result.suppressed]
    if rows:
        lines += findings_table(rows)
    elif options.quiet:
        return ""
    else:
        lines.append("No findings.")
    if not options.quiet:
        counts = result.counts()
        lines += ["", f"{counted(result.files, 'file')}, {counted(result.resources, 'resource')} checked: "
                      f"{counted(len(result.findings), 'finding')} "
                      f"({severity_summary(counts)}; {len(result.suppressed)} suppressed)"]
    return "\n".join(lines) + "\n"


def fenced(text: str, language: str = "yaml") -> str:
    """A fenced code block that no backtick run inside `text` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"


def rule_page(rule: RuleInfo, heading_level: int = 1, docs_url: str | None = None) -> str:
    """One rule's page: id, name, severity, summary, rationale, bad/good examples and the fix."""
    h1, h2 = "#" * heading_level, "#" * (heading_level + 1)
    parts = [f"{h1} {rule.id} {rule.name}", "",
             f"**Severity:** {rule.severity} (default) · **Scope:** {rule.scope}"
             + (f" · **Applies:** {rule.applies}" if rule.applies else ""), "",
             rule.summary, "",
             f"{h2} Why", "", rule.why, "",
             f"{h2} Bad", "", fenced(rule.bad), "",
             f"{h2} Good", "", fenced(rule.good), "",
             f"{h2} Fix", "", rule.fix]
    if docs_url:
        parts += ["", f"Documentation: <{docs_url}>"]
    return "\n".join(parts) + "\n"


def rule_pages(rules: Iterable[RuleInfo]) -> str:
    return "\n".join(rule_page(rule) for rule in rules)
