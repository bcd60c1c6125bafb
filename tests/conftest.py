"""Shared fixtures. The shared corpus sits beside the checkout (../shared): tests using it skip without it,
except under CI (`CI=true`), where a missing ../shared must fail the run instead of turning it green."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def need_shared(path: Path) -> Path:
    """`path` (under ../shared) when present; else skip locally, fail under CI."""
    if not path.exists():
        message = f"{path.relative_to(SHARED.parent)} not present"
        if under_ci():
            pytest.fail(f"{message} (CI=true: tests that need ../shared may not skip)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    need_shared(CORPUS / "expected.yaml")
    return CORPUS


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never harmful (issue 11): no test, so no in-process CLI call, opens a network connection."""
    import socket

    def refuse(sock: socket.socket, *args: object, **kwargs: object) -> None:
        if sock.family != socket.AF_UNIX:
            raise AssertionError(f"network connection attempted: {args!r}")

    for name in ("connect", "connect_ex"):
        original = getattr(socket.socket, name)
        monkeypatch.setattr(socket.socket, name,
                            lambda sock, *a, _original=original, **k: refuse(sock, *a) or _original(sock, *a, **k))
    monkeypatch.setattr(socket, "create_connection",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError(f"network connection attempted: {a!r}")))
