"""Rule documentation in the terminal: `gie-lint rules [--format text|json|markdown]` and `gie-lint rule ID`."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from gie_lint.reporters import markdown, rule_url
from gie_lint.result import RuleInfo
from gie_lint.rules import registry


def as_data(rule: RuleInfo) -> dict[str, Any]:
    return {"id": rule.id, "name": rule.name, "severity": str(rule.severity), "scope": rule.scope,
            "summary": rule.summary, "rationale": rule.why, "bad": rule.bad, "good": rule.good, "fix": rule.fix,
            "url": rule_url(rule.id)}


def listing(fmt: str) -> str:
    rules = [rule.info for rule in registry.all_rules()]
    if fmt == "json":
        return json.dumps([as_data(r) for r in rules], indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown.rule_pages(rules)
    width = max(len(r.name) for r in rules)
    return "".join(f"{r.id}  {r.name:<{width}}  {str(r.severity):<7}  {r.summary}\n" for r in rules)


def lookup(token: str) -> RuleInfo:
    """A rule by id (any case) or name; KeyError names the closest candidates."""
    return registry.lookup(token).info


def _wrap(text: str) -> str:
    # Never at a hyphen or inside a word: `--ha-enable-leader-election` and URLs stay whole, to copy and grep.
    return textwrap.fill(" ".join(text.split()), width=100, break_on_hyphens=False, break_long_words=False)


def _indent(text: str) -> str:
    return textwrap.indent(text.rstrip("\n"), "    ")


def page(rule: RuleInfo, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_data(rule), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown.rule_page(rule, docs_url=rule_url(rule.id))
    return "\n".join([
        f"{rule.id} {rule.name} ({rule.severity} by default, scope {rule.scope})", "",
        _wrap(rule.summary), "",
        "Why:", _wrap(rule.why), "",
        "Bad:", _indent(rule.bad), "",
        "Good:", _indent(rule.good), "",
        "Fix:", _wrap(rule.fix), "",
        *(["Applies to:", _wrap(rule.applies), ""] if rule.applies else []),
        f"Docs: {rule_url(rule.id)}",
    ]) + "\n"
