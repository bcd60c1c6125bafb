"""The engine: sources → resources → schemas → topology → rules → suppressions → result, once per scenario."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from time import process_time

from gie_lint.engine import dispatch, suppress
from gie_lint.engine.suppress import Pending, Suppression
from gie_lint.releases import builds
from gie_lint.result import EppRelease, Finding, LintedObject, RunResult, ScenarioResult, Severity, Suppressed
from gie_lint.rules.api import Rule, RunReport, Scenario
from gie_lint.rules.registry import all_rules, known
from gie_lint.schema.store import SchemaOutcome, SchemaStore
from gie_lint.shape import JsonPath
from gie_lint.source import workers
from gie_lint.source.files import STDIN, discover, read_all
from gie_lint.source.placeholders import unresolved
from gie_lint.source.resources import Resource, extract
from gie_lint.topology import applied, resolve
from gie_lint.topology.workloads import pod_templates

# An optional timing hook: (stage, what, CPU seconds), stage "sources" (files, YAML, resources, release choice),
# "topology" or "schemas" with the scenario name, or "rule" with a rule id (its per-scenario checks). Unused, it
# costs one None test per stage; bench/bench_rules.py reads it.
Timing = Callable[[str, str, float], None]


@dataclass(frozen=True)
class ScenarioSpec:
    """What to lint together: files applied together, with their variables and namespace."""

    name: str
    paths: tuple[str, ...]
    variables: Mapping[str, str] = field(default_factory=dict)
    namespace: str = "default"
    gie_version: str | None = None
    gie_version_from: str = "--gie-version"
    llm_d_router_version: str | None = None  # judge every llm-d-router EPP at this release
    kubernetes_version: str | None = None
    gateway_api_version: str | None = None  # None: the newest bundled
    gateway_api_channel: str | None = None  # None: standard
    gateway_api_from: str = ""  # where those two came from, for the report (default: the flags that set them)
    exclude: Callable[[str], bool] | None = None  # drops files found in folders (config/--exclude)
    templates: Callable[[str], bool] | None = None  # files declared envsubst templates (config `templates:`)
    variant_of: str | None = None  # the scenario this one is compared with ("variants" rules)
    allowed_differences: tuple[str, ...] = ()  # e.g. ("leader-election",)


def per_file(spec: ScenarioSpec) -> list[ScenarioSpec]:
    """One scenario per file `spec` finds, named by the file (`--per-file`: each file applied on its own)."""
    names = dict.fromkeys(discover(spec.paths, spec.exclude))  # a file named twice is linted once
    return [replace(spec, name="<stdin>" if name == STDIN else name, paths=(name,), exclude=None) for name in names]


@dataclass
class Run:
    """A run's result (what reporters read) and each scenario as the rules saw it (what `explain` reads)."""

    result: RunResult
    scenarios: list[Scenario]


def _epp_releases(scenario: Scenario) -> tuple[EppRelease, ...]:
    found = []
    for epp in scenario.topology.epps:
        mark = epp.resource.locate((*epp.container.path, "image"))
        reason = epp.build.reason if epp.build is not None else ""
        if epp.build is not None and not epp.build.known:
            reason += f"; judged at {epp.release.label}, and rules that need the exact build stay silent"
        found.append(EppRelease(epp.resource.ref, epp.resource.file, mark.line, epp.release.label, reason))
    return tuple(found)


def _images(resources: Iterable[Resource]) -> Iterator[tuple[str, Callable[[], str]]]:
    """(image, where it is written) of every container of every pod template, in file order (for the release
    choice); the `file:line` is computed only when asked."""
    for resource in resources:
        for workload in pod_templates(resource):
            for container in workload.containers:
                if container.image:
                    yield container.image, _where(resource, (*container.path, "image"))


def _where(resource: Resource, path: JsonPath) -> Callable[[], str]:
    return lambda: f"{resource.file}:{resource.locate(path).line}"


