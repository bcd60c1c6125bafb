"""The project config: `.gie-lint.yaml`, or `[tool.gie-lint]` in `pyproject.toml`, validated against a JSON Schema.

Keys: scenarios, variables, versions, namespace, rule selection (`select`/`ignore` by id, name or id prefix),
per-rule `severity` overrides, gitignore-style `exclude` and `templates` patterns, `suppress` entries and
`per_file` (lint each file of PATHs as its own scenario). Every value remembers
where it was set (`origins`) so `gie-lint config --show` can say it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gie_lint.engine import suppress
from gie_lint.result import Severity
from gie_lint.rules import registry
from gie_lint.settings import problems
from gie_lint.shape import dotted
from gie_lint.source.envsubst import substitute
from gie_lint.source.positions import Mark
from gie_lint.source.yamldoc import parse_stream

if TYPE_CHECKING:  # pathspec is imported when patterns are matched, jsonschema when a config is invalid
    import pathspec

CONFIG_NAMES = (".gie-lint.yaml", ".gie-lint.yml")
PYPROJECT = "pyproject.toml"
SCHEMA_FILE = Path(__file__).resolve().parent / "config.schema.json"
_VERSION_KEYS = ("gie_version", "kubernetes_version", "namespace")


class ConfigError(Exception):
    """A config that cannot be used: one line naming the file (and line), exit 2."""


@dataclass(frozen=True)
class Scenario:
    name: str
    files: tuple[str, ...]
    description: str = ""
    namespace: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    gie_version: str | None = None
    gateway_api_version: str | None = None
    gateway_api_channel: str | None = None
    variant_of: str | None = None
    allowed_differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path | None
    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    gie_version: str | None = None
    kubernetes_version: str | None = None
    namespace: str | None = None
    llm_d_router_version: str | None = None  # None: each llm-d-router EPP by its image tag
    gateway_api_version: str | None = None  # None: the newest bundled
    gateway_api_channel: str | None = None  # None: standard
    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule id -> severity
    exclude: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()  # gitignore-style: files declared envsubst templates
    suppress: tuple[suppress.Suppression, ...] = ()
    per_file: bool = False  # PATHs given on the command line: one scenario per file
    origins: Mapping[str, str] = field(default_factory=dict)  # top-level key -> "file:line"


def find(start: Path) -> Path | None:
    """The nearest `.gie-lint.yaml` (or `pyproject.toml` with `[tool.gie-lint]`) in `start` or a parent."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        candidate = directory / PYPROJECT
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    # `[tool.gie-lint` left unclosed counts too: the table is meant, and tomllib then says what is broken.
    return re.search(r"^\s*\[\[?\s*tool\.(?:\"gie-lint\"|gie-lint)\s*(?:[\].]|$)", text, re.M) is not None


def load(path: Path | None, cli_variables: Mapping[str, str]) -> Config:
    if path is None:
        return Config(None)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display(path)}: cannot read config: {getattr(exc, 'strerror', None) or exc}") from None
    if path.name == PYPROJECT:
        data, locate = _from_pyproject(path, text)
    else:
        documents = parse_stream(text)
        if not documents:
            return Config(path)
        document = documents[0]
        if document.error is not None:
            at = document.error_at
            raise ConfigError(f"{display(path)}:{at.line if at else 1}: {document.error}")
        data, locate = document.data or {}, document.positions.locate
    if not isinstance(data, dict):
        raise ConfigError(f"{display(path)}:1: invalid config: expected a mapping of settings")
    _validate(path, data, locate)
    return _build(path, data, cli_variables, locate)


