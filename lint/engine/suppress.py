"""Suppressions: a stage after the rules that sets findings aside when the user said why.

Three grains, each with a required reason:

* an annotation on the object (or on its pod template): `gie-lint.io/ignore: "GIE040: active-active on purpose"`,
  several entries separated by `;` or newlines, each `RULE[,RULE…]: reason`;
* a comment on the offending line, or on a comment-only line above it: `# gie-lint: ignore=GIE040 reason text`;
* a config entry: `suppress: [{rule: GIE040, kind: Deployment, namespace: llm, name: epp, reason: …}]`.

A suppression without a reason suppresses nothing and is reported (GIE921); one that matches no finding of
a rule that ran is reported too (GIE920), so stale suppressions do not pile up. Rules are named by id or name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from lint.result import Finding, Severity
from lint.rules.api import Rule, all_rules

if TYPE_CHECKING:  # the engine imports this module; avoid the cycle at runtime
    from lint.engine.run import ScenarioResult
    from lint.source.resources import Resource

ANNOTATION = "gie-lint.io/ignore"
UNUSED, NO_REASON = "GIE920", "GIE921"
_ANNOTATION_PATHS = (("metadata", "annotations"), ("spec", "template", "metadata", "annotations"))
# `#` starts a comment only at the start of a line or after whitespace (not inside `a#b` values).
_COMMENT = re.compile(r"(?:^|\s)#\s*gie-lint:\s*ignore\s*=\s*(?P<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)"
                      r"(?P<reason>.*)$")
_COMMENT_ONLY = re.compile(r"^\s*#")
_NEXT_COMMENT = re.compile(r"\s+#\s")  # `… reason  # another comment`: the reason ends there


@dataclass(frozen=True)
class Suppression:
    """One written suppression of one rule (a multi-rule entry becomes several)."""

    rule: str  # as written: an id (GIE040) or a name (epp-replicas-without-le)
    reason: str
    origin: str  # "annotation", "comment" or "config"
    file: str  # where it is written
    line: int
    column: int
    # What it covers: findings in `target_file` (at `lines`, or of `resource`), or config selectors.
    target_file: str | None = None
    lines: frozenset[int] = frozenset()
    resource: str | None = None
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None

    @property
    def where(self) -> str:
        return f"{self.origin} at {self.file}:{self.line}"

    def covers(self, finding: Finding) -> bool:
        if not _names_rule(self.rule, finding):
            return False
        if self.origin == "comment":
            return finding.file == self.target_file and finding.line in self.lines
        if self.origin == "annotation":
            return finding.file == self.target_file and finding.resource == self.resource
        kind, namespace, name = _parse_ref(finding.resource)
        return all(want is None or (got is not None and fnmatchcase(got, want))
                   for want, got in ((self.kind, kind), (self.namespace, namespace), (self.name, name)))


@dataclass(frozen=True)
class Suppressed:
    """A finding set aside, and why (shown by `--show-suppressed`, counted in the summary)."""

    finding: Finding
    reason: str
    by: str  # e.g. "annotation at deploy.yaml:7"


@dataclass
class Outcome:
    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)


def _names_rule(token: str, finding: Finding) -> bool:
    return token.upper() == finding.rule_id or token.lower() == finding.rule_name


def _parse_ref(ref: str | None) -> tuple[str | None, str | None, str | None]:
    """`Kind ns/name` or `Kind name` (cluster-scoped) back into its parts."""
    if not ref or " " not in ref:
        return None, None, None
    kind, rest = ref.split(" ", 1)
    namespace, _, name = rest.rpartition("/")
    return kind, namespace or None, name


def _known(token: str) -> Rule | None:
    for rule in all_rules():
        if token.upper() == rule.id or token.lower() == rule.name:
            return rule
    return None


def _split_rules(text: str) -> list[str]:
    return [token.strip() for token in text.split(",") if token.strip()]


def _clean_reason(text: str) -> str:
    return text.strip().lstrip(":-–—").strip()


def from_comments(file: str, lines: Sequence[str]) -> list[Suppression]:
    """`# gie-lint: ignore=RULE[,RULE] reason` comments; a comment-only line covers the next code line too."""
    found = []
    for index, text in enumerate(lines):
        match = _COMMENT.search(text)
        if not match:
            continue
        covered = {index + 1}
        if _COMMENT_ONLY.match(text):
            following = index + 1
            while following < len(lines) and (not lines[following].strip() or _COMMENT_ONLY.match(lines[following])):
                following += 1
            covered.add(following + 1)
        column = text.rfind("#", 0, match.start("rules")) + 1
        for token in _split_rules(match["rules"]):
            reason = _NEXT_COMMENT.split(match["reason"], maxsplit=1)[0]
            found.append(Suppression(token, _clean_reason(reason), "comment", file, index + 1, column,
                                     target_file=file, lines=frozenset(covered)))
    return found


def from_annotations(resource: Resource) -> list[Suppression]:
    """`gie-lint.io/ignore` on the object or its pod template: `RULE[,RULE]: reason` entries split by `;`/newline."""
    found = []
    for base in _ANNOTATION_PATHS:
        annotations = resource.get(*base)
        value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
        if not isinstance(value, str):
            continue
        mark = resource.locate((*base, ANNOTATION))
        for entry in re.split(r"[;\n]", value):
            if not entry.strip():
                continue
            rules, _, reason = entry.partition(":")
            for token in _split_rules(rules):
                found.append(Suppression(token, _clean_reason(reason), "annotation", resource.file, mark.line,
                                         mark.column, target_file=resource.file, resource=resource.ref))
    return found


def apply(results: Sequence[ScenarioResult], configured: Iterable[Suppression], active: Iterable[Rule],
          severities: Mapping[str, Severity]) -> None:
    """Partition every scenario's findings into kept and suppressed, and add GIE920/GIE921 findings.

    A suppression is unused only when it matched nothing in every scenario that saw it (a file linted in two
    scenarios may meet a cross-object finding in one of them only).
    """
    active_rules = {rule.id: rule for rule in active}
    configured = tuple(configured)
    seen: dict[Suppression, list[ScenarioResult]] = {}
    used: set[Suppression] = set()
    for result in results:
        written = [s for source in result.files for s in from_comments(source.name, source.lines)]
        written += [s for resource in result.resources for s in from_annotations(resource)]
        candidates = [s for s in (*written, *configured) if s.reason]
        for suppression in (*written, *configured):
            seen.setdefault(suppression, []).append(result)
        outcome = Outcome()
        for finding in result.findings:
            match = next((s for s in candidates if s.covers(finding)), None)
            if match is None:
                outcome.kept.append(finding)
            else:
                used.add(match)
                outcome.suppressed.append(Suppressed(finding, match.reason, match.where))
        result.findings = outcome.kept
        result.suppressed = outcome.suppressed
    for suppression, where in seen.items():
        problem = _problem(suppression, suppression in used, active_rules)
        if problem is None:
            continue
        rule = active_rules[problem[0]]
        finding = Finding(rule.id, rule.name, severities.get(rule.id, rule.severity), problem[1], suppression.file,
                          suppression.line, suppression.column, suppression.resource)
        for result in where[:1] if suppression.origin == "config" else where:
            result.findings.append(finding)
    for result in results:
        result.findings = sorted(set(result.findings), key=Finding.sort_key)
        result.suppressed = sorted(set(result.suppressed), key=lambda s: s.finding.sort_key())


def _problem(suppression: Suppression, was_used: bool, active: Mapping[str, Rule]) -> tuple[str, str] | None:
    """(rule id, message) when the suppression itself deserves a finding."""
    rule = _known(suppression.rule)
    if not suppression.reason:
        if NO_REASON not in active:
            return None
        example = {"annotation": f"{ANNOTATION}: \"{suppression.rule}: <why>\"",
                   "comment": f"# gie-lint: ignore={suppression.rule} <why>"}.get(suppression.origin, "reason: <why>")
        return NO_REASON, (f"suppression of {suppression.rule} has no reason, so it is not applied: "
                           f"say why the finding is intended (`{example}`)")
    if UNUSED not in active:
        return None
    if rule is None:
        return UNUSED, f"suppression names `{suppression.rule}`, which is not a gie-lint rule: use a rule id or name"
    if was_used or rule.id not in active:  # a rule that did not run (select/ignore) cannot have matched
        return None
    return UNUSED, (f"suppression of {rule.id} {rule.name} matches no finding: remove it "
                    f"(reason given: {suppression.reason})")


def config_entry(rule: str, reason: str, file: str, line: int, column: int, kind: str | None = None,
                 namespace: str | None = None, name: str | None = None) -> Suppression:
    """A `suppress:` entry of the config file."""
    return Suppression(rule, reason.strip(), "config", file, line, column, kind=kind, namespace=namespace, name=name)