def _validate(resources: Iterable[Resource], store: SchemaStore) -> dict[int, SchemaOutcome]:
    outcomes = {}
    for resource in resources:
        schema = store.lookup(resource.api_version, resource.kind)
        if schema is not None:
            outcome = schema.validate(resource.data)
            # A value that is still an envsubst placeholder (`${POOL_NAME}`) is GIE902's finding; its type or
            # pattern says nothing about the value it will have.
            judged = tuple(v for v in outcome.violations if v.keyword in ("required", "additionalProperties")
                           or not _placeholder_at(resource, v.path))
            outcomes[id(resource)] = SchemaOutcome(schema.source, judged, tuple(outcome.unevaluated))
    return outcomes


def _placeholder_at(resource: Resource, path: JsonPath) -> bool:
    value = resource.get(*path)
    return isinstance(value, str) and unresolved(value)


class _Stores:
    """Schema stores by (release, Kubernetes version, Gateway API version and channel): each schema is compiled
    once per run."""

    def __init__(self) -> None:
        self._stores: dict[tuple[str, str | None, str | None, str | None], SchemaStore] = {}

    def get(self, tag: str, kubernetes: str | None, gateway_api: tuple[str | None, str | None] = (None, None)
            ) -> SchemaStore:
        key = (tag, kubernetes, *gateway_api)
        if key not in self._stores:
            self._stores[key] = SchemaStore(tag, kubernetes, gateway_api_version=gateway_api[0],
                                            gateway_api_channel=gateway_api[1])
        return self._stores[key]


def _lap(timing: Timing | None, stage: str, what: str, since: float) -> float:
    if timing is None:
        return since
    now = process_time()
    timing(stage, what, now - since)
    return now


@contextmanager
def _building() -> Iterator[None]:
    """No cyclic GC while a scenario's sources, topology and schema verdicts are built; then those are frozen out
    of later collections.

    Reading and resolving build millions of small dicts, lists, strings and views, and next to no garbage cycles,
    yet each allocation burst starts a collection that walks the whole growing heap: about half of the sources
    stage at 20k objects (bench/bench_rules.py shows the GC share). All of it lives until the end of the run, so
    `gc.freeze()` spares the rule stage's collections from walking it again; `run` unfreezes at its end.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


@contextmanager
def _frozen() -> Iterator[None]:
    """Give the objects `_building` froze back to the collector when the run ends, unless the caller had frozen
    objects itself before (a forking server's `gc.freeze()` is left as it was)."""
    owned = gc.get_freeze_count() == 0
    try:
        yield
    finally:
        if owned:
            gc.unfreeze()


def _scenario(spec: ScenarioSpec, stores: _Stores, stdin: bytes | None, timing: Timing | None = None
              ) -> tuple[Scenario, str]:
    start = process_time() if timing is not None else 0.0
    with _building():
        files = read_all(discover(spec.paths, spec.exclude), spec.variables, stdin, spec.templates)
        resources = [res for source in files for res in extract(source, spec.namespace)]
        choice = builds.choose(spec.gie_version, spec.gie_version_from, _images(applied(resources)))
        store = stores.get(choice.release.tag, spec.kubernetes_version,
                           (spec.gateway_api_version, spec.gateway_api_channel))
        start = _lap(timing, "sources", spec.name, start)
        forced = builds.forced(choice.release if spec.gie_version else None, spec.llm_d_router_version)
        topology = resolve(resources, choice.release, forced)
        start = _lap(timing, "topology", spec.name, start)
        schemas = _validate(resources, store)
        _lap(timing, "schemas", spec.name, start)
    scenario = Scenario(spec.name, choice.release, store, files, topology, schemas, spec.variant_of,
                        spec.allowed_differences, release_defaulted=choice.defaulted)
    return scenario, choice.reason


def _rules(rules: Sequence[Rule], scenario: Scenario, index: int, levels: Mapping[str, Severity],
           timing: Timing | None) -> dispatch.Collected:
    """The per-scenario rules; with a timing hook, one rule at a time (the same findings, timed per rule)."""
    if timing is None:
        return dispatch.run_scenario(rules, scenario, index, levels)
    out = dispatch.Collected()
    for rule in rules:
        start = process_time()
        part = dispatch.run_scenario((rule,), scenario, index, levels)
        timing("rule", rule.id, process_time() - start)
        out.findings += part.findings
        out.crashes += part.crashes
    return out


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)


