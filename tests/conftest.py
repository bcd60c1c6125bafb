"""Shared fixtures. The shared corpus sits beside the checkout (../shared); tests using it skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "expected.yaml").is_file():
        pytest.skip("../shared/corpus not present")
    return CORPUS
