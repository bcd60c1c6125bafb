"""How the lint stages scale from ~2k to ~20k objects (printed ratios, no assertions).

Run: .venv/bin/python bench/bench_rules.py [--small 2000] [--large 20000] [--layouts 10,0] [--repeat 3] [--split]

Generates synthetic streams of pool stacks (bench/generate.py: 0 findings by construction) into a temporary
folder, lints each in-process through the engine API (`gie_lint.engine.run.run` and its `timing` hook) and
prints, per layout, the CPU time of each stage (sources: files/YAML/resources/release; topology; schemas;
rules; other: variants, suppressions, reports, the result), how much of it the cyclic GC took, and the 10
slowest rules at the large size. Layouts: `10` puts 10 stacks in each namespace (one Gateway each), `0` puts
every stack into one namespace, which is where per-namespace scans turn quadratic.

The rule stage should grow linearly: "TARGET MISSED" is printed when, at 10x the objects, it takes more than
11x as long, or when any single rule takes more than 1 s at the large size. CPU time (not wall time) is
measured, so other processes on the machine disturb the ratios less.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
from gie_lint.engine.run import ScenarioSpec, run  # noqa: E402

STAGES = ("sources", "topology", "schemas", "rules")
RULE_STAGE_RATIO = 11.0  # allowed growth of the rule stage for 10x the objects
RULE_LIMIT = 1.0  # seconds any single rule may take at the large size
GIE_VERSION = "v1.5.0"


class _GcClock:
    """CPU seconds spent in the cyclic garbage collector (gc.callbacks), to tell GC pauses from the code's own."""

    def __init__(self) -> None:
        self.total = 0.0
        self._since = 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._since = time.process_time()
        else:
            self.total += time.process_time() - self._since


GC = _GcClock()


@dataclass
class Timings:
    objects: int
    findings: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # STAGES, "other" and "total"
    gc: dict[str, float] = field(default_factory=dict)  # GC time within each of those
    rules: dict[str, float] = field(default_factory=dict)

    def stage(self, name: str) -> float:
        return self.stages.get(name, 0.0)

    def stage_gc(self, name: str) -> float:
        return self.gc.get(name, 0.0)


def _stacks_for(objects: int, per_gateway: int) -> int:
    """The number of stacks whose stream is closest to `objects` objects."""
    per_stack = generate.OBJECTS_PER_STACK + (1 / per_gateway if per_gateway else 0)
    stacks = max(1, round(objects / per_stack))
    return min((s for s in (stacks - 1, stacks, stacks + 1) if s > 0),
               key=lambda s: abs(generate.object_count(s, per_gateway) - objects))


def _lint(paths: tuple[str, ...], objects: int) -> Timings:
    """One timed run over `paths`: each stage with its GC share, each rule, and the total."""
    gc.collect()
    stages: dict[str, float] = defaultdict(float)
    gcs: dict[str, float] = defaultdict(float)
    rules: dict[str, float] = defaultdict(float)
    seen = GC.total

    def timing(stage: str, what: str, seconds: float) -> None:
        nonlocal seen
        key = "rules" if stage == "rule" else stage
        if stage == "rule":
            rules[what] += seconds
        stages[key] += seconds
        gcs[key] += GC.total - seen
        seen = GC.total

    spec = ScenarioSpec("bench", paths, gie_version=GIE_VERSION, gie_version_from="bench")
    start, gc_start = time.process_time(), GC.total
    result = run([spec], timing=timing).result
    stages["total"], gcs["total"] = time.process_time() - start, GC.total - gc_start
    stages["other"] = max(0.0, stages["total"] - sum(stages[k] for k in STAGES))
    gcs["other"] = max(0.0, gcs["total"] - sum(gcs[k] for k in STAGES))
    return Timings(objects, len(result.findings), dict(stages), dict(gcs), dict(rules))


def _fastest(runs: list[Timings]) -> Timings:
    """Each stage (with its GC share), rule and the total from the run where it was fastest."""
    best = Timings(runs[0].objects, runs[0].findings)
    for key in (*STAGES, "other", "total"):
        fastest = min(runs, key=lambda t: t.stage(key))
        best.stages[key], best.gc[key] = fastest.stage(key), fastest.stage_gc(key)
    best.rules = {rule: min(r.rules.get(rule, 0.0) for r in runs) for rule in runs[0].rules}
    return best


def _write(folder: Path, name: str, stacks: int, per_gateway: int, split: bool) -> tuple[str, ...]:
    if split:
        generate.write_split(stacks, per_gateway, folder / name)
        return (str(folder / name),)
    path = folder / f"{name}.yaml"
    with path.open("w", encoding="utf-8") as out:
        generate.write_stream(stacks, per_gateway, out)
    return (str(path),)


