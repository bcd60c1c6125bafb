"""Plain text: one line per finding (`file:line:col: severity ID name: message [Kind ns/name]`), then a summary."""

from __future__ import annotations

from lint.engine import RunResult
from lint.findings import Finding


def finding_line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file
    resource = f" [{finding.resource}]" if finding.resource else ""
    message = " ".join(finding.message.split())  # one line per finding, whatever a manifest value held
    return f"{where}: {finding.severity} {finding.rule_id} {finding.rule_name}: {message}{resource}"


def header_lines(result: RunResult) -> list[str]:
    lines = []
    for scenario in result.scenarios:
        lines.append(f"scenario {scenario.spec.name}: GIE {scenario.release.release.tag} "
                     f"({scenario.release.reason}); Kubernetes {scenario.kubernetes_version} schemas "
                     f"({'--kubernetes-version ' + scenario.spec.kubernetes_version if scenario.spec.kubernetes_version else 'newest bundled'}); "
                     f"{len(scenario.files)} files, {len(scenario.resources)} resources, {len(scenario.findings)} findings")
    return lines


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    total = len(result.findings)
    plural = "" if total == 1 else "s"
    return (f"{result.files} files, {result.resources} resources checked: {total} finding{plural} "
            f"({counts['error']} errors, {counts['warning']} warnings, {counts['info']} info)")


def render(result: RunResult) -> str:
    lines = header_lines(result)
    lines.extend(finding_line(f) for f in result.findings)
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
