"""Suppressions: a stage after the rules that sets findings aside when the user said why.

Three grains, each with a required reason:

* an annotation on the object (or on its pod template): `gie-lint.io/ignore: "GIE040: active-active on purpose"`,
  several entries separated by `;` or newlines, each `RULE[,RULE…]: reason`;
* a comment on the offending line, or on a comment-only line above it: `# gie-lint: ignore=GIE040 reason text`;
* a config entry: `suppress: [{rule: GIE040, kind: Deployment, namespace: llm, name: epp, reason: …}]`.

A suppression without a reason suppresses nothing; `apply` reports what became of each one (`SuppressionUse`),
and the run-scope rules GIE920/GIE921 judge that, so stale or unexplained suppressions do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from gie_lint.result import Finding, Suppressed
from gie_lint.rules.api import ANNOTATION, Rule, SuppressionUse
from gie_lint.shape import JsonPath
from gie_lint.source.files import SourceFile
from gie_lint.source.resources import Resource
from gie_lint.topology.workloads import POD_TEMPLATES


def _annotation_paths(kind: str) -> list[JsonPath]:
    """The object's annotations, then those of each of its pod templates (one table knows where they are)."""
    return [("metadata", "annotations"), *((*base, "metadata", "annotations") for base in POD_TEMPLATES.get(kind, ())
                                           if base)]
# `#` starts a comment only at the start of a line or after whitespace (not inside `a#b` values).
_COMMENT = re.compile(r"(?:^|\s)#\s*gie-lint:\s*ignore\s*=\s*(?P<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)"
                      r"(?P<reason>.*)$")
_MARKER = "gie-lint:"  # in every suppression comment: a file without it needs no pass over its lines
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


def _names_rule(token: str, finding: Finding) -> bool:
    return token.upper() == finding.rule_id or token.lower() == finding.rule_name


def _parse_ref(ref: str | None) -> tuple[str | None, str | None, str | None]:
    """`Kind ns/name` or `Kind name` (cluster-scoped) back into its parts."""
    if not ref or " " not in ref:
        return None, None, None
    kind, rest = ref.split(" ", 1)
    namespace, _, name = rest.rpartition("/")
    return kind, namespace or None, name


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
    for base in _annotation_paths(resource.kind):
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


@dataclass
class Pending:
    """One scenario's findings on their way through the suppression stage."""

    files: Sequence[SourceFile]
    resources: Sequence[Resource]
    findings: list[Finding]
    suppressed: list[Suppressed] = field(default_factory=list)


def apply(scenarios: Sequence[Pending], configured: Iterable[Suppression], known: Callable[[str], Rule | None],
          ran: Collection[str]) -> list[SuppressionUse]:
    """Set aside every finding a suppression with a reason covers, and say what became of each suppression.

    `known` maps a written rule token to its rule (None: no such rule); `ran` holds the ids that ran.
    A suppression is unused only when it matched nothing in every scenario that saw it (a file linted in two
    scenarios may meet a cross-object finding in one of them only).
    """
    configured = tuple(configured)
    seen: dict[Suppression, list[int]] = {}
    used: set[Suppression] = set()
    for index, scenario in enumerate(scenarios):
        written = [s for source in scenario.files if _MARKER in source.lines.text  # most files have none
                   for s in from_comments(source.name, source.lines)]
        written += [s for resource in scenario.resources for s in from_annotations(resource)]
        candidates = [s for s in (*written, *configured) if s.reason]
        for suppression in (*written, *configured):
            seen.setdefault(suppression, []).append(index)
        kept = []
        for finding in scenario.findings:
            match = next((s for s in candidates if s.covers(finding)), None)
            if match is None:
                kept.append(finding)
            else:
                used.add(match)
                scenario.suppressed.append(Suppressed(finding, match.reason, match.where))
        scenario.findings[:] = kept
    uses = []
    for suppression, where in seen.items():
        rule = known(suppression.rule)
        uses.append(SuppressionUse(
            suppression.rule, suppression.reason, suppression.origin, suppression.file, suppression.line,
            suppression.column, suppression.resource, suppression in used, rule.id if rule else None,
            rule.name if rule else None, rule is not None and rule.id in ran,
            tuple(where[:1] if suppression.origin == "config" else where)))
    return uses


def config_entry(rule: str, reason: str, file: str, line: int, column: int, kind: str | None = None,
                 namespace: str | None = None, name: str | None = None) -> Suppression:
    """A `suppress:` entry of the config file."""
    return Suppression(rule, reason.strip(), "config", file, line, column, kind=kind, namespace=namespace, name=name)

