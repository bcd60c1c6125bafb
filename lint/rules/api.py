"""The rule API: what a rule is, what its check receives, and what it yields.

A rule is one declaration: a decorated check function whose docstring is its documentation
(`gie_lint.rules.docs` reads the sections). The scope decides the signature, so no check takes `Any`:

    source    check(file)                  -> FileHit   problems met while reading one file
    resource  check(resource, scenario)    -> Hit       one object (only of the declared `kinds`)
    config    check(config, scenario)      -> Hit       one EndpointPickerConfig
    scenario  check(scenario)              -> Hit       cross-object rules over the resolved topology
    variants  check(variant, base)         -> Hit       two scenarios, one declared a variant of the other
    run       check(report)                -> FileHit   what the engine itself observed (crashes, suppressions)

The engine dispatches on the rule's class (one table in `gie_lint.engine.dispatch`) and knows no rule id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar

from gie_lint.releases.versions import Release
from gie_lint.result import RuleInfo, Severity
from gie_lint.rules.docs import RuleDocs, parse_docs
from gie_lint.schema.store import SchemaOutcome, SchemaStore
from gie_lint.schema.violation import Violation
from gie_lint.shape import JsonPath
from gie_lint.source.files import SourceFile
from gie_lint.source.resources import Resource
from gie_lint.topology import Topology
from gie_lint.topology.config_release import config_release
from gie_lint.topology.configs import EmbeddedConfig

ANNOTATION = "gie-lint.io/ignore"  # the object annotation that suppresses findings (`gie_lint.engine.suppress`)
_ID = re.compile(r"^GIE\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Hit:
    """A finding on an object: where (a JSON path inside it) and what to change.

    `target` is the object the finding is on; resource and config checks may leave it None (the object
    they were given), scenario and variants checks must name it.
    """

    path: JsonPath
    message: str
    severity: Severity | None = None  # None: the rule's configured severity
    target: Resource | EmbeddedConfig | None = None


@dataclass(frozen=True)
class FileHit:
    """A finding at a file position that belongs to no object path (parse errors, suppression comments)."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity | None = None
    resource: str | None = None
    scenarios: tuple[int, ...] = ()  # run-scope hits: the scenarios (by index) the finding belongs to


@dataclass(frozen=True)
class Scenario:
    """What scenario, config and resource checks read: the release in force, schemas and the topology."""

    name: str
    release: Release
    store: SchemaStore
    files: tuple[SourceFile, ...]
    topology: Topology
    schemas: Mapping[int, SchemaOutcome] = field(default_factory=dict)  # by id() of the resource
    variant_of: str | None = None
    allowed_differences: tuple[str, ...] = ()
    # No flag, config or versioned EPP image named the release: objects are then judged by their own apiVersion
    # (one that some supported release serves is not an error) rather than by the assumed newest release.
    release_defaulted: bool = False

    def schema(self, resource: Resource) -> SchemaOutcome:
        """The schema verdict on one object (an empty outcome when no schema judges its kind)."""
        return self.schemas.get(id(resource), SchemaOutcome.NONE)

    def judging(self, config: EmbeddedConfig) -> Scenario | None:
        """The scenario as the EPP that loads `config` sees it: `release` is that EPP's (an llm-d-router EPP
        decodes with llm-d-router's facts); None when EPPs of different releases load it."""
        release = config_release(self.topology, config, self.release)
        if release is None:
            return None
        return self if release == self.release else replace(self, release=release)


@dataclass(frozen=True)
class Crash:
    """A check that raised on odd input: reported by GIE999 instead of ending the run with a traceback."""

    rule_id: str
    rule_name: str
    scenario: int  # index of the scenario it happened in
    error: str
    file: str
    line: int
    column: int
    resource: str | None


@dataclass(frozen=True)
class SuppressionUse:
    """A written suppression and what became of it (GIE920/GIE921 judge these)."""

    rule: str  # as written
    reason: str
    origin: str  # annotation | comment | config
    file: str
    line: int
    column: int
    resource: str | None
    matched: bool
    rule_id: str | None  # the registered rule it names (None: no such rule)
    rule_name: str | None
    rule_ran: bool  # that rule was selected in this run
    scenarios: tuple[int, ...]  # indices of the scenarios its findings belong to


@dataclass(frozen=True)
class RunReport:
    """What the engine observed while running the other rules (input of run-scope rules)."""

    crashes: tuple[Crash, ...] = ()
    suppressions: tuple[SuppressionUse, ...] = ()


