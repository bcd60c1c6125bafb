"""Truth on real upstream manifests: ../shared/corpus/expected.yaml, and no crash on any corpus file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from gie_lint.engine import run as engine
from gie_lint.result import Severity
from gie_lint.rules.registry import all_rules

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow  # end-to-end: the whole corpus / real pre-commit and action runs

REGISTERED = {rule.id for rule in all_rules()}


def _cases() -> list[dict[str, Any]]:
    if not (CORPUS / "expected.yaml").is_file():
        return []
    return yaml.safe_load((CORPUS / "expected.yaml").read_text())


def _lint(corpus: Path, case: dict[str, Any]) -> engine.RunResult:
    variables = {k: str(v) for k, v in (case.get("variables") or {}).items()}
    spec = engine.ScenarioSpec(
        name=case["id"], paths=tuple(str(corpus / f) for f in case["files"]), variables=variables,
        namespace=variables.get("E2E_NS", "default"), gie_version=case["gie_version"])
    return engine.run([spec]).result


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_expected_case(corpus: Path, case: dict[str, Any]) -> None:
    result = _lint(corpus, case)
    assert not [f for f in result.findings if f.rule_id == "GIE999"], "a rule crashed on real manifests"
    found = {(f.rule_id, f.file, f.line) for f in result.findings}
    found_any_line = {(f.rule_id, f.file) for f in result.findings}
    for expected in case["expect"]:
        if expected["rule"] not in REGISTERED:
            continue  # a rule of a later issue
        path = str(corpus / expected["file"])
        if expected["line"] is None:
            assert (expected["rule"], path) in found_any_line, expected["note"]
        else:
            assert (expected["rule"], path, expected["line"]) in found, (expected["note"], sorted(found))
    fired = {f.rule_id for f in result.findings}
    assert not fired & set(case.get("must_not") or []), [f for f in result.findings if f.rule_id in case["must_not"]]
    if not case["expect"]:
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        assert not errors, errors


def test_every_corpus_file_lints_without_crash(corpus: Path) -> None:
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml") and p.name not in (
        "expected.yaml", "scenarios.yaml"))
    assert len(files) > 900
    result = engine.run([engine.ScenarioSpec(name="all", paths=tuple(str(f) for f in files))]).result
    assert {f.rule_id for f in result.findings} <= REGISTERED
    crashed = [f for f in result.findings if f.rule_id == "GIE999"]
    assert not crashed, crashed[:3]  # a crash is a finding for users, but a bug for us
    print(f"{len(files)} files, {result.resources} resources, {len(result.findings)} findings")


def test_recall_and_false_errors_summary(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints recall over every labelled finding and the error findings on clean cases (must be none)."""
    expected_total = found_total = 0
    false_errors = []
    for case in _cases():
        result = _lint(corpus, case)
        found = {(f.rule_id, f.file, f.line) for f in result.findings}
        found_any = {(f.rule_id, f.file) for f in result.findings}
        for item in case["expect"]:
            expected_total += 1
            path = str(corpus / item["file"])
            if item["line"] is None:
                hit = (item["rule"], path) in found_any
            else:
                hit = (item["rule"], path, item["line"]) in found
            found_total += hit
        if not case["expect"]:
            false_errors += [f for f in result.findings if f.severity is Severity.ERROR]
    with capsys.disabled():
        print(f"\ncorpus: recall {found_total}/{expected_total} labelled findings; "
              f"{len(false_errors)} error findings on clean cases")
    assert found_total == expected_total
    assert not false_errors
