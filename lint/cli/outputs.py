"""Where reports go: `--format F [--output FILE]` pairs, the automatic GitHub format, colour on a terminal.

Each `--output` binds to the `--format` before it; a format without one writes to stdout, and at most one
format may. Reports are rendered first and written afterwards, so a failing run never leaves half a file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

STDOUT = "-"


class OutputError(Exception):
    """A bad --format/--output combination, or an output file that cannot be written: exit 2."""


@dataclass(frozen=True)
class Target:
    format: str
    path: str | None = None  # None or "-": stdout

    @property
    def to_stdout(self) -> bool:
        return self.path in (None, STDOUT)


class FormatAction(argparse.Action):
    """`--format F`: starts a new output target."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        targets = list(getattr(namespace, self.dest, None) or [])
        targets.append([values, None])
        setattr(namespace, self.dest, targets)


class OutputAction(argparse.Action):
    """`--output FILE`: the file of the preceding --format."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        targets = list(getattr(namespace, "format", None) or [])
        if not targets:
            parser.error("--output must follow the --format it is for (e.g. --format sarif --output results.sarif)")
        if targets[-1][1] is not None:
            parser.error(f"--format {targets[-1][0]} has two --output values; repeat --format for another file")
        targets[-1][1] = values
        namespace.format = targets


def add_arguments(parser: argparse.ArgumentParser, formats: Iterable[str]) -> None:
    parser.add_argument("--format", action=FormatAction, choices=sorted(formats), default=None,
                        help="report format (repeatable; default: text, or github under GitHub Actions)")
    parser.add_argument("--output", action=OutputAction, metavar="FILE",
                        help="write the preceding --format to FILE (default: stdout)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                        help="colour the text report (auto: on a terminal, unless NO_COLOR is set)")


def targets(chosen: Sequence[Sequence[Any]] | None, environ: Mapping[str, str] = os.environ) -> list[Target]:
    if not chosen:
        return [Target("github" if environ.get("GITHUB_ACTIONS") == "true" else "text")]
    result = [Target(fmt, path) for fmt, path in chosen]
    if sum(1 for t in result if t.to_stdout) > 1:
        names = ", ".join(t.format for t in result if t.to_stdout)
        raise OutputError(f"several formats write to stdout ({names}): give all but one an --output FILE")
    files = [os.path.abspath(t.path) for t in result if t.path is not None and not t.to_stdout]
    if len(files) != len(set(files)):
        raise OutputError("two --format values write to the same --output file")
    return result


def use_color(mode: str, stream: TextIO = sys.stdout, environ: Mapping[str, str] = os.environ) -> bool:
    """--color always/never win; auto means a terminal and no NO_COLOR (https://no-color.org)."""
    if mode != "auto":
        return mode == "always"
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def write(rendered: Sequence[tuple[Target, str]]) -> None:
    for target, text in rendered:
        if target.to_stdout:
            sys.stdout.write(text)
            continue
        try:
            Path(target.path).write_text(text, encoding="utf-8", newline="")  # type: ignore[arg-type]
        except OSError as exc:
            raise OutputError(f"{target.path}: cannot write the {target.format} report: "
                              f"{exc.strerror or exc}") from None
