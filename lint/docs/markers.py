"""Markers in hand-written pages, replaced with Markdown generated from the build's lint run.

`<!-- gie-lint:NAME key=value ... -->`, NAME one of `MARKERS`. `scenario=a,b` picks config scenarios (default:
all of the run); `findings path=examples/broken` lists the demo run's findings under that path instead. An
unknown marker, argument or scenario is reported through `warn` (a warning, so `mkdocs build --strict` fails)
and replaced with a visible note. Tables and diagrams come from the explain document (`gie_lint.explain.model`)
and `gie_lint.explain.render.mermaid`, the same ones `gie-lint explain` prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gie_lint.docs.lintrun import Outcome
from gie_lint.docs.text import code, esc, link, relative
from gie_lint.explain import render
from gie_lint.explain.model import ROLES, _count_text, _plural
from gie_lint.reporters import markdown
from gie_lint.reporters.markdown import fenced
from gie_lint.result import Finding, RunResult, ScenarioResult

MARKER = re.compile(r"<!--\s*gie-lint:([A-Za-z][\w-]*)((?:\s+[\w-]+=[^\s>]*)*)\s*-->")
_ARGS = re.compile(r"([\w-]+)=([^\s>]*)")
Warn = Callable[[str], None]


class Links:
    """Where generated pages live, so findings link to rule pages and manifest lines."""

    def __init__(self, page: str, manifests: dict[str, str], rules_dir: str | None) -> None:
        self.page, self.manifests, self.rules_dir = page, manifests, rules_dir

    def at(self, file: str, line: int | None = None) -> str:
        shown = f"{file}:{line}" if line else file
        target = self.manifests.get(file)
        if target is None:
            return esc(shown)
        return link(esc(shown), relative(target + (f"#L{line}" if line else ""), self.page))

    def location(self, text: str | None) -> str:
        """`file:line` text (explain's `at`) as a link; a note (`not set: defaults to 1`) as text."""
        if not text:
            return "–"
        file, sep, line = text.rpartition(":")
        return self.at(file, int(line)) if sep and line.isdigit() and file in self.manifests else esc(text)

    def rule(self, rule_id: str, name: str = "") -> str:
        label = esc(f"{rule_id} {name}".strip())
        return link(label, relative(f"{self.rules_dir}/{rule_id}.md", self.page)) if self.rules_dir else label


def _workloads(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [w for p in scenario["pools"] for w in p["workloads"]]
    return found + list(scenario["other_workloads"])


def _le(w: dict[str, Any]) -> str:
    if w["role"] != "endpoint-picker":
        return "–"
    return {True: "on", False: "off", None: "unknown"}[w["leader_election"]]


def replicas(outcome: Outcome, names: list[str], links: Links) -> str:
    rows = ["| Scenario | Role | Workload | Replicas | Leader election | Active | Standbys | Set at |",
            "|---|---|---|---|---|---|---|---|"]
    for scenario in [s for s in outcome.doc["scenarios"] if s["name"] in names]:
        for w in _workloads(scenario):
            active = w.get("active")
            rows.append(f"| {esc(scenario['name'])} | {esc(ROLES[w['role']])} | {esc(w['ref'])} | "
                        f"**{esc(_count_text(w))}** | {_le(w)} | {'–' if active is None else active} | "
                        f"{'–' if w.get('standbys') is None else w['standbys']} | {links.location(w['at'])} |")
    whys = [f"* **{esc(s['name'])}**, {esc(p['ref'])}: {esc(p['why'])}." for s in outcome.doc["scenarios"]
            if s["name"] in names for p in s["pools"]]
    # The author's own reason, written beside the number, next to the derived one above.
    stated = [f"* **{esc(s['name'])}**, {esc(w['ref'])} ({links.location(w['stated']['at'])}): "
              f"*{esc(w['stated']['reason'])}*" for s in outcome.doc["scenarios"] if s["name"] in names
              for w in _workloads(s) if w["stated"]]
    return "\n".join(rows + ([""] + whys if whys else []) + (["", "As the manifests' authors state it:", ""] + stated
                                                              if stated else []))


def _doc(outcome: Outcome, names: list[str]) -> dict[str, Any]:
    return {**outcome.doc, "scenarios": [s for s in outcome.doc["scenarios"] if s["name"] in names]}


def topology(outcome: Outcome, names: list[str], links: Links) -> str:
    return fenced(render.mermaid(_doc(outcome, names)), "mermaid")


def explain(outcome: Outcome, names: list[str], links: Links) -> str:
    return fenced(render.text(_doc(outcome, names)), "text")


def diff(outcome: Outcome, names: list[str], links: Links) -> str:
    rows = outcome.doc["differences"]
    if not rows:
        return "The scenarios do not differ in replicas or leader election."
    shown = outcome.scenario_names
    workloads = {(s["name"], w["ref"]): w for s in outcome.doc["scenarios"] for w in _workloads(s)}
    out = ["| Workload | What | " + " | ".join(esc(n) for n in shown) + " |", "|---|---|" + "---|" * len(shown)]
    for row in rows:
        cells = []
        for name in shown:  # each value as `gie-lint explain` prints it (render._difference_cell)
            value = render._difference_cell(row, name, workloads.get((name, row["workload"])))
            at = row["at"].get(name)
            cells.append(esc(value) + (f" ({links.location(at)})" if at else ""))
        out.append(f"| {esc(row['workload'])} | {esc(row['what'])} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def _findings_table(findings: list[Finding], links: Links) -> str:
    if not findings:
        return "No findings."
    return "\n".join(markdown.findings_table([(f, None) for f in findings],
                                              rule=lambda f: links.rule(f.rule_id, f.rule_name),
                                              where=lambda f: links.at(f.file, f.line), escape=esc))


def _summary_line(result: ScenarioResult) -> str:
    counts = {s: sum(1 for f in result.findings if str(f.severity) == s) for s in ("error", "warning", "info")}
    return (f"{_plural(len(result.files), 'file')}, {_plural(len(result.objects), 'object')}; judged as GIE "
            f"{esc(result.gie_version)} ({esc(result.gie_version_reason)}), Kubernetes "
            f"{esc(result.kubernetes_version)}; {_plural(len(result.findings), 'finding')} "
            f"({_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info; "
            f"{len(result.suppressed)} suppressed)")


def summary(outcome: Outcome, names: list[str], links: Links) -> str:
    return "\n".join(f"* **{esc(r.name)}**: {_summary_line(r)}" for r in outcome.run.result.scenarios
                     if r.name in names)


def findings(outcome: Outcome, names: list[str], links: Links, path: str | None = None) -> str:
    if path is None:
        chosen = [f for r in outcome.run.result.scenarios if r.name in names for f in r.findings]
        return _findings_table(list(dict.fromkeys(chosen)), links)
    result: RunResult | None = outcome.demos.result if outcome.demos is not None else None
    scenarios = [r for r in (result.scenarios if result else []) if r.name == path or
                 r.name.startswith(path.rstrip("/") + "/")]
    out = []
    for r in scenarios:
        out += [f"### {code(r.name)}", "", f"{links.at(r.name)}: {_summary_line(r)}", "",
                _findings_table(r.findings, links), ""]
    return "\n".join(out) if out else "No demo files under this path."


RENDERERS: dict[str, Callable[[Outcome, list[str], Links], str]] = {
    "replicas": replicas, "topology": topology, "explain": explain, "diff": diff, "summary": summary,
    "findings": findings}
MARKERS = tuple(sorted(RENDERERS))


def replace(markdown: str, outcome: Outcome, links: Links, warn: Warn) -> str:
    def one(match: re.Match[str]) -> str:
        name, args = match.group(1), dict(_ARGS.findall(match.group(2)))
        if name not in RENDERERS:
            warn(f"unknown marker gie-lint:{name} (known: {', '.join(MARKERS)})")
            return f"*unknown gie-lint marker {esc(name)}*"
        allowed = {"scenario", "path"} if name == "findings" else {"scenario"}
        for key in sorted(set(args) - allowed):
            warn(f"marker gie-lint:{name}: unknown argument {key!r} (known: {', '.join(sorted(allowed))})")
        names = [n for n in args.get("scenario", "").split(",") if n] or outcome.scenario_names
        missing = [n for n in names if n not in outcome.scenario_names]
        if missing:
            warn(f"marker gie-lint:{name}: unknown scenario {missing[0]!r} "
                 f"(linted: {', '.join(outcome.scenario_names)})")
            return f"*unknown scenario {esc(missing[0])}*"
        if name == "findings" and "path" in args:
            return findings(outcome, names, links, args["path"])
        return RENDERERS[name](outcome, names, links)

    return MARKER.sub(one, markdown)
