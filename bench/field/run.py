"""Lint the field trees that extract.py wrote and report every finding (issue 8, item 7).

    python bench/field/run.py --trees /tmp/field --out /tmp/field-report.json \
        [--gie-lint PATH] [--only GLOB] [--verdicts bench/field/verdicts.md] [--jobs N]

Runs the CLI as a subprocess (`gie-lint check --format json --allow-empty ...`, cwd = the trees folder,
so findings name files relative to it and no project config is picked up), so it measures whatever is
in the tree of --gie-lint (an executable, or a checkout whose .venv/bin/gie-lint is used).

Each tree is linted in the modes trees.json lists, the first being its primary mode:
  tree       all its files together (one scenario)
  per-file   each file alone: `--per-file` when the CLI has it, else one run per file
  with-base  the tree's `base` files together with each other file (GIE conformance: base.yaml + a test)
  groups     the tree's `groups` of files, each group together (as its README applies them)

The JSON report holds, per tree and mode, counts by rule and severity and every error/warning finding
(rule, file:line:col, resource, message), sorted. Standard output gets a Markdown summary: the tree x
rule table of the primary modes, totals per rule, and with --verdicts the precision over the GIE-specific
(GIE001-GIE099) errors and warnings, judged by the rows of verdicts.md (rule, tree glob, message regex).
GIE9xx (sources, schemas, suppressions, duplicates, crashes) are counted separately.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
SEVERITIES = ("error", "warning", "info")
TIMEOUT = 900
CONFIG_NAMES = (".gie-lint.yaml", ".gie-lint.yml", "pyproject.toml")


def gie_specific(rule: str) -> bool:
    m = re.fullmatch(r"GIE(\d{3})", rule)
    return bool(m) and 1 <= int(m.group(1)) <= 99  # type: ignore[union-attr]


def rule_class(rule: str) -> str:
    return "gie" if gie_specific(rule) else "9xx" if rule.startswith("GIE9") else "other"


# ---- running the CLI ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invocation:
    tree: str
    mode: str
    paths: tuple[str, ...]
    per_file: bool = False


@dataclass
class Outcome:
    inv: Invocation
    rc: int
    data: dict[str, Any] | None
    error: str | None


class Cli:
    def __init__(self, cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> None:
        self.cmd = list(cmd)
        self.cwd = cwd
        self.env = {**os.environ, **(env or {}), "NO_COLOR": "1", "GITHUB_ACTIONS": ""}
        help_text = self._run(["check", "--help"])[1]
        self.has_per_file = "--per-file" in help_text
        self.version = " ".join(self._run(["--version"])[1].split()) or "unknown"

    def _run(self, args: Sequence[str]) -> tuple[int, str, str]:
        try:
            p = subprocess.run([*self.cmd, *args], cwd=self.cwd, capture_output=True, text=True, timeout=TIMEOUT,
                               env=self.env)
        except subprocess.TimeoutExpired:
            return -1, "", f"timed out after {TIMEOUT}s"
        except OSError as exc:
            return -1, "", str(exc)
        return p.returncode, p.stdout, p.stderr

    def lint(self, inv: Invocation) -> Outcome:
        args = ["check", "--format", "json", "--allow-empty", "--fail-on", "error"]
        if inv.per_file:
            args.append("--per-file")
        rc, out, err = self._run([*args, "--", *inv.paths])
        if rc not in (0, 1):
            return Outcome(inv, rc, None, one_line(err) or f"exit {rc}")
        try:
            return Outcome(inv, rc, json.loads(out), None)
        except json.JSONDecodeError:
            return Outcome(inv, rc, None, "no JSON on stdout: " + one_line(err or out))


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:400]


def files_of(root: Path, rel: str) -> list[str]:
    p = root / rel
    if p.is_file():
        return [rel]
    return sorted(str(f.relative_to(root)) for f in p.rglob("*") if f.is_file() and f.suffix in (".yaml", ".yml"))


def invocations(tree: Mapping[str, Any], mode: str, root: Path, cli: Cli) -> list[Invocation]:
    name, rel = tree["name"], tree["path"]
    if mode == "tree":
        return [Invocation(name, mode, (rel,))]
    files = files_of(root, rel)
    if mode == "per-file":
        if cli.has_per_file:
            return [Invocation(name, mode, (rel,), per_file=True)]
        return [Invocation(name, mode, (f,)) for f in files]
    if mode == "with-base":
        base = [f"{rel}/{b}" for b in tree.get("base", [])]
        runs = [Invocation(name, mode, (*base, f)) for f in files if f not in base]
        return runs or [Invocation(name, mode, tuple(base))]
    if mode == "groups":
        return [Invocation(name, mode, tuple(f"{rel}/{x}" for x in g)) for g in tree.get("groups", [])]
    raise SystemExit(f"run.py: unknown mode {mode!r} in trees.json ({name})")


# ---- collecting ---------------------------------------------------------------------------------
def finding_key(f: Mapping[str, Any]) -> tuple[Any, ...]:
    return (f.get("file") or "", f.get("line") or 0, f.get("column") or 0, f.get("rule_id") or "",
            f.get("severity") or "", f.get("resource") or "", f.get("message") or "")


def under(file: str | None, path: str) -> bool:
    return bool(file) and (file == path or str(file).startswith(path.rstrip("/") + "/"))


def collect(outcomes: Iterable[Outcome], only: str | None = None) -> dict[str, Any]:
    """Findings of the runs of one tree and mode; `only` keeps those under that path (batched runs)."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    releases: set[tuple[str, str]] = set()
    errors: list[dict[str, Any]] = []
    runs = 0
    for o in outcomes:
        runs += 1
        if o.data is None:
            errors.append({"paths": [p for p in o.inv.paths if only is None or under(p, only)] or list(o.inv.paths),
                           "exit": o.rc, "error": o.error})
            continue
        for s in o.data.get("scenarios") or []:
            if only is None or any(under(f, only) for f in s.get("files") or []):
                releases.add((str(s.get("gie_version")), str(s.get("gie_version_reason"))))
        for f in o.data.get("findings") or []:
            if only is None or under(f.get("file"), only):
                seen.setdefault(finding_key(f), f)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    findings = []
    for key in sorted(seen):
        f = seen[key]
        counts[f["rule_id"]][f["severity"]] += 1
        if f["severity"] in ("error", "warning"):
            findings.append({"rule": f["rule_id"], "severity": f["severity"],
                             "at": f"{f.get('file')}:{f.get('line')}:{f.get('column')}",
                             "resource": f.get("resource"), "message": f.get("message")})
    return {
        "runs": runs,
        "cli_errors": sorted(errors, key=lambda e: e["paths"]),
        "releases": [{"gie_version": v, "reason": r} for v, r in sorted(releases)],
        "counts": {r: {s: c[s] for s in SEVERITIES if c[s]} for r, c in sorted(counts.items())},
        "findings": findings,
    }


