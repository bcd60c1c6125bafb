"""Reporters: pure functions from a run's result (and display options) to text. They never import rules.

Each takes `(result, options)`; the registry (not the rule modules) provides rule metadata where a format
carries it (SARIF, Markdown rule pages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lint.result import RunResult, Severity

DOCS_BASE = "https://gie-lint.dev/rules/"


@dataclass(frozen=True)
class Options:
    color: bool = False
    quiet: bool = False  # only findings (and errors): no header, no summary
    show_suppressed: bool = False
    fail_on: Severity = Severity.ERROR  # JUnit: what counts as a failed test case
    srcroot: Path | None = None  # SARIF %SRCROOT% (the working directory)
    docs_base: str = DOCS_BASE


DEFAULT_OPTIONS = Options()  # frozen, so one shared default is safe


def rule_url(rule_id: str, options: Options | None = None) -> str:
    """The rule's documentation page (`<docs base>/<id>/`)."""
    return f"{(options or DEFAULT_OPTIONS).docs_base.rstrip('/')}/{rule_id}/"


def _registry() -> dict[str, Callable[[RunResult, Options], str]]:
    from lint.reporters import github, json_report, junit, markdown, sarif, text

    return {"text": text.render, "json": json_report.render, "sarif": sarif.render, "junit": junit.render,
            "github": github.render, "markdown": markdown.render}


REPORTERS: dict[str, Callable[[RunResult, Options], str]] = _registry()
