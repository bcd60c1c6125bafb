"""The EPP container's command line, parsed the way the EPP of the release in force parses it.

Rules ask "what is `--grpc-port`?" or "is leader election on?" through `Epp.args`, never by scanning
`args` themselves, so Go `flag` vs pflag semantics, camelCase v0.x names and the `--f v` / `--f=v`
spellings are handled once. The per-release flag table is data (`lint/releases/data/epp_flags.yaml`).

Two parser quirks matter for correctness (rules.md §2.1, GIE031):
* Go `flag` (≤v1.2) stops at the first positional argument: every later item is ignored (`ignored`).
* pflag (≥v1.3) does not consume a separate value after a bool flag: `--secure-serving false` is *true*,
  and `false` is a stray positional argument. pflag accepts only `--long` (plus shorthands like `-v`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gie_lint.releases.flags import FlagSet, any_release_type, canonical, flagset
from gie_lint.releases.versions import Release
from gie_lint.shape import JsonPath, decimal, dig
from gie_lint.source.placeholders import unresolved
from gie_lint.topology.model import Container, Workload

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
# The container's own entrypoint: `command: [/epp]` is the binary itself; anything else (a shell) is opaque.
_EPP_BINARIES = re.compile(r"(?:^|/)(?:epp|llm-d-inference-scheduler|llm-d-router|manager)$")


@dataclass(frozen=True)
class Flag:
    name: str  # canonical kebab name; camelCase v0.x names are mapped ("poolName" -> "pool-name")
    written: str  # as written, e.g. "-poolName" (without "=value")
    value: str | None  # None for a bare flag
    path: JsonPath  # the args item holding the flag
    value_path: JsonPath  # the item holding the value (same item for --f=v)
    known: bool = True  # the release accepts this spelling
    ignored: bool = False  # after the point where the parser stopped (Go flag: first positional)
    problem: str | None = None  # a syntax problem the parser reports or silently mishandles
    index: int = 0  # position in the argv (after the binary)

    @property
    def separate_value(self) -> bool:
        return self.value_path != self.path


@dataclass(frozen=True)
class Positional:
    """A non-flag argument (Go flag stops here; pflag skips it)."""

    value: str
    path: JsonPath
    after_bool: Flag | None = None  # the bool flag it was probably meant for
    index: int = 0


@dataclass
class EppArgs:
    flagset: FlagSet
    args_path: JsonPath  # the `args` key of the container, for "missing flag" findings
    flags: list[Flag] = field(default_factory=list)  # in order, including unknown and ignored ones
    positionals: list[Positional] = field(default_factory=list)
    opaque: bool = False  # a shell or unknown entrypoint wraps the EPP: nothing can be said

    def _effective(self) -> list[Flag]:
        # Misspelled flags (camelCase on v1, `-name` on pflag) count as intended: GIE030/GIE031 report the
        # spelling once; the wiring rules judge the value the author meant instead of cascading.
        return [f for f in self.flags if not f.ignored and f.name in self.flagset.by_name]

    def get(self, name: str) -> Flag | None:
        """The flag as meant (the last occurrence wins, as in both parsers); ignored items do not count."""
        found = [f for f in self._effective() if f.name == name]
        return found[-1] if found else None

    def value(self, name: str) -> str | None:
        """The effective value: as given, else the release's default; None when neither."""
        flag = self.get(name)
        if flag is not None:
            if flag.value is None:
                spec = self.flagset.spec(name)
                return "true" if spec is not None and spec.bool else None
            return flag.value
        spec = self.flagset.spec(name)
        return spec.default if spec is not None else None

    def given(self, name: str) -> bool:
        return self.get(name) is not None

    def enabled(self, name: str) -> bool:
        """Bool semantics: bare means true; `=v` per strconv.ParseBool; absent means the default."""
        value = self.value(name)
        return value in _TRUE

    def int_value(self, name: str) -> int | None:
        """An integer flag's effective value, None when unknowable (placeholders, garbage)."""
        value = self.value(name)
        return decimal(value.strip()) if value is not None else None


is_placeholder = unresolved  # the name the flag rules read best with


def parse_args(container: Container, release: Release) -> EppArgs:
    """The container's command line as the EPP of `release` parses it."""
    return _parse(container, flagset(release))


