"""Reporters: pure functions from a run's result (and display options) to text. They never import rules.

Each takes `(result, options)`; the registry (not the rule modules) provides rule metadata where a format
carries it (SARIF, Markdown rule pages).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gie_lint import DOCS_URL
from gie_lint.result import RunResult, Severity
from gie_lint.shape import encodable


def docs_base() -> str:
    """Where the rule pages live: `$GIE_LINT_DOCS_URL` (the site's root) or `gie_lint.DOCS_URL`, plus `rules/`."""
    return (os.environ.get("GIE_LINT_DOCS_URL") or DOCS_URL).rstrip("/") + "/rules/"

@dataclass(frozen=True)
class Options:
    color: bool = False
    quiet: bool = False  # only findings (and errors): no header, no summary
    show_suppressed: bool = False
    fail_on: Severity = Severity.ERROR  # JUnit: what counts as a failed test case
    srcroot: Path | None = None  # SARIF %SRCROOT% (the working directory)
    docs_base: str = field(default_factory=docs_base)


DEFAULT_OPTIONS = Options()  # frozen, so one shared default is safe


def rule_url(rule_id: str, options: Options | None = None) -> str:
    """The rule's documentation page (`<docs base>/<id>/`)."""
    base = options.docs_base if options is not None else docs_base()
    return f"{base.rstrip('/')}/{rule_id}/"


class _Reporters(Mapping[str, Callable[[RunResult, Options], str]]):
    """Format name -> render function; a reporter module is imported when its format is first used, so a check
    that writes text does not load XML, SARIF and Markdown."""

    _MODULES = {"github": "github", "json": "json_report", "junit": "junit", "markdown": "markdown",
                "sarif": "sarif", "text": "text"}

    def __init__(self) -> None:
        self._loaded: dict[str, Callable[[RunResult, Options], str]] = {}

    def __getitem__(self, name: str) -> Callable[[RunResult, Options], str]:
        if name not in self._loaded:
            module = importlib.import_module(f"gie_lint.reporters.{self._MODULES[name]}")
            self._loaded[name] = _encodable(module.render)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._MODULES)

    def __len__(self) -> int:
        return len(self._MODULES)


def _encodable(render: Callable[[RunResult, Options], str]) -> Callable[[RunResult, Options], str]:
    """Every report encodes as UTF-8: an undecodable file-name byte (a lone surrogate) is shown as `\\udcff`
    (inside a JSON string that is the escape of the same character, so the document stays valid)."""
    def safe(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
        return encodable(render(result, options))

    return safe


REPORTERS: Mapping[str, Callable[[RunResult, Options], str]] = _Reporters()
