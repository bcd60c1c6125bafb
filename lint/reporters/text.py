"""Plain text: one line per finding (`file:line:col: severity ID name: message [Kind ns/name]`), then a summary.

Text from manifests and file names is shown through `printable`: control characters (ESC, BEL, BS, DEL, C1,
newlines) become visible escapes, so no value moves the cursor or prints a line of its own (a workflow command).
"""

from __future__ import annotations

from gie_lint.reporters import DEFAULT_OPTIONS, Options
from gie_lint.result import Finding, RunResult, ScenarioResult, Severity, Suppressed, counted, severity_summary
from gie_lint.shape import printable

_COLORS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


def finding_line(finding: Finding, color: bool = False) -> str:
    where = printable(f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file)
    resource = printable(f" [{finding.resource}]") if finding.resource else ""
    message = printable(" ".join(finding.message.split()))  # one line per finding, whatever a manifest value held
    severity = str(finding.severity)
    if color:  # escape sequences only around our own words, never inside manifest text
        where, severity = f"{_BOLD}{where}{_RESET}", f"{_COLORS[finding.severity]}{severity}{_RESET}"
        resource = f"{_DIM}{resource}{_RESET}" if resource else ""
    return f"{where}: {severity} {finding.rule_id} {finding.rule_name}: {message}{resource}"


def suppressed_line(entry: Suppressed, color: bool = False) -> str:
    reason = printable(" ".join(entry.reason.split()))
    by = printable(entry.by)
    line = f"{finding_line(entry.finding)} (suppressed by {by}: {reason})"
    return f"{_DIM}{line}{_RESET}" if color else line


def header_lines(result: RunResult) -> list[str]:
    lines = []
    for scenario in result.scenarios:
        suppressed = f", {len(scenario.suppressed)} suppressed" if scenario.suppressed else ""
        lines.append(f"scenario {scenario.name}: GIE {scenario.gie_version} "
                     f"({scenario.gie_version_reason}); Kubernetes {scenario.kubernetes_version} schemas "
                     f"({scenario.kubernetes_version_reason}); "
                     f"{_gateway_api(scenario)}"
                     f"{counted(len(scenario.files), 'file')}, {counted(len(scenario.objects), 'resource')}, "
                     f"{counted(len(scenario.findings), 'finding')}"
                     f"{suppressed}")
        lines += [f"  EPP {e.resource} ({e.file}:{e.line}): {e.release} ({e.reason})" for e in scenario.epps]
    return lines


def _gateway_api(scenario: ScenarioResult) -> str:
    if not scenario.gateway_api_version:
        return ""
    return (f"Gateway API {scenario.gateway_api_version} {scenario.gateway_api_channel} schemas "
            f"({scenario.gateway_api_reason}); ")


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    suppressed = f"; {len(result.suppressed)} suppressed" if result.suppressed else ""
    return (f"{counted(result.files, 'file')}, {counted(result.resources, 'resource')} checked: "
            f"{counted(len(result.findings), 'finding')} ({severity_summary(counts)}{suppressed})")



def render(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
    lines = [] if options.quiet else [printable(line) for line in header_lines(result)]
    lines.extend(finding_line(f, options.color) for f in result.findings)
    if options.show_suppressed:
        lines.extend(suppressed_line(s, options.color) for s in result.suppressed)
    if not options.quiet:
        lines.append(summary_line(result))
    return "".join(line + "\n" for line in lines)