def run(specs: Iterable[ScenarioSpec], rules: Iterable[Rule] | None = None,
        severities: Mapping[str, Severity] | None = None, stdin: bytes | None = None,
        suppressions: Sequence[Suppression] = (), timing: Timing | None = None, jobs: int | None = 1) -> Run:
    """Lint every scenario; the same finding reached through two scenarios is reported once.

    `timing`, when given, is called with each stage's and each rule's time (see `Timing`). `jobs`: worker
    processes for reading big inputs (None: the CPU count); the result is the same for any value.
    """
    with _frozen(), workers.parallel(jobs):
        return _run(list(specs), tuple(rules) if rules is not None else all_rules(), severities or {}, stdin,
                    suppressions, timing)


def _run(specs: list[ScenarioSpec], chosen: tuple[Rule, ...], levels: Mapping[str, Severity], stdin: bytes | None,
         suppressions: Sequence[Suppression], timing: Timing | None) -> Run:
    stores = _Stores()
    built = [_scenario(spec, stores, stdin, timing) for spec in specs]
    scenarios = [scenario for scenario, _ in built]
    collected = [_rules(chosen, scenario, index, levels, timing) for index, scenario in enumerate(scenarios)]
    by_name = {scenario.name: index for index, scenario in enumerate(scenarios)}
    for index, variant in enumerate(scenarios):  # compares scenarios, so after all ran
        base = by_name.get(variant.variant_of or "")
        if base is not None and base != index:
            extra = dispatch.run_variants(chosen, variant, scenarios[base], index, levels)
            collected[index].findings += extra.findings
            collected[index].crashes += extra.crashes
    pending = [Pending(s.files, s.topology.read, _sorted(c.findings)) for s, c in zip(scenarios, collected,
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
        len({(r.file, r.document.index, r.prefix) for s in scenarios for r in s.topology.read}))
    return Run(result, scenarios)


def _result(spec: ScenarioSpec, scenario: Scenario, reason: str, pending: Pending) -> ScenarioResult:
    requested = spec.kubernetes_version
    return ScenarioResult(
        name=spec.name, namespace=spec.namespace, files=tuple(f.name for f in scenario.files),
        objects=tuple(LintedObject(r.file, r.ref, r.locate(()).line) for r in scenario.topology.read),
        gie_version=scenario.release.tag, gie_version_reason=reason, epps=_epp_releases(scenario),
        kubernetes_version=scenario.store.kubernetes_version,
        kubernetes_version_reason=f"--kubernetes-version {requested}" if requested else "newest bundled",
        gateway_api_version=scenario.store.gateway_api_version, gateway_api_channel=scenario.store.gateway_api_channel,
        gateway_api_reason=spec.gateway_api_from or _gateway_api_reason(spec),
        findings=_sorted(pending.findings),
        suppressed=sorted(set(pending.suppressed), key=lambda s: s.finding.sort_key()))


def _gateway_api_reason(spec: ScenarioSpec) -> str:
    said = [f"--gateway-api-{what} {value}" for what, value in (("version", spec.gateway_api_version),
                                                                 ("channel", spec.gateway_api_channel)) if value]
    return ", ".join(said) if spec.gateway_api_version else ", ".join(["newest bundled", *said])


__all__ = ["Run", "ScenarioSpec", "Suppressed", "Timing", "per_file", "run"]
