"""Kubernetes' dialect of CEL on top of the `cel` package: import, function library, names, rules.

The API server evaluates ``x-kubernetes-validations`` rules with extra function libraries, sees object
properties under escaped names and compiles each rule once. This module provides exactly that, for
lint/schema/structural.py, which decides where and when a rule runs:

* :func:`_import_cel` imports `cel` without its interactive CLI (a startup-time workaround);
* :data:`K8S_FUNCTIONS`: the Kubernetes library functions the `cel` package lacks;
* :func:`cel_property_name` / :func:`to_cel`: property name escaping (``namespace`` -> ``__namespace__``);
* :class:`CelRule` / :func:`make_rule`: one compiled rule; :func:`rule_context` and
  :func:`failure_reason` to run it and to say why it could not run.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from gie_lint.shape import JsonPath


def _import_cel() -> Any:
    """Import `cel` without its interactive CLI (prompt_toolkit, rich: ~0.3 s of every lint run).

    The package's __init__ does `from . import cli, stdlib`; a placeholder for `cel.cli` during the
    import skips it and is removed afterwards, so `import cel.cli` still works for anyone who needs it.
    """
    if "cel" in sys.modules:
        return sys.modules["cel"]
    placeholder = types.ModuleType("cel.cli")
    sys.modules["cel.cli"] = placeholder
    try:
        import cel as module
    finally:
        if sys.modules.get("cel.cli") is placeholder:
            del sys.modules["cel.cli"]
    if getattr(module, "cli", None) is placeholder:
        delattr(module, "cli")
    return module


cel = _import_cel()
stdlib = cel.stdlib

# The CEL libraries of the Kubernetes API server that the `cel` package lacks natively
# (https://kubernetes.io/docs/reference/using-api/cel/). Registered only when a rule calls them, so
# native functions of the same name (string `contains`, ...) are never shadowed.
def _index_of(target: Any, item: Any, *rest: Any) -> Any:
    if isinstance(target, list):
        return target.index(item) if item in target else -1
    return stdlib.index_of(target, item, *rest)


def _last_index_of(target: Any, item: Any, *rest: Any) -> Any:
    if isinstance(target, list):
        return len(target) - 1 - target[::-1].index(item) if item in target else -1
    return stdlib.last_index_of(target, item, *rest)


def _find_all(text: str, regex: str, limit: int = -1) -> list[str]:
    found = [m.group(0) for m in re.finditer(regex, text)]
    return found if limit < 0 else found[:limit]


K8S_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "charAt": stdlib.char_at, "indexOf": _index_of, "lastIndexOf": _last_index_of,
    "lowerAscii": stdlib.lower_ascii, "upperAscii": stdlib.upper_ascii, "replace": stdlib.replace,
    "split": stdlib.split, "substring": stdlib.substring, "trim": stdlib.trim, "join": stdlib.join,
    "isSorted": lambda xs: all(a <= b for a, b in zip(xs, xs[1:], strict=False)), "sum": stdlib.sum_,
    "min": stdlib.min_, "max": stdlib.max_,
    "find": lambda text, regex: (m.group(0) if (m := re.search(regex, text)) else ""),
    "findAll": _find_all,
}

# Kubernetes exposes object properties to CEL under escaped names (`namespace` -> `__namespace__`).
_CEL_RESERVED = frozenset(
    "true false null in as break const continue else for function if import let loop package "
    "namespace return var void while".split()
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def cel_property_name(name: str) -> str | None:
    """The name under which CEL sees an object property, or None when CEL cannot access it."""
    if name in _CEL_RESERVED:
        return f"__{name}__"
    escaped = (name.replace("__", "__underscores__").replace(".", "__dot__")
               .replace("-", "__dash__").replace("/", "__slash__"))
    return escaped if _IDENT.match(escaped) else None


Resolver = Callable[[Any, dict[str, Any]], tuple[dict[str, Any], dict[str, Any], int]]


def to_cel(value: Any, schema: Any, doc: dict[str, Any] | None = None, resolve: Resolver | None = None) -> Any:
    """The value as CEL sees it: object properties under their escaped names, map keys unchanged."""
    if resolve is not None:
        schema, doc, _ = resolve(schema, doc or {})
    if not isinstance(schema, dict):
        schema = {}
    if isinstance(value, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            out = {}
            for key, sub in value.items():
                name = cel_property_name(key)
                if name is not None:
                    out[name] = to_cel(sub, props.get(key) or {}, doc, resolve)
            return out
        return {k: to_cel(v, schema.get("additionalProperties"), doc, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [to_cel(v, schema.get("items"), doc, resolve) for v in value]
    return value


@dataclass(frozen=True)
class CelRule:
    """One x-kubernetes-validations entry, compiled once."""

    rule: str
    message: str | None
    field_path: JsonPath
    program: Any  # cel.Program, or None when it did not compile
    compile_error: str | None
    transition: bool
    extensions: tuple[str, ...]


@cache
def _compile(rule: str) -> tuple[Any, str | None, bool, tuple[str, ...]]:
    """Compile a rule once per process (the same rules repeat across releases)."""
    try:
        program = cel.compile(rule)
    except Exception as exc:  # the cel module raises ValueError, but be safe: a rule must not crash us
        return None, f"cannot compile: {_first_line(exc)}", False, ()
    names = set(program.functions())
    return program, None, "oldSelf" in program.variables(), tuple(sorted(names & K8S_FUNCTIONS.keys()))


_FIELD_PATH_TOKEN = re.compile(r"\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]")


def parse_field_path(text: str) -> JsonPath:
    """Parse a rule's ``fieldPath`` (``.spec.foo``, ``.labels['a.b']``) relative to its node."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _FIELD_PATH_TOKEN.match(text, pos)
        if not match:
            return tuple(parts)  # unparseable tail: report at the deepest part understood
        name, key, index = match.groups()
        parts.append(int(index) if index is not None else (name if name is not None else key))
        pos = match.end()
    return tuple(parts)


def make_rule(entry: Mapping[str, Any]) -> CelRule:
    text = str(entry.get("rule", ""))
    program, error, transition, extensions = _compile(text)
    return CelRule(text, entry.get("message"), parse_field_path(str(entry.get("fieldPath", ""))),
                   program, error, transition, extensions)


def rule_context(rule: CelRule, value: Any) -> Any:
    """The cel.Context to run ``rule`` in: ``self`` bound to ``value``, plus the library functions it calls."""
    return cel.Context(variables={"self": value}, functions={name: K8S_FUNCTIONS[name] for name in rule.extensions})


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else exc.__class__.__name__)[:200]


def failure_reason(exc: Exception) -> str:
    """A short, stable reason for a rule that raised, so reports can group them."""
    text = _first_line(exc)
    if isinstance(exc, KeyError):
        return f"no such key: {text.strip(chr(39))}"
    if match := re.search(r"Undefined variable or function: '([^']+)'", text):
        return f"unsupported function or variable: {match.group(1)}"
    if isinstance(exc, TypeError):
        return f"type error: {text.split('. ')[0]}"
    return f"evaluation error: {text}"
