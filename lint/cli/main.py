"""The command line: maps argv to scenario specs, runs the engine, picks a reporter. Nothing else.

Exit codes: 0 no finding reaches --fail-on; 1 one does; 2 usage, config or I/O error (one line, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from gie_lint import spelling
from gie_lint.cli import outputs, parser

# Start-up time: `--version`, `--help` and usage errors need only argparse and the reporter names (cli/parser.py).
# The engine, the rules, the schemas (jsonschema-rs, CEL) and the config loader are imported by the command that
# needs them.
if TYPE_CHECKING:
    from gie_lint.engine import run as engine
    from gie_lint.settings import config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# The errors that are a one-line exit 2 (besides UsageError and outputs.OutputError), by the module that defines
# them: an error of a module that was never imported cannot have been raised, so none is imported to test it.
_USAGE_ERRORS = (("gie_lint.source.files", "SourceError"), ("gie_lint.schema.catalog", "SchemaError"),
                 ("gie_lint.settings.config", "ConfigError"), ("gie_lint.releases.versions", "VersionError"))


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    """The command line's grammar (lint/cli/parser.py; the docs plugin reads it here too)."""
    return parser.parser()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        if args.command == "rules":
            from gie_lint.cli import ruledocs

            sys.stdout.write(ruledocs.listing(args.format))
            return EXIT_OK
        if args.command == "rule":
            from gie_lint.cli import ruledocs

            try:
                rule = ruledocs.lookup(args.rule)
            except KeyError as exc:  # an unknown rule name, said with the closest candidates
                raise UsageError(exc.args[0]) from None
            sys.stdout.write(ruledocs.page(rule, args.format))
            return EXIT_OK
        if args.command == "completion":
            from gie_lint.cli import completion

            sys.stdout.write(completion.script(args.shell, _parser(), completion.known_words()))
            return 0
        if args.command == "versions":
            from gie_lint.cli import versions as known_versions

            sys.stdout.write(known_versions.render(args.format))
            return EXIT_OK
        if args.command == "config":
            from gie_lint.settings import show as config_show

            sys.stdout.write(config_show.render(*_settings(args), args))
            return EXIT_OK
        if args.command == "explain":
            from gie_lint.engine import run as engine
            from gie_lint.explain import render as explain  # the explain view is not needed by `check`

            cfg, cli_vars = _settings(args)
            sys.stdout.write(explain.render(engine.run(_specs(args, cfg, cli_vars), jobs=args.jobs), args.format))
            return EXIT_OK
        return _check(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        if _usage_error(exc):
            print(f"gie-lint: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, BrokenPipeError):
            return EXIT_OK
        if os.environ.get("GIE_LINT_DEBUG"):
            raise
        print(f"gie-lint: internal error: {type(exc).__name__}: {exc} (set GIE_LINT_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_USAGE


def _usage_error(exc: Exception) -> bool:
    """Whether `exc` is a usage, config, source or I/O error: one line on stderr, exit 2."""
    if isinstance(exc, (UsageError, outputs.OutputError)):
        return True
    return any(isinstance(exc, getattr(sys.modules[module], name)) for module, name in _USAGE_ERRORS
               if module in sys.modules)


def _variables(pairs: list[str]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--var expects KEY=VALUE, got {pair!r}")
        variables[key] = value
    return variables


def _settings(args: argparse.Namespace) -> tuple[config.Config, dict[str, str]]:
    from gie_lint.settings import config

    if args.max_file_size is not None:
        from gie_lint.source import opening

        opening.MAX_FILE_BYTES = args.max_file_size  # one process-wide bound, set once before any file is read
    cli_vars = _variables(args.var)
    config_path = args.config or config.find(Path.cwd())
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"{args.config}: config file not found")
    return config.load(config_path, cli_vars), cli_vars


def _tokens(values: list[str] | None) -> tuple[str, ...] | None:
    """Repeatable, comma-separated flag values; None when the flag was not given."""
    if values is None:
        return None
    from gie_lint.rules import registry

    tokens = tuple(token.strip() for value in values for token in value.split(",") if token.strip())
    for token in tokens:
        if not registry.matching([token]):
            raise UsageError(f"`{token}` names no rule (use an id, a name or an id prefix like GIE0)")
    return tokens


def _exclude(args: argparse.Namespace, cfg: config.Config) -> config.Excluder | None:
    from gie_lint.settings import config

    if args.exclude is not None:
        return config.Excluder(tuple(args.exclude), Path.cwd())
    if cfg.exclude and cfg.path is not None:
        return config.Excluder(cfg.exclude, cfg.path.resolve().parent)
    return None


def _paths(args: argparse.Namespace) -> tuple[str, ...]:
    """PATHs, then each `--kustomize DIR` (read as its render, like a kustomization directory given as a PATH)."""
    for directory in args.kustomize:
        from gie_lint.source import kustomize

        if kustomize.root(directory) is None:
            names = ", ".join(kustomize.KUSTOMIZATION_NAMES)
            raise UsageError(f"--kustomize {directory}: no {names} in that directory")
    return (*args.paths, *args.kustomize)


def _templates(cfg: config.Config) -> config.Excluder | None:
    """The config's `templates:` patterns: files that are envsubst templates (every `$NAME` a placeholder)."""
    if cfg.templates and cfg.path is not None:
        from gie_lint.settings import config

        return config.Excluder(cfg.templates, cfg.path.resolve().parent)
    return None


def _specs(args: argparse.Namespace, cfg: config.Config, cli_vars: dict[str, str]) -> list[engine.ScenarioSpec]:
    from gie_lint.engine import run as engine

    exclude = _exclude(args, cfg)
    kubernetes_version = args.kubernetes_version or cfg.kubernetes_version
    from_flag = args.gie_version is not None
    paths, templates = _paths(args), _templates(cfg)
    if paths:
        if args.scenario:
            raise UsageError("give either PATHs or --scenario, not both")
        version = args.gie_version or cfg.gie_version
        spec = engine.ScenarioSpec(
            name="(paths)", paths=paths, variables={**cfg.variables, **cli_vars},
            namespace=args.namespace or cfg.namespace or "default", gie_version=version,
            gie_version_from="--gie-version" if from_flag else f"gie_version in {_shown(cfg.path)}",
            kubernetes_version=kubernetes_version, exclude=exclude, templates=templates,
            llm_d_router_version=args.llm_d_router_version or cfg.llm_d_router_version, **_gateway_api(args, cfg))
        per_file = args.per_file if args.per_file is not None else cfg.per_file
        return engine.per_file(spec) if per_file else [spec]
    if not cfg.scenarios:
        raise UsageError("nothing to lint: give PATHs (or - for stdin), or define scenarios in .gie-lint.yaml")
    if args.per_file:  # config scenarios are files applied together by definition
        raise UsageError("--per-file splits PATHs into one scenario per file; config scenarios are linted as declared")
    names = args.scenario or list(cfg.scenarios)
    unknown = [n for n in names if n not in cfg.scenarios]
    if unknown:
        close = spelling.closest(unknown[0], list(cfg.scenarios))
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(f"unknown scenario {unknown[0]!r} ({hint}defined: {', '.join(cfg.scenarios)})")
    specs = []
    for name in names:
        scenario = cfg.scenarios[name]
        version = args.gie_version or scenario.gie_version or cfg.gie_version
        origin = "--gie-version" if from_flag else f"gie_version in {_shown(cfg.path)}"
        specs.append(engine.ScenarioSpec(
            name=name, paths=scenario.files, variables=scenario.variables,
            namespace=args.namespace or scenario.namespace or cfg.namespace or "default",
            gie_version=version, gie_version_from=origin, kubernetes_version=kubernetes_version, exclude=exclude,
            templates=templates, llm_d_router_version=args.llm_d_router_version or cfg.llm_d_router_version,
            **_gateway_api(args, cfg, scenario),
            variant_of=scenario.variant_of, allowed_differences=scenario.allowed_differences))
    return specs


class _GatewayApi(TypedDict):
    gateway_api_version: str | None
    gateway_api_channel: str | None
    gateway_api_from: str


def _gateway_api(args: argparse.Namespace, cfg: config.Config, scenario: config.Scenario | None = None) -> _GatewayApi:
    """The Gateway API version and channel (flag, else the scenario's, else the config's) and where they came from."""
    chosen: list[str | None] = []
    said = []
    for what in ("version", "channel"):
        key = f"gateway_api_{what}"
        flag, own, top = getattr(args, key), getattr(scenario, key, None), getattr(cfg, key)
        chosen.append(flag or own or top)
        if flag:
            said.append(f"--gateway-api-{what} {flag}")
        elif own or top:
            said.append(f"{key} {own or top} in {_shown(cfg.path)}")
    if chosen[0] is None:
        said.insert(0, "newest bundled")
    return _GatewayApi(gateway_api_version=chosen[0], gateway_api_channel=chosen[1], gateway_api_from=", ".join(said))


def _shown(path: Path | None) -> str:
    if path is None:
        return "config"
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _check(args: argparse.Namespace) -> int:
    from gie_lint.engine import run as engine
    from gie_lint.reporters import REPORTERS, Options
    from gie_lint.result import Severity
    from gie_lint.rules import registry

    targets = outputs.targets(args.format)  # bad --format/--output combinations fail before any work
    cfg, cli_vars = _settings(args)
    specs = _specs(args, cfg, cli_vars)
    select = _tokens(args.select)
    ignore = _tokens(args.ignore)
    rules = registry.selected(select if select is not None else cfg.select,
                                  ignore if ignore is not None else cfg.ignore)
    if args.file_local:  # cross-file rules on a part of a deployment would report what the rest provides
        rules = registry.file_local(rules)
    result = engine.run(specs, rules=rules, severities=cfg.severity, suppressions=cfg.suppress,
                        jobs=args.jobs).result
    empty = result.resources == 0 and not args.allow_empty
    if empty and not result.findings and not result.suppressed:
        raise _nothing_linted(result.files)  # and nothing to report first
    threshold = Severity.parse(args.fail_on)
    color = outputs.use_color(args.color)
    rendered = []
    for target in targets:
        options = Options(color=color and target.to_stdout and target.format == "text", quiet=args.quiet,
                          show_suppressed=args.show_suppressed, fail_on=threshold, srcroot=Path.cwd())
        rendered.append((target, REPORTERS[target.format](result, options)))
    outputs.write(rendered)
    if empty:
        # Nothing was linted (an unrendered chart, a wrong folder): the findings above (a template, binary input)
        # say why, but a run that checked nothing fails, whatever else it found.
        raise _nothing_linted(result.files)
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK


def _nothing_linted(files: int) -> UsageError:
    from gie_lint.result import counted

    return UsageError(f"0 resources checked in {counted(files, 'file')}: nothing to lint "
                      f"(pass --allow-empty to accept an empty input)")
