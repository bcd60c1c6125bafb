"""Generated pages: one per rule and a rules index (from the registry, through the reporters' `rule_page`),
the linted manifests with a `L<n>` anchor on every line, the CLI reference (from the argument parser) and the
configuration reference (from `lint/settings/config.schema.json`).
"""

from __future__ import annotations

import argparse
import html
import json
import os
from pathlib import Path
from typing import Any

from gie_lint.cli import main as cli
from gie_lint.docs.text import code, esc, link, relative
from gie_lint.reporters.markdown import fenced, rule_page
from gie_lint.result import Finding, RuleInfo
from gie_lint.settings.config import SCHEMA_FILE


def rule(info: RuleInfo) -> str:
    return rule_page(info)


def rules_index(rules: list[RuleInfo], rules_dir: str) -> str:
    page = f"{rules_dir}/index.md"
    out = ["# Rules", "", f"All {len(rules)} rules, generated from the registry (`gie-lint rules`). Severities are "
           "the defaults; `.gie-lint.yaml` `severity:` overrides them.", "",
           "| Rule | Name | Severity | Scope | What it checks |", "|---|---|---|---|---|"]
    for r in rules:
        out.append(f"| {link(esc(r.id), relative(f'{rules_dir}/{r.id}.md', page))} | {esc(r.name)} | "
                   f"{esc(str(r.severity))} | {esc(r.scope)} | {esc(' '.join(r.summary.split()))} |")
    return "\n".join(out) + "\n"


def manifest(name: str, text: str, findings: list[Finding], page: str, rules_dir: str | None) -> str:
    """A manifest as a page: its findings, then every line with its own anchor (`#L12`)."""
    out = [f"# {esc(name)}", ""]
    if findings:
        out += ["Findings in this file:", ""]
        for f in findings:
            rule_link = (link(esc(f.rule_id), relative(f"{rules_dir}/{f.rule_id}.md", page)) if rules_dir
                         else esc(f.rule_id))
            out.append(f"* [line {f.line}](#L{f.line}): {rule_link} {esc(f.rule_name)}: {esc(f.message)}")
        out.append("")
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    marked = {f.line for f in findings}
    body = "".join(
        f'<span class="gie-lint-line{" gie-lint-finding" if n in marked else ""}" id="L{n}">'
        f'<a class="gie-lint-lineno" href="#L{n}">{n}</a>{html.escape(line, quote=True).replace("{", "&#123;")}'
        f"</span>\n" for n, line in enumerate(lines, 1))
    out += ['<div class="gie-lint-manifest"><pre><code>' + body.rstrip("\n") + "</code></pre></div>", ""]
    return "\n".join(out)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_reference() -> str:
    parser = cli._parser()
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: a fixed width keeps the page deterministic
    try:
        out = ["# CLI reference", "", "Generated from the argument parser of `gie-lint` (`lint/cli/main.py`).", "",
               fenced(parser.format_help(), "text"), ""]
        for name, sub in _subcommands(parser).items():
            out += [f"## gie-lint {esc(name)}", "", fenced(sub.format_help(), "text"), ""]
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
    return "\n".join(out)


def _type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " or ".join(code(json.dumps(v)) for v in schema["enum"])
    if "$ref" in schema:
        return esc(schema["$ref"].rsplit("/", 1)[-1])
    kind = schema.get("type", "")
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"array of {_type(schema['items'])}"
    return esc(" or ".join(kind) if isinstance(kind, list) else kind)


def _table(properties: dict[str, Any], required: list[str]) -> list[str]:
    out = ["| Key | Type | Description |", "|---|---|---|"]
    for key, schema in properties.items():
        mark = " (required)" if key in required else ""
        out.append(f"| {code(key)}{mark} | {_type(schema)} | {esc(schema.get('description', ''))} |")
    return out


def config_reference(schema_file: Path = SCHEMA_FILE) -> str:
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    out = ["# Configuration reference", "",
           f"Generated from the configuration's JSON Schema (`lint/settings/{schema_file.name}`), which "
           "`gie-lint` checks `.gie-lint.yaml` (or `[tool.gie-lint]` in `pyproject.toml`) against. "
           "`gie-lint config --show` prints the effective values and where each came from.", "",
           "## Top level", "", *_table(schema.get("properties", {}), schema.get("required", [])), ""]
    for name, definition in schema.get("$defs", {}).items():
        if isinstance(definition, dict) and "properties" in definition:
            out += [f"## {esc(name)}", "", *_table(definition["properties"], definition.get("required", [])), ""]
        elif isinstance(definition, dict):
            out += [f"## {esc(name)}", "", f"{_type(definition)}: {esc(definition.get('description', ''))}", ""]
    return "\n".join(out)