# ---- verdicts -----------------------------------------------------------------------------------
@dataclass
class Verdict:
    rule: str
    tree: str  # fnmatch glob over tree names
    match: str  # regex searched in "file:line:col resource message"
    count: str
    verdict: str  # "true" | "false"
    reason: str
    row: int
    now: int = 0


def load_verdicts(path: Path) -> list[Verdict]:
    """The Markdown table of verdicts.md: | rule | tree | match | count | verdict | reason |."""
    rows: list[Verdict] = []
    header: list[str] | None = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("|"):
            header = None if not line.strip() else header
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if not {"rule", "tree", "match", "verdict"} <= set(header):
            continue
        row = dict(zip(header, cells, strict=False))
        verdict = row["verdict"].lower().split()[0] if row["verdict"] else ""
        if verdict not in ("true", "false"):
            raise SystemExit(f"{path}:{n}: verdict must be true or false, not {row['verdict']!r}")
        rows.append(Verdict(row["rule"].strip("`"), row["tree"].strip("`"), unescape(row["match"]),
                            row.get("count", ""), verdict, row.get("reason", ""), n))
    return rows


def first_int(cell: str) -> int | None:
    m = re.search(r"\d+", cell)
    return int(m.group()) if m else None


def unescape(cell: str) -> str:
    cell = cell.strip()
    if cell.startswith("`") and cell.endswith("`") and len(cell) >= 2:
        cell = cell[1:-1]
    return cell.replace("\\|", "|")