def _from_pyproject(path: Path, text: str) -> tuple[Any, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        raise ConfigError(f"{display(path)}: reading [tool.gie-lint] needs Python 3.11+; use .gie-lint.yaml") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", str(exc))
        where = f"{at.group(1)}:{at.group(2)}" if at else f"{max(1, text.count(chr(10)))}"
        raise ConfigError(f"{display(path)}:{where}: invalid TOML: {reason}") from None
    data = document.get("tool", {}).get("gie-lint", {})
    lines = text.split("\n")

    def locate(json_path: tuple[Any, ...]) -> Mark:
        """TOML has no parser positions: find the key's line by its table header and `key =`."""
        table = re.compile(r"^\s*\[\[?\s*tool\.(?:\"gie-lint\"|gie-lint)(?P<rest>[^\]]*)\]")
        best, current = 1, None
        keys = [str(p) for p in json_path if not isinstance(p, int)]
        for number, line in enumerate(lines, start=1):
            header = table.match(line)
            if header:
                current = [part.strip().strip('"') for part in header["rest"].split(".") if part.strip()]
                if current == keys[:len(current)]:
                    best = number
                continue
            if current is not None and keys[len(current):len(current) + 1]:
                key = keys[len(current)]
                if current == keys[:len(current)] and re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
                    return Mark(number, len(line) - len(line.lstrip()) + 1)
        return Mark(best, 1)

    return data, locate


def _validate(path: Path, data: dict[str, Any], locate: Any) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    import jsonschema_rs  # loaded for the manifests' schemas anyway

    try:
        errors = list(jsonschema_rs.validator_for(schema).iter_errors(data))
    except (ValueError, TypeError):  # a value JSON has no type for (a TOML date, a YAML non-string key)
        raise ConfigError(f"{display(path)}:1:1: invalid config: only strings, numbers, true/false, lists and "
                          f"mappings with string keys are allowed") from None
    problem = problems.first_problem(schema, errors)
    if problem is None:
        return
    mark = locate(problem.path)
    raise ConfigError(f"{display(path)}:{mark.line}:{mark.column}: invalid config at {dotted(problem.path)}: "
                      f"{problem.message}")


def _build(path: Path, data: dict[str, Any], cli_variables: Mapping[str, str], locate: Any) -> Config:
    shown = display(path)

    def at(*json_path: Any) -> str:
        mark = locate(json_path)
        return f"{shown}:{mark.line}"

    def rules(key: str) -> tuple[str, ...]:
        tokens = tuple(data.get(key) or ())
        for index, token in enumerate(tokens):
            if not registry.matching([token]):
                raise ConfigError(f"{at(key, index)}: {key}: `{token}` names no rule (use an id, a name or an "
                                  f"id prefix like GIE0)")
        return tokens

    variables = {k: str(v) for k, v in (data.get("variables") or {}).items()}
    severity = {}
    for token, level in (data.get("severity") or {}).items():
        matched = registry.matching([token])
        if not matched:
            raise ConfigError(f"{at('severity', token)}: severity: `{token}` names no rule")
        severity.update({rule.id: Severity.parse(level) for rule in matched})
    entries = []
    for index, entry in enumerate(data.get("suppress") or ()):
        mark = locate(("suppress", index))
        entries.append(suppress.config_entry(entry["rule"], entry.get("reason", ""), shown, mark.line, mark.column,
                                             entry.get("kind"), entry.get("namespace"), entry.get("name")))
    return Config(path, _scenarios(path, data, variables, cli_variables), variables,
                  data.get("gie_version"), data.get("kubernetes_version"), data.get("namespace"),
                  llm_d_router_version=data.get("llm_d_router_version"),
                  gateway_api_version=data.get("gateway_api_version"),
                  gateway_api_channel=data.get("gateway_api_channel"),
                  select=rules("select") if "select" in data else None, ignore=rules("ignore"), severity=severity,
                  exclude=tuple(data.get("exclude") or ()), templates=tuple(data.get("templates") or ()),
                  suppress=tuple(entries),
                  per_file=bool(data.get("per_file", False)), origins={key: at(key) for key in data})


def _scenarios(path: Path, data: dict[str, Any], variables: Mapping[str, str],
               cli_variables: Mapping[str, str]) -> dict[str, Scenario]:
    base = path.parent
    scenarios = {}
    for name, entry in (data.get("scenarios") or {}).items():
        own_vars = {**variables, **{k: str(v) for k, v in (entry.get("variables") or {}).items()}, **cli_variables}
        # File lists may name a swappable manifest (`${MANIFEST_PATH:-…}`), like upstream's e2e suite: the
        # environment may fill those, but never the manifests themselves (output must not depend on it).
        lookup = {**os.environ, **own_vars}
        files = []
        for raw in entry["files"]:
            resolved = substitute(raw, lookup)
            if resolved.unresolved:
                missing = ", ".join(sorted(resolved.unresolved))
                raise ConfigError(f"{display(path)}: scenario {name}: file entry {raw!r} needs a value for {missing}")
            target = Path(resolved.text)
            files.append(resolved.text if target.is_absolute() else display(base / target))
        scenarios[name] = Scenario(
            name=name, files=tuple(files), description=entry.get("description", ""),
            namespace=entry.get("namespace"), variables=own_vars, gie_version=entry.get("gie_version"),
            gateway_api_version=entry.get("gateway_api_version"), gateway_api_channel=entry.get("gateway_api_channel"),
            variant_of=entry.get("variant_of"), allowed_differences=tuple(entry.get("allowed_differences") or ()))
    for scenario in scenarios.values():
        if scenario.variant_of and scenario.variant_of not in scenarios:
            raise ConfigError(f"{display(path)}: scenario {scenario.name}: "
                              f"variant_of names unknown scenario {scenario.variant_of!r}")
    return scenarios


@dataclass(frozen=True)
class Excluder:
    """gitignore-style patterns, matched against paths relative to `base` (the config's folder, or the cwd)."""

    patterns: tuple[str, ...]
    base: Path
    _spec: pathspec.GitIgnoreSpec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        import pathspec

        object.__setattr__(self, "_spec", pathspec.GitIgnoreSpec.from_lines(self.patterns))

    def __call__(self, name: str) -> bool:
        relative = os.path.relpath(os.path.abspath(name), self.base)
        if relative.startswith(".."):
            return False  # outside the config's tree: its patterns say nothing about it
        return self._spec.match_file(Path(relative).as_posix())


def display(target: Path) -> str:
    """Paths as the user would type them from the working directory (stable output, no absolute paths)."""
    try:
        return os.path.relpath(target)
    except ValueError:  # another drive on Windows
        return str(target)
