"""Reporters: pure functions from a run's result to text. They never import rules."""

from __future__ import annotations

from collections.abc import Callable

from lint.engine import RunResult
from lint.reporters import json_report, text

REPORTERS: dict[str, Callable[[RunResult], str]] = {
    "text": text.render,
    "json": json_report.render,
}
