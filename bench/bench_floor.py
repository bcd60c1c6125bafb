"""gie-lint next to the YAML floor and other validators, on the same bytes: wall, CPU, peak RSS and ratios.

Run: .venv/bin/python bench/bench_floor.py [--sizes 2000,20000] [--dump-mb 10,30] [--repeat 1] [--tools-max 2000]

Every figure is one child process, measured by the parent (`os.wait4`: the child's own user+system CPU and peak
RSS, as `resource.getrusage(RUSAGE_CHILDREN)` reports them, but per child); the fastest of `--repeat` runs is
shown. The children run with bytecode cached in a temporary PYTHONPYCACHEPREFIX (as an installed package has
it; a warm-up run fills it) and in a folder without a config file. Rows:

* `gie-lint`: the full check (`python -m gie_lint check --gie-version v1.5.0 --jobs 1 PATH`: schemas, CEL, every
  rule), and for inputs of 4 MiB or more (where `--jobs` defaults to the CPU count) with `--jobs <CPUs>` too;
* `floor`: the bare libyaml compose, `yaml.compose_all(bytes, Loader=yaml.CSafeLoader)` over the same files;
* `kubernetes-validate`: `kubernetes-validate --strict --quiet FILES` (a dependency; it knows core kinds only,
  so it judges fewer objects); run up to `--tools-max` objects, it is ~100x slower than the floor;
* `check-jsonschema` (the pinned `bench` extra; not a runtime dependency): it takes one document per file and one
  schema, so it gets its own input: every Deployment of the stacks, one per file, against the strict Deployment
  schema, next to gie-lint's full check and the floor on the same files.

Inputs (bench/generate.py, 10 stacks per namespace, 0 findings by construction): each size as one
multi-document stream and as one file per stack; dumps of `--dump-mb` megabytes as one stream, to show
whether time and memory grow linearly; `--version` and one small file (examples/broken/pool-v1-legacy-fields.yaml).
Ratios are gie-lint / floor. Printed, never asserted; issue 11's targets are listed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SMALL_FILE = ROOT / "examples/broken/pool-v1-legacy-fields.yaml"
PER_GATEWAY = 10
BYTES_PER_STACK = 7410  # ~ bench/generate.py's output per stack, to size the dumps
FLOOR = ("import sys, yaml\n"
         "for path in sys.argv[1:]:\n"
         "    with open(path, 'rb') as stream:\n"
         "        for _ in yaml.compose_all(stream.read(), Loader=yaml.CSafeLoader):\n"
         "            pass\n")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    code: int


def measure(argv: list[str], cwd: Path, env: dict[str, str], repeat: int) -> Sample:
    """The fastest of `repeat` runs of `argv` (CPU time decides), each its own child process."""
    best: Sample | None = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        sample = Sample(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                        child.returncode)
        if best is None or sample.cpu < best.cpu:
            best = sample
    assert best is not None
    return best


def yaml_files(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        found += sorted(str(p) for p in path.rglob("*.yaml")) if path.is_dir() else [str(path)]
    return found


class Bench:
    def __init__(self, folder: Path, repeat: int, tools_max: int) -> None:
        self.folder, self.repeat, self.tools_max = folder, repeat, tools_max
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        self.env["PYTHONPATH"] = str(ROOT)
        self.cwd = folder / "cwd"  # no .gie-lint.yaml here or above
        self.cwd.mkdir()
        self.kubernetes_validate = shutil.which("kubernetes-validate", path=str(Path(sys.executable).parent))
        self.check_jsonschema = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
        self.missed: list[str] = []

    def lint(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "gie_lint", *args]

    def row(self, label: str, argv: list[str], floor: Sample | None = None, repeat: int | None = None) -> Sample:
        sample = measure(argv, self.cwd, self.env, self.repeat if repeat is None else repeat)
        ratio = ""
        if floor is not None and floor.cpu > 0:
            ratio = (f"  {sample.wall / floor.wall:6.1f}x {sample.cpu / floor.cpu:6.1f}x "
                     f"{sample.rss_mib / floor.rss_mib:5.1f}x")
        print(f"  {label:<22} {sample.wall:8.2f} {sample.cpu:8.2f} {sample.rss_mib:8.0f}   exit {sample.code}{ratio}",
              flush=True)
        return sample

    def header(self, title: str) -> None:
        print(f"\n{title}\n  {'':<22} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8}            "
              f"{'/floor: wall    CPU   RSS' }")

    def compare(self, title: str, paths: list[Path], objects: int) -> tuple[Sample, Sample]:
        """gie-lint, the floor and the other validators on the same files."""
        files = yaml_files(paths)
        size = sum(os.path.getsize(f) for f in files) / 1e6
        self.header(f"{title}: {objects} objects, {len(files)} file(s), {size:.1f} MB")
        floor = self.row("floor (CSafeLoader)", [sys.executable, "-c", FLOOR, *files])
        check = ["check", "--gie-version", "v1.5.0", "--quiet"]
        full = self.row("gie-lint check -j 1", self.lint(*check, "--jobs", "1", *map(str, paths)), floor)
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        if cpus > 1 and size >= 4.2:  # gie-lint's default from 4 MiB: every CPU
            wide = self.row(f"gie-lint check -j {cpus}", self.lint(*check, "--jobs", str(cpus), *map(str, paths)),
                            floor)
            print(f"  {'':<22} -j {cpus}: {full.wall / wide.wall:.2f}x faster (wall) than -j 1, "
                  f"{wide.cpu / full.cpu:.2f}x the CPU")
        if objects > self.tools_max:
            print(f"  {'kubernetes-validate':<22} skipped: over --tools-max {self.tools_max} objects")
        elif self.kubernetes_validate:
            self.row("kubernetes-validate", [self.kubernetes_validate, "--strict", "--quiet", *files], floor, 1)
        else:
            print(f"  {'kubernetes-validate':<22} skipped: not installed")
        return floor, full

    def single_documents(self, folder: Path, count: int) -> None:
        """check-jsonschema takes one document per file and one schema: every Deployment of the stacks, each
        its own file, against the strict Deployment schema gie-lint uses too (kubernetes-validate's)."""
        files = yaml_files([folder])
        size = sum(os.path.getsize(f) for f in files) / 1e6
        self.header(f"one Deployment per file (check-jsonschema's input): {count} objects, {size:.1f} MB")
        floor = self.row("floor (CSafeLoader)", [sys.executable, "-c", FLOOR, *files])
        self.row("gie-lint check -j 1", self.lint("check", "--gie-version", "v1.5.0", "--quiet", "--jobs", "1",
                                                  str(folder)), floor)
        if self.check_jsonschema is None:
            print(f"  {'check-jsonschema':<22} skipped: not installed (`make bench` installs the bench extra)")
            return
        import importlib.util

        spec = importlib.util.find_spec("kubernetes_validate")
        assert spec is not None and spec.submodule_search_locations
        schemas = Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"
        newest = sorted(schemas.glob("v*-local-strict"), key=lambda p: [int(x) for x in p.name[1:].split("-")[0]
                                                                        .split(".")])[-1]
        bundled = self.folder / "deployment-bundled.json"
        bundled.write_text(json.dumps(_bundled(newest / "deployment-apps-v1.json", newest / "_definitions.json")))
        self.row("check-jsonschema", [self.check_jsonschema, "--schemafile", str(bundled), *files], floor, 1)


def _bundled(schema_file: Path, definitions_file: Path) -> dict[str, object]:
    """The strict schema with `_definitions.json` inlined as `$defs`: its `/api/_definitions.json#…` references
    resolve against kubernetes.io, which check-jsonschema would fetch (gie-lint registers the file instead)."""
    def local(node: object) -> object:
        if isinstance(node, dict):
            return {k: ("#" + v.split("#", 1)[1] if k == "$ref" and isinstance(v, str) and "#" in v else local(v))
                    for k, v in node.items()}
        return [local(v) for v in node] if isinstance(node, list) else node

    schema = local(json.loads(schema_file.read_text()))
    assert isinstance(schema, dict)
    schema["$defs"] = local(json.loads(definitions_file.read_text()).get("$defs", {}))
    return schema


def _stream(folder: Path, name: str, stacks: int) -> Path:
    path = folder / f"{name}.yaml"
    with path.open("w", encoding="utf-8") as out:
        generate.write_stream(stacks, PER_GATEWAY, out)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000", help="objects per input, comma-separated")
    parser.add_argument("--dump-mb", default="10,30",
                        help="one-stream dumps of these sizes in MB, comma-separated (e.g. 10,30,100; '' for none)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row, the fastest shown (startup: 5)")
    parser.add_argument("--tools-max", type=int, default=2000,
                        help="run kubernetes-validate/check-jsonschema up to this many objects (default 2000)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    dumps = [float(x) for x in args.dump_mb.split(",") if x.strip()]

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); each row one process, fastest of "
          f"{args.repeat}; ratios gie-lint / floor")
    with tempfile.TemporaryDirectory(prefix="gie-floor-") as tmp:
        folder = Path(tmp)
        bench = Bench(folder, args.repeat, args.tools_max)
        small = folder / "cwd-small.yaml"
        shutil.copyfile(SMALL_FILE, small)
        measure(bench.lint("check", str(small)), bench.cwd, bench.env, 1)  # fills the bytecode cache

        bench.header("start-up")
        python = bench.row("python -c pass", [sys.executable, "-c", "pass"], repeat=5)
        version = bench.row("gie-lint --version", bench.lint("--version"), repeat=5)
        one = bench.row("gie-lint check 1 file", bench.lint("check", str(small)), repeat=5)
        for label, sample in (("--version", version), ("check of one small file", one)):
            if sample.cpu > 0.15:
                bench.missed.append(f"{label}: {sample.cpu:.3f} s CPU > 0.15 s (python itself: {python.cpu:.3f} s)")

        results: dict[tuple[str, int], tuple[Sample, Sample]] = {}
        for objects in sizes:
            stacks = max(1, round(objects / (generate.OBJECTS_PER_STACK + 1 / PER_GATEWAY)))
            count = generate.object_count(stacks, PER_GATEWAY)
            stream = _stream(folder, f"stream-{objects}", stacks)
            split = folder / f"split-{objects}"
            generate.write_split(stacks, PER_GATEWAY, split)
            results["stream", objects] = bench.compare("one stream", [stream], count)
            results["files", objects] = bench.compare("many files", [split], count)
            single = folder / f"single-{objects}"
            bench.single_documents(single, len(generate.write_single(stacks, PER_GATEWAY, single)))
            stream.unlink()
            shutil.rmtree(split)
            shutil.rmtree(single)

        dumped: list[tuple[float, Sample]] = []
        for megabytes in dumps:
            stacks = max(1, round(megabytes * 1e6 / BYTES_PER_STACK))
            path = _stream(folder, f"dump-{megabytes:g}", stacks)
            real = path.stat().st_size / 1e6
            _, full = bench.compare(f"dump {megabytes:g} MB", [path], generate.object_count(stacks, PER_GATEWAY))
            dumped.append((real, full))
            path.unlink()

        print("\nscaling and targets (issue 11)")
        if len(sizes) >= 2:
            low, high = min(sizes), max(sizes)
            for layout in ("stream", "files"):
                a, b = results[layout, low][1], results[layout, high][1]
                floor = results[layout, high][0]
                print(f"  {layout:<6} {low} -> {high}: CPU {b.cpu / a.cpu:.1f}x (target <= 11x); {high} objects at "
                      f"{b.cpu / floor.cpu:.1f}x the floor's CPU (target <= 3x)")
                if b.cpu / a.cpu > 11:
                    bench.missed.append(f"{layout} {low} -> {high} grew {b.cpu / a.cpu:.1f}x > 11x")
                if b.cpu / floor.cpu > 3:
                    bench.missed.append(f"{layout} {high}: {b.cpu / floor.cpu:.1f}x the floor > 3x")
        for real, full in dumped:
            print(f"  dump {real:6.1f} MB: {full.cpu / real:.2f} CPU s/MB, {full.rss_mib / real:.0f} MiB RSS/MB, "
                  f"peak {full.rss_mib:.0f} MiB")
        if len(dumped) >= 2:
            (a_mb, a), (b_mb, b) = dumped[0], dumped[-1]
            print(f"  dumps {a_mb:.0f} -> {b_mb:.0f} MB ({b_mb / a_mb:.1f}x the bytes): CPU {b.cpu / a.cpu:.1f}x, "
                  f"peak RSS {b.rss_mib / a.rss_mib:.1f}x")
            slope = (b.rss_mib - a.rss_mib) / (b_mb - a_mb) if b_mb > a_mb else b.rss_mib / b_mb
            projected = b.rss_mib + slope * (100 - b_mb)  # a straight line through the two dumps
            print(f"  100 MB projected by that line: {b.cpu / b_mb * 100:.0f} s CPU, {projected:.0f} MiB peak RSS "
                  f"({slope:.0f} MiB per MB; target < 1536 MiB)")
            if projected >= 1536:
                bench.missed.append(f"100 MB dump: ~{projected:.0f} MiB projected peak RSS >= 1.5 GB")
        for reason in bench.missed:
            print(f"TARGET MISSED: {reason}")
        print("all targets met" if not bench.missed else f"{len(bench.missed)} target(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
