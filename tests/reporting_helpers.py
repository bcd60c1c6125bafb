"""Helpers shared by the reporter, config and suppression tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gie_lint.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT.parent / "shared" / "external" / "sarif-schema-2.1.0.json"

BAD_POOL = """apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: portless
spec:
  selector: {matchLabels: {app: vllm}}
  targetPorts: [{number: 8000}]
  endpointPickerRef:
    name: vllm-epp
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cwd with no config above it and no CI/colour environment."""
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "GIE_LINT_DEBUG", "MANIFEST_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
