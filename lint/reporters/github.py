"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, one line per finding.

Chosen automatically when GITHUB_ACTIONS=true and no --format is given. Every value is escaped as the
runner expects, so manifest text (newlines, `%0A::set-output …`, `::add-mask::`) cannot start a command of
its own: each output line is exactly one annotation.
"""

from __future__ import annotations

from gie_lint.reporters import DEFAULT_OPTIONS, Options
from gie_lint.reporters.text import summary_line
from gie_lint.result import Finding, RunResult, Severity
from gie_lint.shape import printable

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    # then no other control character (ESC, BEL, …) reaches the log either: shown as `\x1b`
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    properties = {"file": finding.file}
    if finding.line >= 1:
        properties["line"] = str(finding.line)
        properties["col"] = str(max(finding.column, 1))
    properties["title"] = f"{finding.rule_id} {finding.rule_name}"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = finding.message + (f" [{finding.resource}]" if finding.resource else "")
    return f"::{_COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def render(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
    if not result.findings:  # a clean run says so on the log, instead of logging nothing at all
        return f"::notice title=gie-lint::{escape_data(summary_line(result))}\n"
    return "".join(command(finding) + "\n" for finding in result.findings)
