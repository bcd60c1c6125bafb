"""Findings: what the linter tells the user, and how severe it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_on` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True)
class Finding:
    """One reported problem, fully located.

    `resource` is "Kind namespace/name" (or None for file-level findings such as parse errors).
    Line and column are 1-based; 0 means "no position" (e.g. an empty stdin).
    """

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    resource: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule_id, self.message)
