"""Start-up stays lazy: `--version` imports argparse and the reporter names only; a check without a config file
or exclude patterns never imports jsonschema or pathspec (issue 11: under 0.15 s of CPU for `--version`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("yaml", "jsonschema_rs", "cel", "jsonschema", "pathspec", "kubernetes_validate", "gie_lint.rules.api",
         "gie_lint.engine.run", "gie_lint.schema.store")


def _modules(tmp_path: Path, *argv: str) -> set[str]:
    code = ("import sys, contextlib, io\nfrom gie_lint.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main({list(argv)!r})\n"
            "print('\\n'.join(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return set(out.stdout.split())


def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    assert sorted(set(HEAVY) & _modules(tmp_path, "--version")) == []


def test_check_without_config_skips_the_config_validators(tmp_path: Path) -> None:
    (tmp_path / "pool.yaml").write_text((ROOT / "examples/broken/pool-v1-legacy-fields.yaml").read_text())
    loaded = _modules(tmp_path, "check", "pool.yaml")
    assert "gie_lint.rules.api" in loaded
    assert {"jsonschema", "pathspec"} & loaded == set()
    # Only the reporter the run writes with is imported (text here): no XML, SARIF or Markdown.
    assert "gie_lint.reporters.text" in loaded
    assert {"gie_lint.reporters.junit", "gie_lint.reporters.sarif", "xml.etree.ElementTree"} & loaded == set()
    assert "multiprocessing" not in loaded  # --jobs starts no pool for a small input
