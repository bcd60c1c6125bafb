"""The project config (`.gie-lint.yaml`): scenarios, variables, versions, validated against a JSON Schema."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from lint.envsubst import substitute
from lint.yamldoc import parse_stream

CONFIG_NAMES = (".gie-lint.yaml", ".gie-lint.yml")
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "config.schema.json"


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


def find(start: Path) -> Path | None:
    """The nearest `.gie-lint.yaml` in `start` or one of its parents."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def load(path: Path | None, cli_variables: Mapping[str, str]) -> Config:
    if path is None:
        return Config(None)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {getattr(exc, 'strerror', None) or exc}") from None
    documents = parse_stream(text)
    if not documents:
        return Config(path)
    document = documents[0]
    if document.error is not None:
        at = document.error_at
        raise ConfigError(f"{path}:{at.line if at else 1}: {document.error}")
    data = document.data or {}
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        where_path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            where_path = (*where_path, extra[0]) if extra else where_path  # point at the unknown key
        mark = document.positions.locate(where_path)
        where = ".".join(str(p) for p in where_path) or "(top level)"
        raise ConfigError(f"{path}:{mark.line}:{mark.column}: invalid config at {where}: {error.message}")
    return _build(path, data, cli_variables)


def _build(path: Path, data: dict[str, Any], cli_variables: Mapping[str, str]) -> Config:
    variables = {k: str(v) for k, v in (data.get("variables") or {}).items()}
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
                raise ConfigError(f"{path}: scenario {name}: file entry {raw!r} needs a value for {missing}")
            target = Path(resolved.text)
            files.append(resolved.text if target.is_absolute() else _relative(base / target))
        scenarios[name] = Scenario(
            name=name, files=tuple(files), description=entry.get("description", ""),
            namespace=entry.get("namespace"), variables=own_vars, gie_version=entry.get("gie_version"),
            variant_of=entry.get("variant_of"), allowed_differences=tuple(entry.get("allowed_differences") or ()))
    for scenario in scenarios.values():
        if scenario.variant_of and scenario.variant_of not in scenarios:
            raise ConfigError(f"{path}: scenario {scenario.name}: variant_of names unknown scenario {scenario.variant_of!r}")
    return Config(path, scenarios, variables, data.get("gie_version"), data.get("kubernetes_version"),
                  data.get("namespace"))


def _relative(target: Path) -> str:
    """Paths as the user would type them from the working directory (stable output, no absolute paths)."""
    try:
        return os.path.relpath(target)
    except ValueError:  # another drive on Windows
        return str(target)
