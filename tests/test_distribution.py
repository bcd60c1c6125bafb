"""Distribution: the pre-commit hook (exercised offline with `pre-commit try-repo`) and the composite action."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow  # end-to-end: the whole corpus / real pre-commit and action runs

ROOT = Path(__file__).resolve().parents[1]


def test_hook_manifest() -> None:
    scenarios, files = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert scenarios["id"] == "gie-lint" and scenarios["entry"] == "gie-lint check" and scenarios["types"] == ["yaml"]
    assert files["id"] == "gie-lint-files" and files["entry"].startswith("gie-lint check ")


def test_action_inputs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"paths", "config", "format", "upload-sarif"} <= set(action["inputs"])
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    for step in action["runs"]["steps"]:  # inputs reach scripts through env, never spliced into them
        assert "${{ inputs." not in step.get("run", "")


def _git(*argv: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false",
                    *argv], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_try_repo_offline(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit (pip install pre-commit==4.7.0) or git not installed")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("lint", "schemas"):
        shutil.copytree(ROOT / name, hooks / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, hooks / name)
    _git("init", "-q", cwd=hooks)
    _git("add", "-A", cwd=hooks)
    _git("commit", "-qm", "hooks", cwd=hooks)
    work = tmp_path / "work"
    work.mkdir()
    (work / "pool.yaml").write_text((ROOT / "tests" / "inputs" / "pool-v1-legacy-fields.yaml").read_text())
    (work / "ci.yaml").write_text("on: push\njobs: {}\n")  # YAML that is no Kubernetes object
    _git("init", "-q", cwd=work)
    _git("add", "-A", cwd=work)
    # Offline: no index; the hook's environment builds gie-lint without isolation and finds its dependencies
    # (and setuptools, from the `test` extra) in this interpreter's site-packages.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1",
           "PIP_NO_BUILD_ISOLATION": "0", "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    for name in ("GITHUB_ACTIONS", "NO_COLOR"):
        env.pop(name, None)
    result = subprocess.run([pre_commit, "try-repo", str(hooks), "gie-lint-files", "--all-files"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=600)
    out = result.stdout + result.stderr
    if "Could not find a version" in out or "No matching distribution" in out:
        pytest.skip(f"hook environment cannot be built offline here: {out[-300:]}")
    assert result.returncode == 1, out
    assert "pool.yaml:7:3: error GIE002 pool-v1-shape" in out, out
    assert "gie-lint" in out and "Failed" in out
    (work / "pool.yaml").write_text((ROOT / "tests" / "inputs" / "pool-v1-fixed.yaml").read_text())
    _git("add", "-A", cwd=work)
    fixed = subprocess.run([pre_commit, "try-repo", str(hooks), "gie-lint-files", "--all-files"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr  # the fixed file passes the hook
    assert "Passed" in fixed.stdout and "error" not in fixed.stdout, fixed.stdout

    # A partial commit: the leader-election EPP and RBAC without the lease Role, a pool without its EPP Service.
    # Linted together these give GIE041 and GIE020 about files the commit does not hold; the files hook does not.
    examples = ROOT / "examples"
    for name, source in (("deployment.yaml", examples / "epp-leader-election" / "deployment.yaml"),
                         ("rbac.yaml", examples / "epp" / "rbac.yaml"),
                         ("pool.yaml", examples / "epp" / "inferencepool.yaml")):
        (work / name).write_text(source.read_text())
    _git("add", "-A", cwd=work)
    partial = subprocess.run([pre_commit, "try-repo", str(hooks), "gie-lint-files", "--all-files"], cwd=work,
                             env=env, capture_output=True, text=True, timeout=600)
    assert partial.returncode == 0, partial.stdout + partial.stderr
    assert "GIE041" not in partial.stdout and "GIE020" not in partial.stdout, partial.stdout
    # The scenarios hook lints the config's scenarios whole, staged files or not: the same files, declared as one
    # deployment, give the cross-file findings; user args cannot drop a flag the hook needs.
    (work / ".gie-lint.yaml").write_text("scenarios:\n  deploy:\n    files: [deployment.yaml, rbac.yaml, pool.yaml]\n")
    _git("add", "-A", cwd=work)
    whole = subprocess.run([pre_commit, "try-repo", str(hooks), "gie-lint", "--all-files"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert "error GIE041" in whole.stdout and "error GIE020" in whole.stdout, whole.stdout


def test_hooks_entries_hold_the_flags_they_need() -> None:
    """`args:` replaces a hook's default args, so a needed flag in `args` could be dropped by any user."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["gie-lint"]["pass_filenames"] is False
    assert "args" not in hooks["gie-lint"] and "args" not in hooks["gie-lint-files"]
    assert {"--allow-empty", "--per-file", "--file-local"} <= set(hooks["gie-lint-files"]["entry"].split())