def _items(container: Container) -> tuple[list[tuple[JsonPath, str]], bool]:
    """The argv after the binary, and whether it is opaque (shell wrapper, non-string items)."""
    items: list[tuple[JsonPath, str]] = []
    for key in ("command", "args"):
        values = container.data.get(key)
        if values is None:
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return [], True
        items += [((*container.path, key, i), v) for i, v in enumerate(values)]
    command = container.data.get("command")
    if isinstance(command, list) and command:
        if not _EPP_BINARIES.search(command[0]):
            return [], True
        items = items[1:]
    return items, False


def _parse(container: Container, flags: FlagSet) -> EppArgs:
    items, opaque = _items(container)
    result = EppArgs(flags, (*container.path, "args"), opaque=opaque)
    stopped = False
    last_bool: Flag | None = None
    index = 0
    while index < len(items):
        path, text = items[index]
        start = index
        index += 1
        if text == "--":
            stopped = True  # both parsers: everything after is positional
            continue
        if len(text) < 2 or not text.startswith("-"):
            result.positionals.append(Positional(text, path, last_bool, index - 1))
            last_bool = None
            if flags.parser == "goflag":
                stopped = True  # Go flag stops here; later flags are still read, marked ignored
            continue
        dashes = 2 if text.startswith("--") else 1
        body = text[dashes:]
        bare, eq, inline = body.partition("=")
        problem = None
        if not bare or bare[0] in "-=":
            problem = f"`{text}` is not flag syntax"
        elif flags.parser == "pflag" and dashes == 1 and len(bare) > 1 and not _shorthand(bare, flags):
            problem = (f"`{text}` has a single dash: pflag (EPP v1.3+) reads it as shorthand `-{bare[0]}`; "
                       f"write `--{bare}`")
        name = canonical(bare, flags.line)
        short = flags.parser == "pflag" and dashes == 1 and bool(bare) and _shorthand(bare, flags)
        spec = flags.by_spelling.get(bare) or (flags.by_spelling.get(bare[0]) if short else None)
        if short and spec is not None and spec.name != name:
            name, inline, eq = spec.name, bare[1:].lstrip("=") or inline, "=" if bare[1:] or eq else ""
        known = spec is not None
        value: str | None = inline if eq else None
        value_path = path
        kind = spec.type if spec is not None else any_release_type(name, flags.line)
        if not eq and kind != "bool":
            # Both parsers take the next item as the value of a non-bool flag (even if it starts with "-").
            if index < len(items) and (kind is not None or not items[index][1].startswith("-")):
                value_path, value = items[index]
                index += 1
        flag = Flag(name, text.split("=", 1)[0], value, path, value_path, known, stopped, problem, start)
        result.flags.append(flag)
        last_bool = flag if kind == "bool" and not eq else None
    return result


def _shorthand(bare: str, flags: FlagSet) -> bool:
    """pflag shorthand forms: `-v`, `-v3`, `-v=3` (only single-letter flags have shorthands here)."""
    letter = bare[0]
    spec = flags.by_spelling.get(letter)
    return spec is not None and (len(bare) == 1 or bare[1] == "=" or bare[1:].isdigit())


def bool_text(value: str) -> bool | None:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


_VAR_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def env_value(workload: Workload, container: Container, name: str) -> tuple[str | None, bool]:
    """(value, known) of env var `name`: literal values, and fieldRef metadata.namespace/name of the pod.

    `known` is False when the variable is set some other way (configMapKeyRef, envFrom, other fields).
    """
    value: str | None = None
    known = True
    for item in container.env:
        if item.get("name") != name:
            continue
        if "value" in item:
            value, known = str(item["value"]), True
            continue
        field_path = dig(item, "valueFrom", "fieldRef", "fieldPath")
        if field_path == "metadata.namespace":
            value, known = workload.namespace, True
        else:
            value, known = None, False
    if value is None and container.data.get("envFrom"):
        known = False
    return value, known


def resolve(value: str | None, workload: Workload, container: Container) -> str | None:
    """A flag value with Kubernetes `$(VAR)` references expanded from the container env; None if unknowable."""
    if value is None:
        return None
    def substitute(match: re.Match[str]) -> str:
        found, known = env_value(workload, container, match.group(1))
        if found is None or not known:
            raise LookupError(match.group(1))
        return found
    try:
        expanded = _VAR_REF.sub(substitute, value)
    except LookupError:
        return None
    return None if is_placeholder(expanded) else expanded
