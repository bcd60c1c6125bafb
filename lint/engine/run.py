"""The engine: sources → resources → schemas → (configs) → rules → findings, once per scenario."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from lint.engine import suppress
from lint.releases import versions
from lint.result import Finding, Severity
from lint.rules.api import Hit, Rule, all_rules
from lint.schema.store import SchemaStore
from lint.shape import dicts, text
from lint.source.files import SourceFile, discover, read
from lint.source.resources import Resource, extract
from lint.source.yamldoc import Mark
from lint.topology import configs as epc
from lint.topology.model import Topology, build_topology

_WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod", "LeaderWorkerSet"}


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
class Context:
    """What rules may read: the release in force, the schema store and the scenario's objects."""

    release: versions.Release
    store: SchemaStore
    resources: list[Resource]
    configs: list[epc.EmbeddedConfig]
    topology: Topology = field(default_factory=Topology)  # cross-object wiring


@dataclass
class ScenarioResult:
    spec: ScenarioSpec
    files: list[SourceFile]
    resources: list[Resource]
    configs: list[epc.EmbeddedConfig]
    release: versions.Choice
    kubernetes_version: str
    findings: list[Finding]
    suppressed: list[suppress.Suppressed] = field(default_factory=list)
    context: Context | None = None  # what the rules read (variants rules and `gie-lint explain` reuse it)