def judge(report: Mapping[str, Any], verdicts: list[Verdict]) -> dict[str, Any]:
    unjudged: list[dict[str, Any]] = []
    tally: Counter[str] = Counter()
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    compiled = [(v, re.compile(v.match)) for v in verdicts]
    for tree in report["trees"]:
        mode = tree["primary"]
        for f in tree["modes"][mode]["findings"]:
            if not gie_specific(f["rule"]):
                continue
            text = f"{f['at']} {f['resource']} {f['message']}"
            for v, rx in compiled:
                if v.rule == f["rule"] and fnmatch.fnmatchcase(tree["name"], v.tree) and rx.search(text):
                    v.now += 1
                    tally[v.verdict] += 1
                    per_rule[f["rule"]][v.verdict] += 1
                    break
            else:
                tally["unjudged"] += 1
                per_rule[f["rule"]]["unjudged"] += 1
                unjudged.append({"tree": tree["name"], **f})
    judged = tally["true"] + tally["false"]
    return {
        "true": tally["true"], "false": tally["false"], "unjudged": tally["unjudged"],
        "precision": round(tally["true"] / judged, 4) if judged else None,
        "rows": [{"row": v.row, "rule": v.rule, "tree": v.tree, "match": v.match, "verdict": v.verdict,
                  "count_recorded": v.count, "count_now": v.now} for v in verdicts],
        "unjudged_findings": unjudged,
        "per_rule": {r: {k: c[k] for k in ("true", "false", "unjudged")} for r, c in sorted(per_rule.items())},
    }


# ---- Markdown -----------------------------------------------------------------------------------
def cell(c: Mapping[str, int]) -> str:
    parts = [f"{c[s]}{s[0]}" for s in ("error", "warning") if c.get(s)]
    return " ".join(parts)


def markdown(report: Mapping[str, Any]) -> str:
    out: list[str] = []
    trees = report["trees"]
    rules = sorted({r for t in trees for r, c in t["modes"][t["primary"]]["counts"].items()
                    if c.get("error") or c.get("warning")})
    g = [r for r in rules if gie_specific(r)]
    s = [r for r in rules if not gie_specific(r)]
    gl = report["gie_lint"]
    out.append(f"## Field trees: {len(trees)} trees, {gl['version']} (code {gl['code']}"
               + (", snapshot" if gl.get("snapshot") else "") + ")")
    out.append("")
    out.append("Primary mode per tree; cells are errors (e) / warnings (w); GIE9xx after the bar. "
               "Trees without errors or warnings are left out.")
    out.append("")
    out.append("| tree | mode | " + " | ".join(g) + (" | ‖ | " if s else " |") + " | ".join(s) + (" |" if s else ""))
    out.append("|---|---|" + "---|" * len(g) + ("---|" if s else "") + "---|" * len(s))
    clean = 0
    for t in trees:
        counts = t["modes"][t["primary"]]["counts"]
        if not any(c.get("error") or c.get("warning") for c in counts.values()):
            clean += 1
            continue
        row = [cell(counts.get(r, {})) for r in g] + ([""] if s else []) + [cell(counts.get(r, {})) for r in s]
        out.append(f"| {t['name']} | {t['primary']} | " + " | ".join(row) + " |")
    out.append("")
    out.append(f"{clean} trees have no error or warning in their primary mode.")
    out.append("")
    out.append("| rule | errors | warnings | infos | trees | errors+warnings in other modes |")
    out.append("|---|---|---|---|---|---|")
    for r in sorted({r for t in trees for m in t["modes"].values() for r in m["counts"]}):
        tot: Counter[str] = Counter()
        other: Counter[str] = Counter()
        n = 0
        for t in trees:
            for mode, m in t["modes"].items():
                c = m["counts"].get(r, {})
                if mode == t["primary"]:
                    tot.update(c)
                    n += bool(c)
                else:
                    other[mode] += c.get("error", 0) + c.get("warning", 0)
        o = ", ".join(f"{k}: {v}" for k, v in sorted(other.items()) if v)
        out.append(f"| {r} | {tot['error']} | {tot['warning']} | {tot['info']} | {n} | {o} |")
    gie, nine = report["totals"]["gie"], report["totals"]["9xx"]
    out.append("")
    out.append(f"GIE-specific (GIE001-GIE099) errors+warnings: **{gie['error'] + gie['warning']}** "
               f"({gie['error']} errors, {gie['warning']} warnings); "
               f"GIE9xx: {nine['error']} errors, {nine['warning']} warnings, {nine['info']} infos.")
    errs = [(t["name"], mode, e) for t in trees for mode, m in t["modes"].items() for e in m["cli_errors"]]
    if errs:
        out.append("")
        out.append(f"**{len(errs)} CLI runs failed** (exit 2 or no JSON):")
        for name, mode, e in errs:
            out.append(f"- {name} [{mode}] {' '.join(e['paths'])}: {e['error']}")
    v = report.get("verdicts")
    if v:
        out.append("")
        prec = f"{v['precision']:.1%}" if v["precision"] is not None else "n/a"
        out.append(f"**Precision (GIE-specific errors+warnings, primary modes): {prec}** — "
                   f"{v['true']} true, {v['false']} false, {v['unjudged']} not matched by a verdict row.")
        out.append("")
        out.append("| rule | true | false | not judged |")
        out.append("|---|---|---|---|")
        for rule, c in v.get("per_rule", {}).items():
            out.append(f"| {rule} | {c['true']} | {c['false']} | {c['unjudged']} |")
        changed = [r for r in v["rows"] if first_int(r["count_recorded"]) != r["count_now"]]
        if changed:
            out.append("")
            out.append("Verdict rows whose count changed since they were recorded (row: recorded → now):")
            for r in changed:
                out.append(f"- verdicts.md:{r['row']} {r['rule']} {r['tree']} [{r['verdict']}]: "
                           f"{r['count_recorded']} → {r['count_now']}")
        if v["unjudged_findings"]:
            out.append("")
            out.append("Not yet judged:")
            for f in v["unjudged_findings"]:
                out.append(f"- {f['rule']} {f['severity']} {f['tree']} {f['at']} {f['resource']}: {f['message']}")
    return "\n".join(out) + "\n"


