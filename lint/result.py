"""The result model: what a run found, as plain data. Reporters read this and nothing else.

It imports nothing of the pipeline, so a reporter can never reach into the engine, the rules or the
schema engines: everything it prints is here (findings, what was set aside and why, which release
judged each scenario, and the metadata of the rules that ran).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Suppressed:
    """A finding set aside, and why (shown by `--show-suppressed`, counted in the summary)."""

    finding: Finding
    reason: str
    by: str  # e.g. "annotation at deploy.yaml:7"


@dataclass(frozen=True)
class RuleInfo:
    """A rule's identity and documentation, as reports and docs pages show it."""

    id: str
    name: str
    severity: Severity
    scope: str
    summary: str  # what it checks, one paragraph
    why: str  # why it breaks at runtime
    bad: str
    good: str
    fix: str
    applies: str | None = None  # which releases it applies to, when not all


@dataclass(frozen=True)
class LintedObject:
    """A Kubernetes object that was checked (JUnit lists the clean ones as passing cases)."""

    file: str
    ref: str  # "Kind namespace/name"
    line: int


@dataclass(frozen=True)
class EppRelease:
    """One endpoint picker of a scenario and the release that judged it: `GIE v1.0.0`, `llm-d-router v0.10.0`."""

    resource: str  # kind namespace/name
    file: str
    line: int
    release: str
    reason: str  # what the image said, e.g. "image tag v1.0.1, judged as v1.0.0"


@dataclass
class ScenarioResult:
    """One scenario: the files linted together, the release that judged them and why, and the findings."""

    name: str
    namespace: str
    files: tuple[str, ...]
    objects: tuple[LintedObject, ...]
    gie_version: str
    gie_version_reason: str
    kubernetes_version: str
    kubernetes_version_reason: str
    gateway_api_version: str = ""  # e.g. "v1.6.1"
    gateway_api_channel: str = ""  # "standard" or "experimental"
    gateway_api_reason: str = ""  # e.g. "newest bundled", "--gateway-api-version 1.4"
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    epps: tuple[EppRelease, ...] = ()  # each EPP with its own release (a scenario may hold several)


@dataclass
class RunResult:
    """Every scenario of a run; the same finding reached through two scenarios is listed once."""

    scenarios: list[ScenarioResult]
    findings: list[Finding]
    suppressed: list[Suppressed]
    rules: tuple[RuleInfo, ...]  # every registered rule (SARIF lists them all; ids index into it)
    files: int  # distinct files over all scenarios
    resources: int  # distinct objects over all scenarios

    def counts(self) -> dict[str, int]:
        counts = {str(severity): 0 for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for finding in self.findings:
            counts[str(finding.severity)] += 1
        return counts


def counted(number: int, noun: str) -> str:
    """`1 file`, `2 files`, `0 errors`: the count and the noun in the right number ("info" is uncountable)."""
    return f"{number} {noun}" if number == 1 or noun == "info" else f"{number} {noun}s"


def severity_summary(counts: dict[str, int]) -> str:
    """`2 errors, 1 warning, 0 info` from RunResult.counts()."""
    return ", ".join(counted(counts[name], name) for name in ("error", "warning", "info"))
