"""JUnit XML: parseable by xml.etree, one suite per scenario, failures with file:line, hostile text escaped."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.reporting_helpers import BAD_POOL, ROOT, isolated, run  # noqa: F401


def test_reference_scenarios_are_suites_of_passing_cases(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "--format", "junit")
    assert code == 0
    root = ET.fromstring(out)
    assert root.tag == "testsuites" and root.get("failures") == "0"
    assert [s.get("name") for s in root.findall("testsuite")] == ["gie-lint default", "gie-lint leader-election"]
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests")) > 5
        assert all(case.find("failure") is None for case in cases)


def test_failures_carry_location_and_message(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "examples/broken", "--gie-version", "v1.5.0", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    (suite,) = root.findall("testsuite")
    failures = [case for case in suite.findall("testcase") if case.find("failure") is not None]
    assert len(failures) == int(suite.get("failures")) == int(root.get("failures")) > 0
    legacy = [c for c in failures if "legacy-shaped-pool GIE002" in c.get("name")]
    (case,) = legacy  # one case per resource and rule, both findings inside
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message").startswith("examples/broken/pool-v1-legacy-fields.yaml:17:3: ")
    assert "pool-v1-legacy-fields.yaml:18:3" in failure.text
    warnings = [c for c in suite.findall("testcase") if "GIE082" in c.get("name")]
    assert warnings and warnings[0].find("failure") is None  # below --fail-on: passes, with the note
    assert "criticality" in warnings[0].find("system-out").text


def test_hostile_manifest_text_is_escaped(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    hostile = "x]]><evil attr=\"1\">&amp;\x01\x1b\x7f\ufffe"
    quoted = json.dumps(hostile)  # a JSON string is a YAML double-quoted scalar
    pool = BAD_POOL.replace("  name: portless\n", f"  name: {quoted}\n").replace(
        "selector: {matchLabels: {app: vllm}}", f"selector: {{app: {quoted}}}")
    (isolated / "pool.yaml").write_text(pool)
    code, out, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--format", "junit",
                       "--fail-on", "info")
    assert code == 1
    root = ET.fromstring(out.encode())  # parses: no raw `]]>` breakage, no forbidden characters
    texts = [el.text or "" for el in root.iter()] + [v for el in root.iter() for v in el.attrib.values()]
    joined = "".join(texts)
    assert "]]><evil" in joined  # kept as text, not markup
    assert not any(ch in joined for ch in "\x01\x1b\ufffe")
    assert root.find(".//evil") is None