def _ratio(large: float, small: float) -> str:
    return f"{large / small:6.1f}x" if small > 0 else "     -"


def _layout(per_gateway: int) -> str:
    return "all stacks in one namespace" if per_gateway == 0 else f"{per_gateway} stacks per namespace/Gateway"


def _report(small: Timings, large: Timings, top: int) -> list[str]:
    """Print one layout's tables; return why the target was missed (empty: met)."""
    print(f"{'stage':<10} {small.objects:>8} obj (GC)    {large.objects:>8} obj (GC)     ratio")
    for stage in (*STAGES, "other", "total"):
        a, b = small.stage(stage), large.stage(stage)
        print(f"{stage:<10} {a:8.3f} s ({small.stage_gc(stage):5.2f}) {b:8.3f} s ({large.stage_gc(stage):5.2f})"
              f"  {_ratio(b, a)}")
    print(f"findings   {small.findings:>10}         {large.findings:>10}")
    print(f"objects ratio {large.objects / max(1, small.objects):.1f}x")

    print(f"top {top} rules by time at {large.objects} objects")
    print(f"{'rule':<8} {small.objects:>8} obj {large.objects:>8} obj    ratio")
    for rule, seconds in sorted(large.rules.items(), key=lambda item: item[1], reverse=True)[:top]:
        before = small.rules.get(rule, 0.0)
        print(f"{rule:<8} {before * 1e3:9.1f} ms {seconds * 1e3:9.1f} ms  {_ratio(seconds, before)}")

    small_rules, large_rules = small.stage("rules"), large.stage("rules")
    ratio = large_rules / max(small_rules, 1e-9)
    own = (large_rules - large.stage_gc("rules")) / max(small_rules - small.stage_gc("rules"), 1e-9)
    print(f"rule stage {large.objects}/{small.objects}: {ratio:.1f}x (without GC {own:.1f}x; target <= "
          f"{RULE_STAGE_RATIO:g}x)")
    missed = [f"rule stage grew {ratio:.1f}x > {RULE_STAGE_RATIO:g}x"] if ratio > RULE_STAGE_RATIO else []
    missed += [f"{rule} took {seconds:.2f} s > {RULE_LIMIT:g} s" for rule, seconds in sorted(large.rules.items())
               if seconds > RULE_LIMIT]
    for reason in missed:
        print(f"TARGET MISSED: {reason}")
    if not missed:
        print(f"target met: rule stage within {RULE_STAGE_RATIO:g}x, no rule over {RULE_LIMIT:g} s")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000, help="objects in the small stream (default 2000)")
    parser.add_argument("--large", type=int, default=20000, help="objects in the large stream (default 20000)")
    parser.add_argument("--layouts", default="10,0",
                        help="stacks per namespace, comma-separated; 0: all in one namespace (default 10,0)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per size (default 3); each stage and rule shows its fastest run")
    parser.add_argument("--split", action="store_true", help="one file per stack instead of one stream")
    parser.add_argument("--top", type=int, default=10, help="slowest rules to show")
    args = parser.parse_args()
    layouts = [int(x) for x in args.layouts.split(",") if x.strip()]
    if not layouts or any(n < 0 for n in layouts):
        parser.error("--layouts: stacks per namespace, >= 0")
    gc.callbacks.append(GC)

    print(f"GIE {GIE_VERSION}, {'one file per stack' if args.split else 'one stream'}; CPU seconds, each stage and "
          f"rule the fastest of {max(1, args.repeat)} run(s); (GC): of which the cyclic garbage collector")
    missed = []
    with tempfile.TemporaryDirectory(prefix="gie-bench-") as tmp:
        folder = Path(tmp)
        _lint(_write(folder, "warmup", 1, 1, args.split), 0)  # imports, release data
        for per_gateway in layouts:
            print(f"\n== {_layout(per_gateway)}")
            inputs = []
            for label, objects in (("small", args.small), ("large", args.large)):
                stacks = _stacks_for(objects, per_gateway)
                count = generate.object_count(stacks, per_gateway)
                start = time.perf_counter()
                inputs.append((_write(folder, f"{label}-{per_gateway}", stacks, per_gateway, args.split), count))
                print(f"{label}: {stacks} stacks, {count} objects (generated in {time.perf_counter() - start:.2f} s)",
                      flush=True)
            runs: list[list[Timings]] = [[], []]
            for _ in range(max(1, args.repeat)):  # interleaved, so a busy spell of the machine hits both sizes
                for size, (paths, count) in enumerate(inputs):
                    runs[size].append(_lint(paths, count))
            small, large = _fastest(runs[0]), _fastest(runs[1])
            missed += [f"{_layout(per_gateway)}: {m}" for m in _report(small, large, args.top)]
    print(f"\n{'TARGET MISSED in ' + str(len(missed)) + ' place(s)' if missed else 'all targets met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
