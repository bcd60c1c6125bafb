"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

Rule metadata comes from the registry; there is one result per finding.

Paths are relative to the `%SRCROOT%` base (the working directory) so alerts map onto the repository.
`partialFingerprints` hash the rule, file, resource and message, not the line: an alert survives lines
being inserted above it. Suppressed findings are included with a `suppressions` entry carrying the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from gie_lint import __version__
from gie_lint.reporters import DEFAULT_OPTIONS, Options, markdown, rule_url
from gie_lint.result import Finding, RuleInfo, RunResult, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "gieLint/v1"
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_LINE_REFS = re.compile(r"\b(lines?|column) \d+")  # "first at line 4": positions are not identity


def render(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
    return json.dumps(as_data(result, options), indent=2, ensure_ascii=False) + "\n"


def as_data(result: RunResult, options: Options = DEFAULT_OPTIONS) -> dict[str, Any]:
    rules = result.rules
    index = {rule.id: position for position, rule in enumerate(rules)}
    occurrences: Counter[str] = Counter()
    results = [_result(f, index, occurrences, None) for f in result.findings]
    results += [_result(s.finding, index, occurrences, s.reason,
                        "external" if s.by.startswith("config") else "inSource")
                for s in result.suppressed]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "gie-lint", "version": __version__, "semanticVersion": __version__,
            "informationUri": options.docs_base.rsplit("/rules", 1)[0] + "/",
            "rules": [_rule(rule, options) for rule in rules],
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if options.srcroot is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": options.srcroot.resolve().as_uri().rstrip("/") + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule: RuleInfo, options: Options) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.summary}\n\n{rule.why}\n\nFix: {rule.fix}",
                 "markdown": markdown.rule_page(rule, heading_level=2)},
        "helpUri": rule_url(rule.id, options),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": [rule.scope], "problem.severity": _problem_severity(rule.severity)},
    }


def _problem_severity(severity: Severity) -> str:
    return {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}[severity]


def _result(finding: Finding, index: dict[str, int], occurrences: Counter[str], reason: str | None,
            kind: str = "inSource") -> dict[str, Any]:
    fingerprint = fingerprint_of(finding)
    occurrences[fingerprint] += 1  # identical findings at several lines stay distinct alerts
    location: dict[str, Any] = {"artifactLocation": _artifact(finding.file)}
    if finding.line >= 1:
        location["region"] = {"startLine": finding.line, "startColumn": max(finding.column, 1)}
    entry: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: f"{fingerprint}:{occurrences[fingerprint]}"},
    }
    if finding.rule_id in index:
        entry["ruleIndex"] = index[finding.rule_id]
    if finding.resource:
        entry["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": finding.resource, "kind": "resource"}]
    if reason is not None:
        entry["suppressions"] = [{"kind": kind, "status": "accepted", "justification": reason}]
    return entry


def fingerprint_of(finding: Finding) -> str:
    message = _LINE_REFS.sub(r"\1 N", " ".join(finding.message.split()))
    parts = (finding.rule_id, PurePosixPath(Path(finding.file).as_posix()).as_posix(), finding.resource or "", message)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _artifact(file: str) -> dict[str, Any]:
    path = Path(file)
    if file == "<stdin>":
        return {"uri": "stdin", "description": {"text": "standard input"}}
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix(), safe="/._-~", errors="surrogateescape"), "uriBaseId": SRCROOT}
