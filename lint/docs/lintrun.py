"""One lint run per site build: the config's scenarios (as `gie-lint check` runs them) and the demo paths
(each file its own scenario, as `gie-lint check --per-file` runs them), plus the explain document.

Scenarios are built by the CLI's own functions (`lint/cli/main.py`), so the site shows exactly what
`gie-lint check` and `gie-lint explain` print for the same config.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gie_lint.cli import main as cli
from gie_lint.engine import run as engine
from gie_lint.engine.run import Run
from gie_lint.explain.model import model
from gie_lint.rules import registry


@dataclass
class Outcome:
    """What every marker and generated page reads: computed once per build."""

    root: Path  # the config file's folder: finding and manifest paths are relative to it
    config_file: Path
    run: Run  # the config's scenarios
    doc: dict[str, Any]  # the explain document of `run` (lint/explain/model.py)
    demos: Run | None  # the demo paths, each file its own scenario
    unknown: list[str] = field(default_factory=list)  # scenario names the options asked for but the config lacks

    @property
    def scenario_names(self) -> list[str]:
        return [s.name for s in self.run.result.scenarios]

    def files(self) -> list[str]:
        """Every file either run read, in order, each once."""
        runs = [self.run] + ([self.demos] if self.demos is not None else [])
        return list(dict.fromkeys(f for r in runs for s in r.result.scenarios for f in s.files))


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _run(argv: list[str]) -> Run:
    args = cli._parser().parse_args(argv)
    cfg, cli_vars = cli._settings(args)
    specs = cli._specs(args, cfg, cli_vars)
    rules = registry.selected(cfg.select, cfg.ignore)
    return engine.run(specs, rules=rules, severities=cfg.severity, suppressions=cfg.suppress)


def lint(config_file: Path, scenarios: Sequence[str] = (), demos: Sequence[str] = ()) -> Outcome:
    """Lint `scenarios` of `config_file` (all when empty) and the `demos` paths, from the config's folder.

    Raises the CLI's errors (UsageError, ConfigError, SourceError, ...) for a broken config or input."""
    config_file = config_file.resolve()
    root = config_file.parent
    with _cwd(root):
        cfg, _ = cli._settings(cli._parser().parse_args(["check", "--config", str(config_file)]))
        unknown = [name for name in scenarios if name not in cfg.scenarios]
        chosen = [f"--scenario={name}" for name in scenarios if name in cfg.scenarios]
        run = _run(["check", "--config", str(config_file), *chosen])
        demo_run = _run(["check", "--config", str(config_file), "--per-file", "--", *demos]) if demos else None
    return Outcome(root, config_file, run, model(run), demo_run, unknown)
