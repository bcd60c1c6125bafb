"""Install: the sdist and wheel built from this tree, installed into a fresh venv outside the repository, and the
action's install step (.github/action/install.sh) run in a fake GitHub runner.

The builds need no network (setuptools from this interpreter, no build isolation); the installs take the
runtime dependencies from the package index, pinned by constraints.txt (pip's cache makes reruns fast). Without
an index the install tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import under_ci

pytestmark = pytest.mark.slow  # package builds, a fresh venv and pip installs from the index

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
BUILD_TIMEOUT = 300
PIP_TIMEOUT = 900  # a cold pip cache downloads ~30 MB of wheels
RUN_TIMEOUT = 120

# Tracked files the sdist must carry (to run the tests, `make lint` and `make test` from it), and what it never may.
REQUIRED = ("pyproject.toml", "MANIFEST.in", "constraints.txt", "Makefile", "README.md", "CHANGELOG.md",
            "action.yml", ".pre-commit-hooks.yaml", ".gie-lint.yaml", "mkdocs.yml",
            ".github/action/install.sh", ".github/action/lint.sh", "schemas/index.json",
            "tests/conftest.py", "tests/inputs/pool-v1-legacy-fields.yaml", "tests/golden", "tests/rules",
            "examples/epp/inferencepool.yaml", "docs/index.md")
SHIPPED = ("lint/", "schemas/", "tests/", "examples/", "docs/", "bench/", ".github/", ".ci/")
NOT_SHIPPED = re.compile(r"(^|/)(__pycache__/|[^/]*\.py[cod]$)|^(\.venv|site|build|docs/assets/vendor|\.typecheck)/")
# Planted in the tree the sdist is built from: MANIFEST.in must leave every one out.
DECOYS = (".venv/pyvenv.cfg", "site/index.html", "build/lib/gie_lint/__init__.py", "lint/__pycache__/x.cpython-311.pyc",
          "tests/__pycache__/conftest.cpython-311.pyc", "docs/assets/vendor/mermaid.min.js", "lint/stale.pyc")

# pip's messages when the index cannot be reached (or does not serve a pin).
UNREACHABLE = ("Failed to establish a new connection", "Temporary failure in name resolution", "Network is unreachable",
               "Name or service not known", "Connection refused", "ConnectTimeoutError", "Read timed out",
               "ProxyError", "No matching distribution found", "Could not find a version that satisfies")

# Test-only and docs-only tools: none may come with the runtime install.
NOT_RUNTIME = ("pytest", "pytest-xdist", "hypothesis", "mypy", "ruff", "pre-commit", "playwright", "mkdocs",
               "mkdocs-material", "types-PyYAML")

LEGACY_POOL = """\
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: legacy-pool
spec:
  targetPortNumber: 8000
  selector:
    app: vllm-qwen3-sim
  endpointPickerRef:
    name: legacy-pool-epp
    port:
      number: 9002
"""
FIXED_POOL = """\
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: vllm-qwen3-32b
spec:
  selector:
    matchLabels:
      app: vllm-qwen3-32b
  targetPorts:
    - number: 8000
  endpointPickerRef:
    name: vllm-qwen3-32b-epp
    port:
      number: 9002
"""

# Run in the installed venv: bytes and disk blocks (as du counts) per distribution (from its RECORD), and where
# gie_lint comes from.
SIZES = """\
import importlib.metadata as md, json, os, sys, sysconfig
import gie_lint
out = {"file": gie_lint.__file__, "path": sys.path, "prefix": sys.prefix, "sizes": {},
       "site": sysconfig.get_paths()["purelib"]}
for dist in md.distributions():
    size = disk = 0
    for f in dist.files or ():
        p = f.locate()
        if os.path.isfile(p):
            st = os.stat(p)
            size, disk = size + st.st_size, disk + st.st_blocks * 512
    out["sizes"][dist.metadata["Name"]] = [size, disk]
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Dist:
    source: Path  # the tree the sdist was built from (this checkout's files plus DECOYS)
    sdist: Path
    unpacked: Path  # the sdist unpacked; the wheel is built from it
    wheel: Path
    version: str


@dataclass(frozen=True)
class Venv:
    path: Path
    bin: Path
    env: dict[str, str]