SourceCheck = Callable[[SourceFile], Iterable[FileHit]]
ResourceCheck = Callable[[Resource, Scenario], Iterable[Hit]]
ConfigCheck = Callable[[EmbeddedConfig, Scenario], Iterable[Hit]]
ScenarioCheck = Callable[[Scenario], Iterable[Hit]]
VariantsCheck = Callable[[Scenario, Scenario], Iterable[Hit]]
RunCheck = Callable[[RunReport], Iterable[FileHit]]
Claims = Callable[[Resource, Violation], bool]


@dataclass(frozen=True)
class Rule:
    """A rule's identity and docs; the subclass says its scope and the type of its check."""

    id: str
    name: str
    severity: Severity
    docs: RuleDocs
    applies: str | None = None  # which releases it applies to, when not all
    scope: ClassVar[str] = ""

    def __post_init__(self) -> None:
        if not _ID.match(self.id) or not _NAME.match(self.name):
            raise ValueError(f"malformed rule declaration {self.id} {self.name}")

    @property
    def info(self) -> RuleInfo:
        d = self.docs
        return RuleInfo(self.id, self.name, self.severity, self.scope, d.summary, d.why, d.bad, d.good, d.fix,
                        self.applies)


@dataclass(frozen=True)
class SourceRule(Rule):
    check: SourceCheck = lambda _file: ()
    scope: ClassVar[str] = "source"


@dataclass(frozen=True)
class ResourceRule(Rule):
    check: ResourceCheck = lambda _resource, _scenario: ()
    kinds: frozenset[str] = frozenset()  # the check runs on objects of these kinds only (empty: every kind)
    claims: Claims | None = None  # schema rules: does this rule report violation v of resource r?
    scope: ClassVar[str] = "resource"


@dataclass(frozen=True)
class ConfigRule(Rule):
    check: ConfigCheck = lambda _config, _scenario: ()
    scope: ClassVar[str] = "config"


@dataclass(frozen=True)
class ScenarioRule(Rule):
    check: ScenarioCheck = lambda _scenario: ()
    kinds: frozenset[str] = frozenset()  # the kinds it reads: skipped when the scenario has none of them
    scope: ClassVar[str] = "scenario"


@dataclass(frozen=True)
class VariantsRule(Rule):
    check: VariantsCheck = lambda _variant, _base: ()
    scope: ClassVar[str] = "variants"


@dataclass(frozen=True)
class RunRule(Rule):
    check: RunCheck = lambda _report: ()
    scope: ClassVar[str] = "run"


def _docs(check: Callable[..., object]) -> RuleDocs:
    return parse_docs(check.__doc__, f"{check.__module__}.{check.__qualname__}")


def source_rule(id: str, name: str, severity: Severity, *, applies: str | None = None
                ) -> Callable[[SourceCheck], SourceRule]:
    return lambda check: SourceRule(id, name, severity, _docs(check), applies, check=check)


def resource_rule(id: str, name: str, severity: Severity, *, kinds: Iterable[str] = (), claims: Claims | None = None,
                  applies: str | None = None) -> Callable[[ResourceCheck], ResourceRule]:
    return lambda check: ResourceRule(id, name, severity, _docs(check), applies, check=check, kinds=frozenset(kinds),
                                      claims=claims)


def config_rule(id: str, name: str, severity: Severity, *, applies: str | None = None
                ) -> Callable[[ConfigCheck], ConfigRule]:
    return lambda check: ConfigRule(id, name, severity, _docs(check), applies, check=check)


def scenario_rule(id: str, name: str, severity: Severity, *, kinds: Iterable[str] = (), applies: str | None = None
                  ) -> Callable[[ScenarioCheck], ScenarioRule]:
    return lambda check: ScenarioRule(id, name, severity, _docs(check), applies, check=check, kinds=frozenset(kinds))


def variants_rule(id: str, name: str, severity: Severity, *, applies: str | None = None
                  ) -> Callable[[VariantsCheck], VariantsRule]:
    return lambda check: VariantsRule(id, name, severity, _docs(check), applies, check=check)


def run_rule(id: str, name: str, severity: Severity, *, applies: str | None = None) -> Callable[[RunCheck], RunRule]:
    return lambda check: RunRule(id, name, severity, _docs(check), applies, check=check)