@dataclass
class RunResult:
    scenarios: list[ScenarioResult]
    findings: list[Finding]
    suppressed: list[suppress.Suppressed] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len({source.name for s in self.scenarios for source in s.files})

    @property
    def resources(self) -> int:
        return len({(r.file, r.document.index, r.prefix) for s in self.scenarios for r in s.resources})

    def counts(self) -> dict[str, int]:
        counts = {str(severity): 0 for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for finding in self.findings:
            counts[str(finding.severity)] += 1
        return counts


def run(specs: Iterable[ScenarioSpec], rules: Iterable[Rule] | None = None,
        severities: Mapping[str, Severity] | None = None, stdin: bytes | None = None,
        suppressions: Sequence[suppress.Suppression] = ()) -> RunResult:
    """Lint every scenario; the same finding reached through two scenarios is reported once."""
    chosen_rules = tuple(rules) if rules is not None else all_rules()
    stores: dict[tuple[str, str | None], SchemaStore] = {}
    results = []
    for spec in specs:
        files = [read(name, spec.variables, stdin) for name in discover(spec.paths, spec.exclude)]
        resources = [res for source in files for res in extract(source, spec.namespace)]
        choice = versions.choose(spec.gie_version, spec.gie_version_from, _images(resources))
        key = (choice.release.tag, spec.kubernetes_version)
        if key not in stores:
            stores[key] = SchemaStore(choice.release.tag, spec.kubernetes_version)
        store = stores[key]
        for resource in resources:
            _attach_schema(resource, store)
        configs = list(epc.find(resources))
        context = Context(choice.release, store, resources, configs, build_topology(resources))
        findings = list(_run_rules(chosen_rules, files, context, severities or {}))
        results.append(ScenarioResult(spec, files, resources, configs, choice, store.kubernetes_version,
                                      sorted(set(findings), key=Finding.sort_key)))
        results[-1].context = context
    _run_variants(chosen_rules, results, severities or {})  # compares scenarios, so after all ran
    suppress.apply(results, suppressions, chosen_rules, severities or {})  # the stage after the rules
    merged = sorted({f for result in results for f in result.findings}, key=Finding.sort_key)
    set_aside = sorted({s for result in results for s in result.suppressed}, key=lambda s: s.finding.sort_key())
    return RunResult(results, merged, set_aside)


def _run_variants(rules: Iterable[Rule], results: list[ScenarioResult], severities: Mapping[str, Severity]) -> None:
    """Scope "variants": check(variant_result, base_result) for each scenario declaring `variant_of`.

    A variant whose base is not among the linted scenarios is not compared."""
    by_name = {result.spec.name: result for result in results}
    for variant in results:
        base = by_name.get(variant.spec.variant_of or "")
        if base is None or base is variant:
            continue
        found = []
        for rule in rules:
            if rule.scope != "variants" or rule.check is None:
                continue
            anchor = variant.resources[0] if variant.resources else None
            for hit in _guarded(rule, partial(rule.check, variant, base), anchor):
                if isinstance(hit, Finding):
                    found.append(hit)
                    continue
                target: Resource = hit.target
                found.append(_finding(rule, severities.get(rule.id, rule.severity), hit.severity, hit.message,
                                      target.file, target.locate(hit.path), target.ref))
        variant.findings = sorted(set(variant.findings) | set(found), key=Finding.sort_key)


def _images(resources: list[Resource]) -> list[tuple[str, str]]:
    found = []
    for resource in resources:
        if resource.kind not in _WORKLOAD_KINDS:
            continue
        base = ("spec",) if resource.kind == "Pod" else ("spec", "template", "spec")
        for index, container in dicts(resource.get(*base, "containers")):
            image = text(container.get("image"))
            if image is not None:
                mark = resource.locate((*base, "containers", index, "image"))
                found.append((image, f"{resource.file}:{mark.line}"))
    return found


def _attach_schema(resource: Resource, store: SchemaStore) -> None:
    schema = store.lookup(resource.api_version, resource.kind)
    if schema is None:
        return
    outcome = schema.validate(resource.data)
    resource.schema_source = schema.source
    resource.violations = list(outcome.violations)
    resource.unevaluated_rules = list(outcome.unevaluated)


def _run_rules(rules: Iterable[Rule], files: list[SourceFile], context: Context,
               severities: Mapping[str, Severity]) -> Iterable[Finding]:
    for rule in rules:
        severity_default = severities.get(rule.id, rule.severity)
        if rule.scope == "source":
            for source in files:
                for issue in source.issues:
                    if issue.rule_name == rule.name:
                        yield _finding(rule, severity_default, None, issue.message, source.name, issue.at, None)
                for document in source.documents:
                    yield from _document_findings(rule, severity_default, source, document)
            continue
        if rule.check is None:
            continue
        if rule.scope == "resource":
            for resource in context.resources:
                for hit in _guarded(rule, partial(rule.check, resource, context), resource):
                    if isinstance(hit, Finding):
                        yield hit
                        continue
                    mark = resource.locate(hit.path)
                    yield _finding(rule, severity_default, hit.severity, hit.message, resource.file, mark, resource.ref)
        elif rule.scope == "config":
            for config in context.configs:
                for hit in _guarded(rule, partial(rule.check, config, context), config.host):
                    if isinstance(hit, Finding):
                        yield hit
                        continue
                    mark = config.error_mark() if hit.path == ("<error>",) else config.locate(hit.path)
                    yield _finding(rule, severity_default, hit.severity, hit.message, config.host.file, mark,
                                   config.ref)
        elif rule.scope == "scenario":
            anchor = context.resources[0] if context.resources else None
            for hit in _guarded(rule, partial(rule.check, context), anchor):
                if isinstance(hit, Finding):
                    yield hit
                    continue
                target: Resource = hit.target
                mark = target.locate(hit.path)
                yield _finding(rule, severity_default, hit.severity, hit.message, target.file, mark, target.ref)


def _guarded(rule: Rule, check: Callable[[], Iterable[Hit]], anchor: Resource | None) -> Iterator[Hit | Finding]:
    """A rule's hits; if the rule itself fails on odd input, one `rule-crashed` finding instead of a traceback.

    Rules read values no schema has vouched for; the fuzz test (tests/test_hostile.py) keeps this path cold.
    """
    try:
        yield from check()
    except Exception as exc:  # noqa: BLE001 - the promise to the user is: findings, never a traceback
        if os.environ.get("GIE_LINT_DEBUG"):
            raise
        from lint.rules.run.crashed import RULE_CRASHED

        where = anchor.locate(()) if anchor is not None else Mark(0, 0)
        yield Finding(RULE_CRASHED.id, RULE_CRASHED.name, RULE_CRASHED.severity,
                      f"{rule.id} {rule.name} could not check this object ({type(exc).__name__}: {exc}); "
                      "it was not fully checked: please report this with the manifest",
                      anchor.file if anchor is not None else "<scenario>", where.line, where.column,
                      anchor.ref if anchor is not None else None)


def _document_findings(rule: Rule, severity: Severity, source: SourceFile, document: Any) -> Iterable[Finding]:
    """Source rules that look at parsed documents (syntax errors, duplicate keys, non-objects)."""
    from lint.rules.source import reading as source_rules  # the rule module owns the wording

    for message, mark in source_rules.document_issues(rule.name, document):
        yield _finding(rule, severity, None, message, source.name, source.original_mark(mark), None)


def _finding(rule: Rule, default: Severity, override: Severity | None, message: str, file: str, mark: Mark,
             resource: str | None) -> Finding:
    return Finding(rule.id, rule.name, override or default, message, file, mark.line, mark.column, resource)
