"""A fixture per rule (kube-linter style): lines marked `# expect: GIEnnn` must be reported, and only those.

Header comments set the run: `# gie-version: vX.Y.Z`, `# var: KEY=VALUE`. A fixture may be a folder
(for rules about file names, like kustomization files).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

import pytest
from gie_lint.engine import run as engine
from gie_lint.result import RunResult
from gie_lint.rules.registry import all_rules

from tests.rules.crashing import crashing_test_rule

FIXTURES = Path(__file__).parent / "fixtures"
# Rules a fixture triggers only with the help of an extra, test-only rule.
EXTRA_RULES = {"GIE999": (crashing_test_rule,)}
_EXPECT = re.compile(rb"#\s*expect:\s*((?:GIE\d{3}\s*)+)")
_VERSION = re.compile(rb"^#\s*gie-version:\s*(\S+)", re.M)
_VAR = re.compile(rb"^#\s*var:\s*([A-Za-z_]\w*)=(\S*)", re.M)


def _fixture(rule_id: str) -> Path | None:
    for candidate in (FIXTURES / f"{rule_id}.yaml", FIXTURES / rule_id):
        if candidate.exists():
            return candidate
    return None


def _files(fixture: Path) -> list[Path]:
    return sorted(fixture.rglob("*.yaml")) if fixture.is_dir() else [fixture]


def _expectations(fixture: Path) -> dict[str, set[tuple[str, int]]]:
    expected: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for file in _files(fixture):
        for number, line in enumerate(file.read_bytes().split(b"\n"), start=1):
            match = _EXPECT.search(line)
            if match:
                for rule_id in match.group(1).split():
                    expected[rule_id.decode()].add((str(file), number))
    return expected


def _run(fixture: Path, rule_id: str) -> RunResult:
    head = _files(fixture)[0].read_bytes()
    version = _VERSION.search(head)
    variables = {k.decode(): v.decode() for k, v in _VAR.findall(head)}
    spec = engine.ScenarioSpec(name=fixture.name, paths=(str(fixture),), variables=variables,
                               gie_version=version.group(1).decode() if version else "v1.5.0")
    if (fixture / "base").is_dir():  # a "variants" rule: folder variant/ is linted as a variant of base/
        base = dataclasses.replace(spec, name="base", paths=(str(fixture / "base"),))
        variant = dataclasses.replace(spec, name="variant", paths=(str(fixture / "variant"),), variant_of="base",
                                      allowed_differences=("leader-election",))
        return engine.run([base, variant]).result
    return engine.run([spec], rules=(*all_rules(), *EXTRA_RULES.get(rule_id, ()))).result


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_fixture(rule) -> None:  # type: ignore[no-untyped-def]
    fixture = _fixture(rule.id)
    assert fixture is not None, f"{rule.id} {rule.name} has no fixture in {FIXTURES}"
    expected = _expectations(fixture)
    assert expected.get(rule.id), f"fixture of {rule.id} marks no line with `# expect: {rule.id}`"
    result = _run(fixture, rule.id)
    for rule_id, lines in expected.items():
        found = {(f.file, f.line) for f in result.findings if f.rule_id == rule_id}
        assert found == lines, (rule_id, [f for f in result.findings if f.rule_id == rule_id])
    own = [f for f in result.findings if f.rule_id == rule.id]
    # GIE007 depends on the release; GIE043 reports leader election with one replica as info.
    assert all(f.severity == rule.severity or rule.id in ("GIE007", "GIE043") for f in own)


def test_no_orphan_fixtures() -> None:
    ids = {rule.id for rule in all_rules()}
    names = {p.name.removesuffix(".yaml") for p in FIXTURES.iterdir()}
    assert names <= ids, names - ids
