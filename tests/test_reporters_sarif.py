"""SARIF 2.1.0: schema-valid (reference run, broken examples, corpus), rule metadata, stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from gie_lint.engine import run as engine
from gie_lint.reporters import Options, sarif
from gie_lint.rules.registry import all_rules

from tests.conftest import CORPUS, need_shared
from tests.reporting_helpers import BAD_POOL, ROOT, SARIF_SCHEMA, isolated, run  # noqa: F401


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    need_shared(SARIF_SCHEMA)
    return jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text()))


def _valid(validator: jsonschema.Draft7Validator, data: dict) -> None:
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_reference_run_is_valid_sarif(validator, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out, err = run(capsys, "check", "--format", "sarif")
    assert (code, err) == (0, "")
    data = json.loads(out)
    _valid(validator, data)
    assert data["version"] == "2.1.0" and data["runs"][0]["results"] == []
    assert data["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"


def test_broken_examples_sarif(validator, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "examples/broken", "--gie-version", "v1.5.0", "--format", "sarif")
    assert code == 1
    data = json.loads(out)
    _valid(validator, data)
    (sarif_run,) = data["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    for rule in rules:
        assert rule["helpUri"] == f"https://gie-lint.github.io/gie-lint/rules/{rule['id']}/"
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith(f"## {rule['id']} {rule['name']}")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = sarif_run["results"]
    assert results
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("examples/broken/")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert result["partialFingerprints"]["gieLint/v1"]
    gie002 = [r for r in results if r["ruleId"] == "GIE002"]
    assert {r["level"] for r in gie002} == {"error"}


def test_fingerprints_survive_line_shifts(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    _, before, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--format", "sarif")
    (isolated / "pool.yaml").write_text("# a comment\n\n" + BAD_POOL)
    _, after, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--format", "sarif")
    first, second = (json.loads(text)["runs"][0]["results"] for text in (before, after))
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in second] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in first]


def test_stdin_and_suppressed_results_are_valid(validator, isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL.replace("  name: portless\n", "  name: portless\n  annotations:\n"
                                                         "    gie-lint.io/ignore: \"GIE005: patched later\"\n"))
    _, out, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--format", "sarif")
    data = json.loads(out)
    _valid(validator, data)
    (suppressed,) = [r for r in data["runs"][0]["results"] if r["ruleId"] == "GIE005"]
    assert suppressed["suppressions"] == [{"kind": "inSource", "status": "accepted", "justification": "patched later"}]
    result = engine.run([engine.ScenarioSpec(name="s", paths=("-",))], stdin=b"\x00\xff").result
    _valid(validator, sarif.as_data(result, Options(srcroot=isolated)))


@pytest.mark.slow
def test_corpus_run_is_valid_sarif(validator, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    cases = yaml.safe_load((CORPUS / "expected.yaml").read_text())
    specs = []
    for case in cases:
        variables = {k: str(v) for k, v in (case.get("variables") or {}).items()}
        specs.append(engine.ScenarioSpec(name=case["id"], paths=tuple(str(corpus / f) for f in case["files"]),
                                         variables=variables, namespace=variables.get("E2E_NS", "default"),
                                         gie_version=case["gie_version"]))
    result = engine.run(specs).result
    assert result.findings
    data = sarif.as_data(result, Options(srcroot=Path.cwd()))
    _valid(validator, data)
    fingerprints = [r["partialFingerprints"]["gieLint/v1"] for r in data["runs"][0]["results"]]
    assert len(fingerprints) == len(set(fingerprints))
