"""Hostile input: type-confused manifests must end in findings, never in an exception.

Every rule reads values that a schema has not vouched for (a schema error does not stop the rules), so
each node of the reference system is replaced in turn by values of the wrong shape, deterministically.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from lint import engine
from tests.conftest import ROOT

WRONG_SHAPES: list[Any] = [None, 0, -1, 70000, 1.5, True, "", "x", "$(X)", "{{ .Values.x }}",
                           [], [None], {}, {"": None}]
REFERENCE = [ROOT / "examples" / p for p in (
    "vllm/sim-deployment.yaml", "epp/rbac.yaml", "epp/configmap.yaml", "epp/service.yaml", "epp/deployment.yaml",
    "epp/inferencepool.yaml", "gateway/gateway.yaml", "gateway/httproute.yaml",
    "epp-leader-election/lease-rbac.yaml", "epp-leader-election/deployment.yaml")]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return doc


def _mutants(seed: int, count: int) -> list[list[Any]]:
    rng = random.Random(seed)
    docs = [d for f in REFERENCE for d in yaml.safe_load_all(f.read_text()) if d]
    mutants = []
    for _ in range(count):
        chosen = copy.deepcopy(docs)
        for _ in range(3):
            index = rng.randrange(len(chosen))
            path = rng.choice(_paths(chosen[index]))
            chosen[index] = _replace(chosen[index], path, rng.choice(WRONG_SHAPES))
        mutants.append(chosen)
    return mutants


@pytest.mark.parametrize("batch", range(8))
def test_type_confused_reference_system_never_crashes(batch: int, tmp_path: Path) -> None:
    for number, docs in enumerate(_mutants(seed=batch, count=25)):
        target = tmp_path / f"mutant-{number}.yaml"
        target.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        result = engine.run([engine.ScenarioSpec(name="mutant", paths=(str(target),), gie_version="v1.5.0")])
        old = engine.run([engine.ScenarioSpec(name="mutant", paths=(str(target),), gie_version="v1.0.0")])
        crashed = [f for f in result.findings + old.findings if f.rule_id == "GIE999"]
        assert not crashed, (docs, crashed)


def test_crashing_rule_becomes_a_finding() -> None:
    from lint.findings import Severity
    from lint.registry import Rule

    def explode(resource: Any, context: Any) -> Any:
        yield from ()
        raise TypeError("argument of type 'int' is not iterable")

    boom = Rule(id="GIE998", name="boom", severity=Severity.ERROR, scope="resource", summary="explodes on purpose",
                rationale="simulates a rule bug", bad="any object", good="no object", fix="fix the rule", check=explode)
    target = ROOT / "examples" / "epp" / "service.yaml"
    result = engine.run([engine.ScenarioSpec(name="boom", paths=(str(target),))], rules=[boom])
    crashed = [f for f in result.findings if f.rule_id == "GIE999"]
    assert len(crashed) == 1 and "GIE998 boom could not check this object (TypeError" in crashed[0].message
    assert (crashed[0].file == str(target) and crashed[0].line >= 1
            and crashed[0].resource == "Service default/vllm-qwen3-sim-epp")