# ---- main ---------------------------------------------------------------------------------------
def find_cli(arg: str | None) -> tuple[str, Path | None]:
    """The gie-lint executable, and the checkout it belongs to when known."""
    if arg:
        p = Path(arg)
        if p.is_dir():
            checkout, p = p.resolve(), p / ".venv" / "bin" / "gie-lint"
            if not p.exists() and (checkout / "lint").is_dir():
                return "", checkout  # a source tree without a venv (e.g. `git archive`): needs --snapshot
        else:
            checkout = None
        if not p.exists():
            raise SystemExit(f"run.py: no gie-lint at {p}")
        return str(p.resolve()), checkout
    local = PROJECT / ".venv" / "bin" / "gie-lint"
    if local.exists():
        return str(local), PROJECT
    found = shutil.which("gie-lint")
    if not found:
        raise SystemExit("run.py: gie-lint not found; pass --gie-lint")
    return found, None


def fingerprint(checkout: Path | None) -> str | None:
    """sha256 over the checkout's lint/ and schemas/ files (paths and contents): which code was measured."""
    if checkout is None or not (checkout / "lint").is_dir():
        return None
    h = hashlib.sha256()
    for top in ("lint", "schemas"):
        for f in sorted((checkout / top).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(checkout)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def snapshot(checkout: Path, dest: Path) -> tuple[list[str], dict[str, str]]:
    """Copy lint/ and schemas/ (as lint/_schemas, where the package keeps them) so that edits made to the
    checkout while the trees are linted do not mix two states of the code in one report."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(checkout / "lint", dest / "lint", ignore=shutil.ignore_patterns("__pycache__"))
    if (checkout / "schemas").is_dir() and not (dest / "lint" / "_schemas").exists():
        shutil.copytree(checkout / "schemas", dest / "lint" / "_schemas")
    python = next((c / ".venv" / "bin" / "python" for c in (checkout, PROJECT)
                   if (c / ".venv" / "bin" / "python").exists()), Path(sys.executable))
    cmd = [str(python), "-c",
           "import sys; from gie_lint.cli.main import main; sys.exit(main())"]
    return cmd, {"PYTHONPATH": str(dest)}


def check_no_config(root: Path) -> None:
    for d in (root, *root.parents):
        for name in CONFIG_NAMES:
            if (d / name).is_file() and (name != "pyproject.toml" or "gie-lint" in (d / name).read_text("utf-8")):
                raise SystemExit(f"run.py: {d / name} would be read as the gie-lint config; move the trees elsewhere")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trees", type=Path, default=Path("/tmp/gie-lint-field/trees"),
                    help="the --out folder of extract.py (with trees.json)")
    ap.add_argument("--out", type=Path, help="the JSON report (required unless --from-report)")
    ap.add_argument("--gie-lint", help="gie-lint executable, or a checkout with .venv/bin/gie-lint")
    ap.add_argument("--only", action="append", default=[], help="tree-name glob (repeatable)")
    ap.add_argument("--verdicts", type=Path, help="verdicts.md: judge the GIE-specific errors and warnings")
    ap.add_argument("--markdown", type=Path, help="also write the Markdown summary here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    ap.add_argument("--snapshot", action="store_true",
                    help="lint with a copy of the checkout's lint/ taken at start (others may be editing it)")
    ap.add_argument("--no-batch", dest="batch", action="store_false",
                    help="one CLI run per single-file tree / per file, instead of batched --per-file runs")
    ap.add_argument("--from-report", type=Path,
                    help="do not lint: re-judge an earlier report.json with --verdicts and print its summary")
    a = ap.parse_args(argv)
    if a.from_report:
        earlier: dict[str, Any] = json.loads(a.from_report.read_text(encoding="utf-8"))
        if a.verdicts:
            earlier["verdicts"] = judge(earlier, load_verdicts(a.verdicts))
        if a.out and a.out != a.from_report:
            a.out.write_text(json.dumps(earlier, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        sys.stdout.write(markdown(earlier))
        return 0
    if a.out is None:
        ap.error("--out is required")
    root = a.trees.resolve()
    manifest = json.loads((root / "trees.json").read_text(encoding="utf-8"))
    check_no_config(root)
    exe, checkout = find_cli(a.gie_lint)
    code = fingerprint(checkout)
    if a.snapshot:
        if checkout is None:
            raise SystemExit("run.py: --snapshot needs a checkout (the project, or --gie-lint DIR)")
        cmd, env = snapshot(checkout, root.parent / (root.name + ".gie-lint-snapshot"))
        cli = Cli(cmd, root, env)
    elif exe:
        cli = Cli([exe], root)
    else:
        raise SystemExit(f"run.py: {checkout} has no .venv/bin/gie-lint; add --snapshot to run its lint/ from a copy")
    trees = [t for t in manifest["trees"] if not a.only or any(fnmatch.fnmatchcase(t["name"], g) for g in a.only)]
    # Every file linted as its own scenario (single-file trees, per-file modes) goes into a few batched
    # `--per-file` runs: the same scenarios, a fraction of the start-up cost. --no-batch runs them one by one.
    batched: dict[tuple[str, str], str] = {}
    plan: list[tuple[tuple[str, str], Invocation]] = []
    for t in trees:
        for mode in t["modes"]:
            key = (t["name"], mode)
            single = mode == "tree" and (root / t["path"]).is_file()
            if a.batch and cli.has_per_file and (single or mode == "per-file"):
                batched[key] = t["path"]
            else:
                plan.extend((key, inv) for inv in invocations(t, mode, root, cli))
    paths = sorted(batched.values())
    chunks = [tuple(paths[i::a.jobs]) for i in range(a.jobs) if paths[i::a.jobs]]
    batch_invs = [Invocation("(batch)", "per-file", c, per_file=True) for c in chunks]
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        outcomes = list(pool.map(cli.lint, [inv for _, inv in plan] + batch_invs))
    by: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for (key, _), o in zip(plan, outcomes, strict=False):
        by[key].append(o)
    batch_outcomes = outcomes[len(plan):]
    report: dict[str, Any] = {
        "format": 1,
        "gie_lint": {"version": cli.version, "per_file_flag": cli.has_per_file, "code": code,
                     "snapshot": bool(a.snapshot)},
        "trees_failed_to_render": manifest.get("failed", []),
        "trees": [],
    }
    totals: dict[str, Counter[str]] = {"gie": Counter(), "9xx": Counter(), "other": Counter()}
    for t in trees:
        modes = {}
        for mode in t["modes"]:
            key = (t["name"], mode)
            if key in batched:
                mine = [o for o in batch_outcomes if t["path"] in o.inv.paths]
                modes[mode] = collect(mine, only=t["path"])
                modes[mode]["runs"] = 1
            else:
                modes[mode] = collect(by[key])
        entry = {k: t[k] for k in ("name", "repo", "ref", "commit", "source", "rendered", "path", "objects")}
        entry.update({"primary": t["modes"][0], "modes": modes})
        report["trees"].append(entry)
        for r, c in modes[t["modes"][0]]["counts"].items():
            totals[rule_class(r)].update(c)
    report["totals"] = {k: {s: v[s] for s in SEVERITIES} for k, v in totals.items()}
    if a.verdicts:
        report["verdicts"] = judge(report, load_verdicts(a.verdicts))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    md = markdown(report)
    if a.markdown:
        a.markdown.write_text(md, encoding="utf-8")
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
