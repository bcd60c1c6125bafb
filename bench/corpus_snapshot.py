"""Snapshot gie-lint's JSON output over ../shared/corpus, to prove a refactor keeps behaviour.

Runs the CLI (not the library, whose API may be what changed) on every corpus file alone, on every
scenario of scenarios.yaml with its variables (release from the EPP image, as a user runs it), and on
all files at once; writes one JSON document per run into OUT. Compare two snapshots with `diff -r BEFORE AFTER`.

    python bench/corpus_snapshot.py --gie-lint .venv/bin/gie-lint --out /tmp/after [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml


def _run(gie_lint: str, cwd: Path, args: list[str]) -> str:
    proc = subprocess.run([gie_lint, "check", "--format", "json", "--allow-empty", *args],
                          cwd=cwd, capture_output=True, text=True, check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return json.dumps({"exit": proc.returncode, "stderr": proc.stderr}, indent=1) + "\n"
    report.pop("tool", None)  # the version string, not behaviour
    return json.dumps({"exit": proc.returncode, "report": report}, indent=1, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gie-lint", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    files = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*")
                   if p.suffix in (".yaml", ".yml") and p.name not in ("expected.yaml", "scenarios.yaml"))
    runs: dict[str, list[str]] = {f"file/{f.replace('/', '__')}.json": [f] for f in files}
    runs["all.json"] = files
    for scenario in yaml.safe_load((corpus / "scenarios.yaml").read_text()):
        variables = scenario.get("variables") or {}
        flags = [f"--var={k}={v}" for k, v in variables.items()]
        flags += ["--namespace", str(variables.get("E2E_NS", "default"))]
        runs[f"scenario/{scenario['id']}.json"] = [*flags, *scenario["files"]]
    (args.out / "file").mkdir(parents=True, exist_ok=True)
    (args.out / "scenario").mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        texts = pool.map(lambda item: (item[0], _run(args.gie_lint, corpus, item[1])), runs.items())
        for name, text in texts:
            (args.out / name).write_text(text)
    print(f"{len(runs)} runs written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
