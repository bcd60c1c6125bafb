"""The engine: sources → resources → schemas → topology → rules → suppressions → result, once per scenario."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lint.engine import dispatch, suppress
from lint.engine.suppress import Pending, Suppression
from lint.releases import versions
from lint.result import Finding, LintedObject, RunResult, ScenarioResult, Severity, Suppressed
from lint.rules.api import Rule, RunReport, Scenario
from lint.rules.registry import all_rules, known
from lint.schema.store import SchemaOutcome, SchemaStore
from lint.source.files import discover, read
from lint.source.resources import Resource, extract
from lint.topology import resolve
from lint.topology.workloads import pod_templates


@dataclass(frozen=True)
class ScenarioSpec:
    """What to lint together: files applied together, with their variables and namespace."""

    name: str
    paths: tuple[str, ...]
    variables: Mapping[str, str] = field(default_factory=dict)
    namespace: str = "default"
    gie_version: str | None = None
    gie_version_from: str = "--gie-version"
    kubernetes_version: str | None = None
    exclude: Callable[[str], bool] | None = None  # drops files found in folders (config/--exclude)
    variant_of: str | None = None  # the scenario this one is compared with ("variants" rules)
    allowed_differences: tuple[str, ...] = ()  # e.g. ("leader-election",)


@dataclass
class Run:
    """A run's result (what reporters read) and each scenario as the rules saw it (what `explain` reads)."""

    result: RunResult
    scenarios: list[Scenario]


def _images(resources: Iterable[Resource]) -> list[tuple[str, str]]:
    """(image, file:line) of every container of every pod template, in file order (for the release choice)."""
    found = []
    for resource in resources:
        for workload in pod_templates(resource):
            for container in workload.containers:
                if container.image:
                    line = resource.locate((*container.path, "image")).line
                    found.append((container.image, f"{resource.file}:{line}"))
    return found


def _validate(resources: Iterable[Resource], store: SchemaStore) -> dict[int, SchemaOutcome]:
    outcomes = {}
    for resource in resources:
        schema = store.lookup(resource.api_version, resource.kind)
        if schema is not None:
            outcome = schema.validate(resource.data)
            outcomes[id(resource)] = SchemaOutcome(schema.source, tuple(outcome.violations),
                                                   tuple(outcome.unevaluated))
    return outcomes


class _Stores:
    """Schema stores by (release, Kubernetes version): each schema is compiled once per run."""

    def __init__(self) -> None:
        self._stores: dict[tuple[str, str | None], SchemaStore] = {}

    def get(self, tag: str, kubernetes: str | None) -> SchemaStore:
        if (tag, kubernetes) not in self._stores:
            self._stores[(tag, kubernetes)] = SchemaStore(tag, kubernetes)
        return self._stores[(tag, kubernetes)]


def _scenario(spec: ScenarioSpec, stores: _Stores, stdin: bytes | None) -> tuple[Scenario, str]:
    files = tuple(read(name, spec.variables, stdin) for name in discover(spec.paths, spec.exclude))
    resources = [res for source in files for res in extract(source, spec.namespace)]
    choice = versions.choose(spec.gie_version, spec.gie_version_from, _images(resources))
    store = stores.get(choice.release.tag, spec.kubernetes_version)
    scenario = Scenario(spec.name, choice.release, store, files, resolve(resources, choice.release),
                        _validate(resources, store), spec.variant_of, spec.allowed_differences)
    return scenario, choice.reason


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)


def run(specs: Iterable[ScenarioSpec], rules: Iterable[Rule] | None = None,
        severities: Mapping[str, Severity] | None = None, stdin: bytes | None = None,
        suppressions: Sequence[Suppression] = ()) -> Run:
    """Lint every scenario; the same finding reached through two scenarios is reported once."""
    chosen = tuple(rules) if rules is not None else all_rules()
    levels = severities or {}
    stores = _Stores()
    specs = list(specs)
    built = [_scenario(spec, stores, stdin) for spec in specs]
    scenarios = [scenario for scenario, _ in built]
    collected = [dispatch.run_scenario(chosen, scenario, index, levels) for index, scenario in enumerate(scenarios)]
    by_name = {scenario.name: index for index, scenario in enumerate(scenarios)}
    for index, variant in enumerate(scenarios):  # compares scenarios, so after all ran
        base = by_name.get(variant.variant_of or "")
        if base is not None and base != index:
            extra = dispatch.run_variants(chosen, variant, scenarios[base], index, levels)
            collected[index].findings += extra.findings
            collected[index].crashes += extra.crashes
    pending = [Pending(s.files, s.topology.resources, _sorted(c.findings)) for s, c in zip(scenarios, collected,
                                                                                         strict=True)]
    uses = suppress.apply(pending, suppressions, known, {rule.id for rule in chosen})
    report = RunReport(tuple(crash for c in collected for crash in c.crashes), tuple(uses))
    for indices, finding in dispatch.run_reports(chosen, report, levels):
        for index in indices:
            pending[index].findings.append(finding)
    results = [_result(spec, scenario, reason, p) for spec, (scenario, reason), p in zip(specs, built, pending,
                                                                                         strict=True)]
    result = RunResult(
        results, _sorted(f for r in results for f in r.findings),
        sorted({s for r in results for s in r.suppressed}, key=lambda s: s.finding.sort_key()),
        tuple(rule.info for rule in all_rules()),
        len({source.name for s in scenarios for source in s.files}),
        len({(r.file, r.document.index, r.prefix) for s in scenarios for r in s.topology.resources}))
    return Run(result, scenarios)


def _result(spec: ScenarioSpec, scenario: Scenario, reason: str, pending: Pending) -> ScenarioResult:
    requested = spec.kubernetes_version
    return ScenarioResult(
        name=spec.name, namespace=spec.namespace, files=tuple(f.name for f in scenario.files),
        objects=tuple(LintedObject(r.file, r.ref, r.locate(()).line) for r in scenario.topology.resources),
        gie_version=scenario.release.tag, gie_version_reason=reason,
        kubernetes_version=scenario.store.kubernetes_version,
        kubernetes_version_reason=f"--kubernetes-version {requested}" if requested else "newest bundled",
        findings=_sorted(pending.findings),
        suppressed=sorted(set(pending.suppressed), key=lambda s: s.finding.sort_key()))


__all__ = ["Run", "ScenarioSpec", "Suppressed", "run"]