def _run(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(argv)} did not finish within {timeout} s: {exc.stdout!r} {exc.stderr!r}")


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything that could point an interpreter at the checkout or its venv."""
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PIP_CONSTRAINT",
                        "PIP_REQUIRE_VIRTUALENV", "PIP_NO_INDEX", "PIP_USER", "PIP_TARGET", "PIP_PREFIX", "NO_COLOR",
                        "FORCE_COLOR", "GIE_LINT_DOCS_URL")
           and not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def _unreachable(result: subprocess.CompletedProcess[str], what: str) -> None:
    """Skip (fail under CI=true) when pip could not reach the package index; any other failure fails."""
    out = result.stdout + result.stderr
    if result.returncode == 0:
        return
    hits = [line.strip() for line in out.splitlines() if any(marker in line for marker in UNREACHABLE)]
    if hits:
        message = f"{what}: the package index is unreachable (or lacks a pin of constraints.txt): {hits[0][-300:]}"
        if under_ci():
            pytest.fail(f"{message} (CI=true: the install tests may not skip)")
        pytest.skip(message)
    pytest.fail(f"{what} failed (exit {result.returncode}): {out[-3000:]}")


def _source_files() -> list[str] | None:
    """The checkout's files (tracked, or new and not ignored), or None outside a git checkout (e.g. an sdist)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True, timeout=60).stdout
    return sorted({name for name in listed.split("\0") if name and os.path.lexists(ROOT / name)})


def _tracked_files() -> list[str] | None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True,
                            timeout=60).stdout
    return sorted(name for name in listed.split("\0") if name and os.path.lexists(ROOT / name))


def _copy_tree(dest: Path) -> None:
    files = _source_files()
    if files is None:  # not a git checkout: the tree minus what .gitignore names
        shutil.copytree(ROOT, dest, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "site", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
            ".mypy_cache", ".ruff_cache", "vendor", "dist"))
        return
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target, follow_symlinks=False)


def _build(backend_call: str, cwd: Path, out: Path) -> Path:
    """A PEP 517 build with this interpreter's setuptools (no isolation, so no network)."""
    code = f"from setuptools import build_meta as b; print(b.{backend_call}({str(out)!r}))"
    result = _run([sys.executable, "-c", code], cwd=cwd, env=_clean_env(), timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, f"{backend_call} failed: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return out / result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools is not installed in this interpreter (pip install -c constraints.txt '.[test]')")
    base = tmp_path_factory.mktemp("dist")
    source = base / "source"
    _copy_tree(source)
    for decoy in DECOYS:
        (source / decoy).parent.mkdir(parents=True, exist_ok=True)
        (source / decoy).write_text("decoy: never shipped\n")
    out = base / "out"
    out.mkdir()
    sdist = _build("build_sdist", source, out)
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # 3.11.4+
            archive.extractall(base / "unpacked", filter="data")
        else:
            archive.extractall(base / "unpacked")  # noqa: S202 - our own sdist
    (unpacked,) = (base / "unpacked").iterdir()
    wheel = _build("build_wheel", unpacked, out)  # from the sdist, as `python -m build` does: it must suffice
    version = wheel.name.split("-")[1]
    return Dist(source, sdist, unpacked, wheel, version)


