"""JUnit XML for GitLab (`reports: junit:`) and Jenkins: one <testsuite> per scenario.

Test cases: one per resource and rule that reported (a <failure> when a finding reaches --fail-on, with
`file:line:col: message`; below it the case passes and carries the note in <system-out>), one passing
case per resource without findings, and a <skipped> case per suppressed finding. Text goes through
ElementTree (which escapes markup, `]]>` included) after dropping the characters XML 1.0 forbids.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from gie_lint.reporters import DEFAULT_OPTIONS, Options
from gie_lint.result import Finding, RunResult, ScenarioResult
from gie_lint.shape import encodable

_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _FORBIDDEN.sub("", encodable(text))  # an undecodable file-name byte shows as `\udcff`


def _where(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file


def _case(suite: ET.Element, classname: str, name: str, file: str, line: int = 0) -> ET.Element:
    attributes = {"classname": clean(classname), "name": clean(name), "file": clean(file), "time": "0"}
    if line:
        attributes["line"] = str(line)
    return ET.SubElement(suite, "testcase", attributes)


def _suite(root: ET.Element, scenario: ScenarioResult, options: Options) -> None:
    suite = ET.SubElement(root, "testsuite", {"name": clean(f"gie-lint {scenario.name}")})
    grouped: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in scenario.findings:
        grouped[(finding.file, finding.resource or "", finding.rule_id)].append(finding)
    reported = {(file, resource) for file, resource, _ in grouped}
    failures = 0
    for (file, resource, rule_id), findings in sorted(grouped.items()):
        first = findings[0]
        case = _case(suite, file, f"{resource or file} {rule_id} {first.rule_name}", file, first.line)
        body = "\n".join(f"{_where(f)}: {f.severity} {f.rule_id}: {f.message}" for f in findings)
        worst = max(f.severity for f in findings)
        if worst >= options.fail_on:
            failures += 1
            failure = ET.SubElement(case, "failure", {"type": str(worst), "message": clean(
                f"{_where(first)}: {first.message}")})
            failure.text = clean(body)
        else:
            ET.SubElement(case, "system-out").text = clean(body)
    for linted in scenario.objects:
        if (linted.file, linted.ref) not in reported:
            _case(suite, linted.file, linted.ref, linted.file, linted.line)
    skipped = 0
    for entry in scenario.suppressed:
        finding = entry.finding
        case = _case(suite, finding.file, f"{finding.resource or finding.file} {finding.rule_id} {finding.rule_name}",
                     finding.file, finding.line)
        ET.SubElement(case, "skipped", {"message": clean(f"suppressed by {entry.by}: {entry.reason}")})
        skipped += 1
    suite.set("tests", str(len(suite.findall("testcase"))))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))


def render(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
    root = ET.Element("testsuites", {"name": "gie-lint"})
    for scenario in result.scenarios:
        _suite(root, scenario, options)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
