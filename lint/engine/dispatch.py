"""Running rules: one runner per scope, chosen from one table by the rule's class.

A runner calls the rule's check with what its scope receives and turns each hit into a `Finding` at a
file position. A check that raises on odd input becomes a `Crash` (the run goes on); run-scope rules
report those. Nothing here knows a rule id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from gie_lint.result import Finding, Severity
from gie_lint.rules.api import (
    ConfigRule,
    Crash,
    FileHit,
    Hit,
    ResourceRule,
    Rule,
    RunReport,
    RunRule,
    Scenario,
    ScenarioRule,
    SourceRule,
    VariantsRule,
)
from gie_lint.source.positions import Mark
from gie_lint.source.resources import Resource
from gie_lint.topology.configs import EmbeddedConfig

Target = Resource | EmbeddedConfig


@dataclass
class Collected:
    """What running rules produced: findings, and the checks that crashed."""

    findings: list[Finding] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)


def _finding(rule: Rule, severities: Mapping[str, Severity], override: Severity | None, message: str, file: str,
             mark: Mark, resource: str | None) -> Finding:
    return Finding(rule.id, rule.name, override or severities.get(rule.id, rule.severity), message, file,
                   mark.line, mark.column, resource)


def _on_target(rule: Rule, severities: Mapping[str, Severity], hit: Hit, default: Target | None) -> Finding:
    target = hit.target if hit.target is not None else default
    if target is None:
        raise TypeError(f"{rule.id} yielded a Hit without a target")
    return _finding(rule, severities, hit.severity, hit.message, target.file, target.locate(hit.path), target.ref)


def _at_file(rule: Rule, severities: Mapping[str, Severity], hit: FileHit) -> Finding:
    return _finding(rule, severities, hit.severity, hit.message, hit.file, Mark(hit.line, hit.column), hit.resource)


def _guarded(rule: Rule, check: Callable[[], Iterable[Finding]], anchor: Target | None, scenario: int,
             out: Collected) -> None:
    """Collect a check's findings; if the check fails on odd input, record a crash instead of a traceback.

    Rules read values no schema has vouched for; the fuzz test (tests/test_hostile.py) keeps this path cold.
    """
    try:
        out.findings.extend(check())
    except Exception as exc:  # noqa: BLE001 - the promise to the user is: findings, never a traceback
        if os.environ.get("GIE_LINT_DEBUG"):
            raise
        where = anchor.locate(()) if anchor is not None else Mark(0, 0)
        out.crashes.append(Crash(rule.id, rule.name, scenario, f"{type(exc).__name__}: {exc}",
                                 anchor.file if anchor is not None else "<scenario>", where.line, where.column,
                                 anchor.ref if anchor is not None else None))


def _on_targets(rule: Rule, severities: Mapping[str, Severity], hits: Callable[[], Iterable[Hit]],
                default: Target | None) -> list[Finding]:
    return [_on_target(rule, severities, hit, default) for hit in hits()]


def _at_files(rule: Rule, severities: Mapping[str, Severity], hits: Callable[[], Iterable[FileHit]]) -> list[Finding]:
    return [_at_file(rule, severities, hit) for hit in hits()]


def _source(rule: SourceRule, scenario: Scenario, index: int, severities: Mapping[str, Severity],
            out: Collected) -> None:
    for source in scenario.files:
        _guarded(rule, partial(_at_files, rule, severities, partial(rule.check, source)), None, index, out)


def _resource(rule: ResourceRule, scenario: Scenario, index: int, severities: Mapping[str, Severity],
              out: Collected) -> None:
    resources = scenario.topology.each_copy(*rule.kinds)  # per-object rules judge every copy of an identity
    for resource in resources:
        _guarded(rule, partial(_on_targets, rule, severities, partial(rule.check, resource, scenario), resource),
                 resource, index, out)


def _config(rule: ConfigRule, scenario: Scenario, index: int, severities: Mapping[str, Severity],
            out: Collected) -> None:
    for config in scenario.topology.configs:
        judging = scenario.judging(config)
        if judging is None:
            continue  # EPPs of different releases load it: no one release's facts judge it
        _guarded(rule, partial(_on_targets, rule, severities, partial(rule.check, config, judging), config),
                 config, index, out)


def _scenario(rule: ScenarioRule, scenario: Scenario, index: int, severities: Mapping[str, Severity],
              out: Collected) -> None:
    topology = scenario.topology
    if rule.kinds and not any(topology.has_kind(kind) for kind in rule.kinds):
        return  # none of the objects it reads: nothing to say
    anchor = topology.resources[0] if topology.resources else None
    _guarded(rule, partial(_on_targets, rule, severities, partial(rule.check, scenario), None), anchor, index, out)


ScenarioRunner = Callable[[Rule, Scenario, int, Mapping[str, Severity], Collected], None]
# The scopes that run once per scenario, by rule class.
PER_SCENARIO: dict[type[Rule], ScenarioRunner] = {
    SourceRule: _source,  # type: ignore[dict-item]
    ResourceRule: _resource,  # type: ignore[dict-item]
    ConfigRule: _config,  # type: ignore[dict-item]
    ScenarioRule: _scenario,  # type: ignore[dict-item]
}


def run_scenario(rules: Iterable[Rule], scenario: Scenario, index: int, severities: Mapping[str, Severity]
                 ) -> Collected:
    out = Collected()
    for rule in rules:
        runner = PER_SCENARIO.get(type(rule))
        if runner is not None:
            runner(rule, scenario, index, severities, out)
    return out


def run_variants(rules: Iterable[Rule], variant: Scenario, base: Scenario, index: int,
                 severities: Mapping[str, Severity]) -> Collected:
    """Variants rules compare a scenario with the one it declares itself a variant of."""
    out = Collected()
    anchor = variant.topology.resources[0] if variant.topology.resources else None
    for rule in rules:
        if isinstance(rule, VariantsRule):
            _guarded(rule, partial(_on_targets, rule, severities, partial(rule.check, variant, base), None),
                     anchor, index, out)
    return out


def run_reports(rules: Iterable[Rule], report: RunReport, severities: Mapping[str, Severity]
                ) -> Iterator[tuple[tuple[int, ...], Finding]]:
    """Run-scope rules: (scenario indices, finding) for what the engine itself observed."""
    for rule in rules:
        if isinstance(rule, RunRule):
            for hit in rule.check(report):
                yield hit.scenarios, _at_file(rule, severities, hit)