@pytest.fixture(scope="module")
def venv(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh venv (no system site-packages) with the wheel and its runtime dependencies, pinned."""
    base = tmp_path_factory.mktemp("venv")
    path = base / "venv"
    env = _clean_env()
    made = _run([sys.executable, "-m", "venv", str(path)], cwd=base, env=env, timeout=RUN_TIMEOUT)
    assert made.returncode == 0, made.stderr
    python = path / "bin" / "python"
    installed = _run([str(python), "-m", "pip", "install", "--retries", "2", "--timeout", "30",
                      "-c", str(CONSTRAINTS), str(dist.wheel)], cwd=base, env=env, timeout=PIP_TIMEOUT)
    _unreachable(installed, "pip install <wheel> -c constraints.txt")
    return Venv(path, path / "bin", {**env, "PATH": f"{path / 'bin'}{os.pathsep}{env['PATH']}"})


def _members(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as archive:
        names = [m.name for m in archive.getmembers() if not m.isdir()]
    top = {name.split("/", 1)[0] for name in names}
    assert len(top) == 1, top
    return {name.split("/", 1)[1] for name in names if "/" in name}


def test_sdist_holds_the_tracked_files(dist: Dist) -> None:
    members = _members(dist.sdist)
    missing = [name for name in REQUIRED if name not in members and not any(m.startswith(f"{name}/") for m in members)]
    assert not missing, f"the sdist lacks {missing}"
    assert any(m.startswith("tests/golden/") for m in members) and any(m.startswith("tests/rules/") for m in members)
    leaked = sorted(m for m in members if NOT_SHIPPED.search(m) or m in DECOYS)
    assert not leaked, f"the sdist ships {leaked}"
    tracked = _tracked_files()
    if tracked is None:
        pytest.skip("not a git checkout: the sdist was checked against REQUIRED only")
    # Every tracked file, the mypy symlink .typecheck/gie_lint (-> ../lint) excepted; under SHIPPED nothing else
    # but files new in this checkout.
    expected = {name for name in tracked if not name.startswith(".typecheck/")}
    assert not sorted(expected - members), f"tracked files missing from the sdist: {sorted(expected - members)}"
    new = set(_source_files() or ()) - set(tracked)
    extra = sorted(m for m in members - expected - new if m.startswith(SHIPPED))
    assert not extra, f"the sdist ships untracked files: {extra}"


def test_wheel_is_one_import_package(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = wheel.namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"gie_lint", f"gie_lint-{dist.version}.dist-info"}, tops  # no `lint`, no tests, no schemas/
    for needed in ("gie_lint/__init__.py", "gie_lint/__main__.py", "gie_lint/_schemas/index.json",
                   "gie_lint/settings/config.schema.json"):
        assert needed in names or any(n.startswith(needed.rsplit("/", 1)[0] + "/") for n in names), needed
    assert any(n.startswith("gie_lint/releases/data/") and n.endswith(".yaml") for n in names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(dist.wheel) as wheel:
        assert "gie-lint = gie_lint.cli.main:main" in wheel.read(entry_points).decode()


def test_fresh_venv_runs_check_explain_rules_from_another_directory(dist: Dist, venv: Venv, tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "epp").mkdir(parents=True)
    (work / "pool.yaml").write_text(LEGACY_POOL)
    (work / "fixed.yaml").write_text(FIXED_POOL)
    for name in ("deployment.yaml", "service.yaml", "inferencepool.yaml", "rbac.yaml", "configmap.yaml"):
        (work / "epp" / name).write_text((ROOT / "examples" / "epp" / name).read_text())
    gie_lint = str(venv.bin / "gie-lint")

    def run(*argv: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return _run(list(argv), cwd=cwd, env=venv.env)

    where = run(str(venv.bin / "python"), "-c", SIZES)
    assert where.returncode == 0, where.stderr
    info = json.loads(where.stdout)
    assert Path(info["file"]).resolve().is_relative_to(venv.path.resolve()), info["file"]  # not the editable install
    assert not [p for p in info["path"] if p and Path(p).resolve().is_relative_to(ROOT.resolve())], info["path"]
    assert "gie-lint" in info["sizes"] and not [n for n in NOT_RUNTIME if n in info["sizes"]], sorted(info["sizes"])
    old_name = run(str(venv.bin / "python"), "-c", "import importlib.util as u; print(u.find_spec('lint'))")
    assert old_name.stdout.strip() == "None"  # the source folder's name is not an import package

    for argv in ([gie_lint, "--version"], [str(venv.bin / "python"), "-m", "gie_lint", "--version"]):
        version = run(*argv)
        assert (version.returncode, version.stdout) == (0, f"gie-lint {dist.version}\n"), version

    broken = run(gie_lint, "check", "pool.yaml")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "pool.yaml:6:3: error GIE002 pool-v1-shape" in broken.stdout, broken.stdout
    assert "1 file, 1 resource checked: 2 findings (2 errors" in broken.stdout, broken.stdout
    clean = run(gie_lint, "check", "fixed.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "1 file, 1 resource checked: 0 findings" in clean.stdout, clean.stdout
    epp = run(gie_lint, "check", "epp")  # Kubernetes schemas (kubernetes-validate), the CRDs' schemas, CEL
    assert epp.returncode == 0, epp.stdout + epp.stderr
    assert "5 files, 9 resources checked: 0 findings" in epp.stdout, epp.stdout

    explain = run(gie_lint, "explain", *(f"epp/{n}" for n in ("deployment.yaml", "service.yaml", "inferencepool.yaml")))
    assert explain.returncode == 0, explain.stdout + explain.stderr
    assert "InferencePool default/vllm-qwen3-sim (epp/inferencepool.yaml:" in explain.stdout, explain.stdout
    assert "endpoint picker" in explain.stdout and "replica" in explain.stdout

    rules = run(gie_lint, "rules")
    assert rules.returncode == 0, rules.stderr
    assert re.search(r"^GIE001\s+pool-apiversion-known\s+error", rules.stdout, re.M), rules.stdout[:500]
    assert re.search(r"^GIE002\s+pool-v1-shape\s+error", rules.stdout, re.M)

    bad = tmp_path / "bad-config"  # an invalid config is worded from the installed config schema
    bad.mkdir()
    (bad / ".gie-lint.yaml").write_text("scenarios:\n  x:\n    filez: [a.yaml]\n")
    config = run(gie_lint, "check", cwd=bad)
    assert config.returncode == 2, config.stdout + config.stderr
    assert "invalid config at scenarios.x.filez: unknown key `filez`: remove it or rename it to `files`" \
        in config.stderr, config.stderr


def test_install_size(venv: Venv, tmp_path: Path) -> None:
    """What each installed distribution takes (printed; `pytest -s` shows the table; README "Install" has the
    figures); a ceiling catches a heavy new dependency. kubernetes-validate (every Kubernetes minor's schemas, as
    ~17,000 small files) is most of it."""
    result = _run([str(venv.bin / "python"), "-c", SIZES], cwd=tmp_path, env=venv.env)
    assert result.returncode == 0, result.stderr
    sizes: dict[str, list[int]] = json.loads(result.stdout)["sizes"]
    runtime = {name: size for name, size in sizes.items() if name not in ("pip", "setuptools")}  # venv's bootstrap
    size, disk = (sum(values) for values in zip(*runtime.values(), strict=True))
    width = max(map(len, runtime))
    print(f"\ninstalled runtime, {len(runtime)} distributions: {size / 1e6:.1f} MB, {disk / 1e6:.1f} MB on disk")
    for name, (one, on_disk) in sorted(runtime.items(), key=lambda item: -item[1][1]):
        print(f"  {name:<{width}}  {one / 1e6:7.2f} MB  {on_disk / 1e6:7.2f} MB on disk")
    assert disk < 230e6, f"the runtime install grew to {disk / 1e6:.0f} MB on disk: {sorted(runtime.items())}"


def test_action_install_step_in_a_fake_runner(dist: Dist, tmp_path: Path) -> None:
    """install.sh as the action runs it: a venv in RUNNER_TEMP, gie-lint from the action's checkout with the
    versions constraints.txt pins, its bin folder appended to GITHUB_PATH."""
    action = tmp_path / "action"  # the action's checkout: the unpacked sdist holds all of it
    shutil.copytree(dist.unpacked, action)
    temp, repo = tmp_path / "runner-temp", tmp_path / "repo"
    temp.mkdir()
    repo.mkdir()
    github_path = tmp_path / "github-path"
    github_path.touch()
    env = _clean_env(GITHUB_ACTIONS="true", GITHUB_ACTION_PATH=str(action), GITHUB_PATH=str(github_path),
                     GITHUB_WORKSPACE=str(repo), RUNNER_TEMP=str(temp), PYTHON=sys.executable,
                     PIP_RETRIES="2", PIP_TIMEOUT="30")
    # No PIP_CONSTRAINT: install.sh itself passes the action's constraints.txt, as it does for action users.
    installed = _run(["bash", str(action / ".github" / "action" / "install.sh")], cwd=repo, env=env,
                     timeout=PIP_TIMEOUT)
    _unreachable(installed, ".github/action/install.sh")
    (line,) = github_path.read_text().splitlines()
    bin_dir = Path(line)
    assert bin_dir == temp / "gie-lint-venv" / "bin"
    path = f"{bin_dir}{os.pathsep}{env['PATH']}"  # what the runner does with GITHUB_PATH for the next steps
    found = shutil.which("gie-lint", path=path)
    assert found is not None and Path(found).parent == bin_dir
    version = _run(["gie-lint", "--version"], cwd=repo, env={**env, "PATH": path})
    assert (version.returncode, version.stdout) == (0, f"gie-lint {dist.version}\n"), version

    frozen = _run([str(bin_dir / "python"), "-m", "pip", "freeze", "--all"], cwd=repo, env=env)
    pins = dict(_name_version(line) for line in CONSTRAINTS.read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    got = dict(_name_version(line) for line in frozen.stdout.splitlines() if "==" in line)
    bootstrap = ("gie-lint", "pip", "setuptools")  # the venv's own pip (and setuptools on 3.11) come with `venv`
    unpinned = {name: v for name, v in got.items() if name not in bootstrap and pins.get(name) != v}
    assert not unpinned, f"installed versions that constraints.txt does not pin: {unpinned}"
    (repo / "pool.yaml").write_text(LEGACY_POOL)
    check = _run(["gie-lint", "check", "--format", "github", "pool.yaml"], cwd=repo, env={**env, "PATH": path})
    assert check.returncode == 1 and "::error file=pool.yaml,line=6,col=3" in check.stdout, check.stdout + check.stderr


def _name_version(line: str) -> tuple[str, str]:
    name, _, version = line.strip().partition("==")
    return re.sub(r"[-_.]+", "-", name).lower(), version