def _action_env(tmp_path: Path, **inputs: str) -> dict[str, str]:
    """A fake GitHub Actions runner environment for the action's lint step."""
    for name in ("output", "summary", "path", "temp"):
        (tmp_path / name).touch() if name != "temp" else (tmp_path / name).mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
    env.update(GITHUB_ACTIONS="true", GITHUB_ACTION_PATH=str(ROOT), GITHUB_OUTPUT=str(tmp_path / "output"),
               GITHUB_STEP_SUMMARY=str(tmp_path / "summary"), GITHUB_PATH=str(tmp_path / "path"),
               RUNNER_TEMP=str(tmp_path / "temp"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")  # what install.sh puts first
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return env


def _step(action: dict, step_id: str) -> str:
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == step_id]
    return step["run"]


@pytest.mark.slow
def test_action_lint_step_in_a_fake_runner(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert any(s.get("uses", "").startswith("actions/setup-python@") for s in action["runs"]["steps"])
    lint_env = {name.removeprefix("INPUT_") for name in next(
        s for s in action["runs"]["steps"] if s.get("id") == "lint")["env"]}
    assert {"PATHS", "CONFIG", "SCENARIO", "GIE_VERSION", "LLM_D_ROUTER_VERSION", "VARIABLES", "NAMESPACE",
            "FAIL_ON", "FORMAT", "UPLOAD_SARIF"} <= lint_env
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy2(ROOT / "examples" / "broken" / "pool-v1-legacy-fields.yaml", repo / "pool.yaml")
    run = tmp_path / "runner"
    run.mkdir()
    env = _action_env(run, paths="pool.yaml", upload_sarif="true", sarif_file="out.sarif", fail_on="error",
                      variables="A=1\nB=two words", namespace="serving", format="github")
    result = subprocess.run(["bash", "-c", _step(action, "lint")], cwd=repo, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr  # the error fails the step
    assert "::error file=pool.yaml,line=17,col=3" in result.stdout  # annotations on the log
    outputs = dict(line.split("=", 1) for line in (run / "output").read_text().splitlines())
    assert outputs == {"sarif-file": "out.sarif", "errors": "2", "warnings": "0", "info": "0", "resources": "1"}
    assert json.loads((repo / "out.sarif").read_text())["runs"][0]["results"]
    summary = (run / "summary").read_text()
    assert "GIE002" in summary and "pool.yaml" in summary  # the Markdown reporter as the job summary
    assert not (ROOT / "out.sarif").exists()

    (repo / "pool.yaml").write_text((ROOT / "tests" / "inputs" / "pool-v1-fixed.yaml").read_text())
    (run / "output").write_text("")
    clean = subprocess.run(["bash", "-c", _step(action, "lint")], cwd=repo,
                           env={**env, "INPUT_UPLOAD_SARIF": "false"}, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert (run / "output").read_text().splitlines()[:1] == ["errors=0"]
    assert clean.stdout == "::notice title=gie-lint::1 file, 1 resource checked: 0 findings " \
                           "(0 errors, 0 warnings, 0 info)\n"  # a clean run is one line on the log
