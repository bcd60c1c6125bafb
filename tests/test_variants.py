"""GIE045 variant drift: a variant scenario compared with its base (fixture pair, reference system, corpus)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from gie_lint.engine import run as engine
from gie_lint.settings.config import load

from tests.conftest import CORPUS, ROOT
from tests.rules.test_fixtures import FIXTURES, _run


def test_fixture_pair_reports_only_unexplained_drift() -> None:
    result = _run(FIXTURES / "GIE045", "GIE045")
    drift = {(Path(f.file).name, f.message.split("`")[1] if "`" in f.message else "") for f in result.findings
             if f.rule_id == "GIE045"}
    assert drift == {("stack.yaml", "base"), ("stack.yaml", "spec.template.spec.containers[0].args[2]"),
                     ("stack.yaml", "spec.replicas")}
    assert all("variant" in f.file for f in result.findings if f.rule_id == "GIE045")


def test_without_allowed_differences_leader_election_is_drift_too() -> None:
    spec = engine.ScenarioSpec(name="base", paths=(str(FIXTURES / "GIE045" / "base"),), gie_version="v1.5.0")
    variant = engine.ScenarioSpec(name="variant", paths=(str(FIXTURES / "GIE045" / "variant"),),
                                  gie_version="v1.5.0", variant_of="base")
    messages = [f.message for f in engine.run([spec, variant]).result.findings if f.rule_id == "GIE045"]
    assert any("spec.strategy" in m for m in messages) and any("grpc.service" in m for m in messages)


def test_variant_alone_is_not_compared() -> None:
    variant = engine.ScenarioSpec(name="variant", paths=(str(FIXTURES / "GIE045" / "variant"),),
                                  gie_version="v1.5.0", variant_of="base")
    assert not [f for f in engine.run([variant]).result.findings if f.rule_id == "GIE045"]


def test_reference_leader_election_variant_has_no_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cfg = load(ROOT / ".gie-lint.yaml", {})
    specs = [engine.ScenarioSpec(name=s.name, paths=s.files, variables=s.variables, namespace="default",
                                 gie_version=cfg.gie_version, variant_of=s.variant_of,
                                 allowed_differences=s.allowed_differences) for s in cfg.scenarios.values()]
    assert specs[1].variant_of == "default"
    assert [f for f in engine.run(specs).result.findings if f.rule_id == "GIE045"] == []


def _corpus_spec(case: dict, **extra: object) -> engine.ScenarioSpec:
    variables = {k: str(v) for k, v in (case.get("variables") or {}).items()}
    version = case["ref"] if re.match(r"^v\d", case["ref"]) else None
    return engine.ScenarioSpec(name=case["id"], paths=tuple(str(CORPUS / f) for f in case["files"]),
                               variables=variables, namespace=variables.get("E2E_NS", "default"),
                               gie_version=version, **extra)  # type: ignore[arg-type]


@pytest.mark.slow
def test_corpus_leader_election_e2e_drift(corpus: Path) -> None:
    """Upstream's LE e2e pool kept targetPortNumber and a flat selector (H1); nothing else drifted."""
    cases = {c["id"]: c for c in yaml.safe_load((corpus / "scenarios.yaml").read_text())}
    pairs = [(cid.removesuffix("-le"), cid) for cid in cases if cid.endswith("-e2e-le")]
    assert pairs
    for base_id, variant_id in pairs:
        result = engine.run([_corpus_spec(cases[base_id]), _corpus_spec(
            cases[variant_id], variant_of=base_id, allowed_differences=("leader-election",))]).result
        drift = [f for f in result.findings if f.rule_id == "GIE045"]
        assert drift and all("leader-election-e2e" in f.file for f in drift), (variant_id, drift)
        keys = {re.search(r"`(spec\.[A-Za-z.]+)", f.message).group(1) for f in drift}  # type: ignore[union-attr]
        assert keys == {"spec.targetPorts", "spec.targetPortNumber", "spec.selector"}, (variant_id, keys)
