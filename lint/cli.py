"""The command line: maps argv to scenario specs, runs the engine, picks a reporter. Nothing else.

Exit codes: 0 no finding reaches --fail-on; 1 one does; 2 usage, config or I/O error (one line, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from lint import __version__, config, engine, versions
from lint.findings import Severity
from lint.registry import all_rules
from lint.schemas import SchemaError
from lint.reporters import REPORTERS
from lint.source import SourceError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gie-lint", description="Lint Gateway API Inference Extension manifests.")
    parser.add_argument("--version", action="version", version=f"gie-lint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="lint manifests (files, folders, or - for stdin)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - reads stdin")
    check.add_argument("--config", type=Path, help="config file (default: nearest .gie-lint.yaml)")
    check.add_argument("--scenario", action="append", default=[], help="lint this config scenario (repeatable)")
    check.add_argument("--gie-version", help="GIE release, e.g. v1.0.0 (default: from the EPP image tag)")
    check.add_argument("--kubernetes-version", help="Kubernetes version of the core schemas (default: newest bundled)")
    check.add_argument("--var", action="append", default=[], metavar="KEY=VALUE", help="envsubst variable")
    check.add_argument("--namespace", help="namespace for objects that set none (default: default)")
    check.add_argument("--format", choices=sorted(REPORTERS), default="text")
    check.add_argument("--fail-on", choices=["error", "warning", "info"], default="error")

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        if args.command == "rules":
            sys.stdout.write(_rules(args.format))
            return EXIT_OK
        return _check(args)
    except (UsageError, SourceError, SchemaError, config.ConfigError, versions.VersionError) as exc:
        print(f"gie-lint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        if os.environ.get("GIE_LINT_DEBUG"):
            raise
        print(f"gie-lint: internal error: {type(exc).__name__}: {exc} (set GIE_LINT_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_USAGE


def _variables(pairs: list[str]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--var expects KEY=VALUE, got {pair!r}")
        variables[key] = value
    return variables


def _specs(args: argparse.Namespace) -> list[engine.ScenarioSpec]:
    cli_vars = _variables(args.var)
    config_path = args.config or config.find(Path.cwd())
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"{args.config}: config file not found")
    cfg = config.load(config_path, cli_vars)
    kubernetes_version = args.kubernetes_version or cfg.kubernetes_version
    from_flag = args.gie_version is not None
    if args.paths:
        if args.scenario:
            raise UsageError("give either PATHs or --scenario, not both")
        version = args.gie_version or cfg.gie_version
        return [engine.ScenarioSpec(
            name="(paths)", paths=tuple(args.paths), variables={**cfg.variables, **cli_vars},
            namespace=args.namespace or cfg.namespace or "default", gie_version=version,
            gie_version_from="--gie-version" if from_flag else f"gie_version in {_shown(cfg.path)}",
            kubernetes_version=kubernetes_version)]
    if not cfg.scenarios:
        raise UsageError("nothing to lint: give PATHs (or - for stdin), or define scenarios in .gie-lint.yaml")
    names = args.scenario or list(cfg.scenarios)
    unknown = [n for n in names if n not in cfg.scenarios]
    if unknown:
        raise UsageError(f"unknown scenario {unknown[0]!r} (defined: {', '.join(cfg.scenarios)})")
    specs = []
    for name in names:
        scenario = cfg.scenarios[name]
        version = args.gie_version or scenario.gie_version or cfg.gie_version
        origin = "--gie-version" if from_flag else f"gie_version in {_shown(cfg.path)}"
        specs.append(engine.ScenarioSpec(
            name=name, paths=scenario.files, variables=scenario.variables,
            namespace=args.namespace or scenario.namespace or cfg.namespace or "default",
            gie_version=version, gie_version_from=origin, kubernetes_version=kubernetes_version))
    return specs


def _shown(path: Path | None) -> str:
    if path is None:
        return "config"
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _check(args: argparse.Namespace) -> int:
    specs = _specs(args)
    result = engine.run(specs)
    sys.stdout.write(REPORTERS[args.format](result))
    threshold = Severity.parse(args.fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK


def _rules(fmt: str) -> str:
    rules = all_rules()
    if fmt == "json":
        return json.dumps([{"id": r.id, "name": r.name, "severity": str(r.severity), "scope": r.scope,
                            "summary": r.summary, "rationale": r.rationale, "bad": r.bad, "good": r.good, "fix": r.fix}
                           for r in rules], indent=2, ensure_ascii=False) + "\n"
    width = max(len(r.name) for r in rules)
    return "".join(f"{r.id}  {r.name:<{width}}  {str(r.severity):<7}  {r.summary}\n" for r in rules)
