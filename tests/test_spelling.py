"""Did you mean: versions written the way humans mistype them get the release they meant; nothing close, no hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from gie_lint import spelling
from gie_lint.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ["v1.0.0", "v1.4.0", "v1.5.0", "v1.6.0"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("v1,5.0", "v1.5.0"), ("v1_5_0", "v1.5.0"), ("release-1.5", "v1.5.0"), ("vv1.5", "v1.5.0"),
    ("1 4 0", "v1.4.0"), ("v1.5.7", "v1.5.0"),  # a patch gie-lint does not list: its minor
])
def test_a_mistyped_version_suggests_the_release(typed: str, meant: str) -> None:
    assert spelling.version_hint(typed, KNOWN) == f"; did you mean {meant}?"


def test_no_hint_when_nothing_is_close() -> None:
    assert spelling.version_hint("banana", KNOWN) == ""
    assert spelling.version_hint("v1.9.0", KNOWN) == ""  # well formed and simply unknown
    assert spelling.version_hint("1.7", KNOWN) == ""
    assert spelling.version_hint("v1.60", KNOWN) == "; did you mean v1.6.0?"  # one key too many
    assert spelling.version_hint("v1.5", []) == ""


def test_newest_words_point_at_the_newest_release() -> None:
    assert spelling.version_hint("latest", KNOWN).startswith("; the newest known is v1.6.0")


def test_closest_keeps_the_original_spelling() -> None:
    assert spelling.closest("Defualt", ["default", "leader-election"]) == ["default"]
    assert spelling.did_you_mean("zzz", ["default"]) == ""


@pytest.mark.parametrize(("flag", "value", "expected"), [
    ("--gie-version", "v1,5.0", "malformed GIE version 'v1,5.0' (expected vX.Y.Z; did you mean v1.5.0?)"),
    ("--gie-version", "v1.60", "did you mean v1.6.0?)"),
    ("--llm-d-router-version", "0,10",
     "malformed llm-d-router version '0,10' (expected vX.Y.Z; did you mean v0.10.0?)"),
    ("--gateway-api-version", "1,4", "like 1.4; did you mean v1.4.1?)"),
    ("--kubernetes-version", "1,33",
     "invalid Kubernetes version '1,33' (write it like 1.33 or v1.33.0; did you mean 1.33?)"),
])
def test_the_cli_says_which_version_was_meant(capsys: pytest.CaptureFixture[str], flag: str, value: str,
                                              expected: str) -> None:
    assert main(["check", flag, value, str(ROOT / "examples" / "vllm")]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
