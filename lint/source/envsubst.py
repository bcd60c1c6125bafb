"""envsubst-style placeholders: `$VAR`, `${VAR}`, `${VAR:-default}` (and `${VAR-default}`).

Upstream e2e manifests are applied after `envsubst`; linting them raw would report `$E2E_NS` as a
namespace. Substitution keeps every line where it was (values with newlines are not allowed to add
lines), and a per-line column map lets findings point at the original text. Which `$NAME`s are placeholders at
all is the caller's judgement (`leave`, see gie_lint.source.evidence); this module only substitutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# `$(VAR)` is Kubernetes' own expansion syntax (container args/env) and `$$` an escape: leave both.
_PLACEHOLDER = re.compile(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)

_GO_TEMPLATE = re.compile(r"\{\{.*?\}\}")


@dataclass(frozen=True)
class Placeholder:
    """One `$NAME` / `${NAME…}` as written: its 1-based line and column, and the whole line."""

    name: str
    line: int
    column: int
    text: str
    default: bool  # `${NAME:-…}` / `${NAME-…}`


@dataclass
class Substitution:
    """The substituted text, unresolved names (first line and column of each) and a column map back to the source."""

    text: str
    unresolved: dict[str, tuple[int, int]] = field(default_factory=dict)
    # line (1-based) -> list of (new_col, delta): from new_col on, original = new + delta.
    shifts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def original_column(self, line: int, column: int) -> int:
        delta = 0
        for new_col, shift in self.shifts.get(line, ()):
            if column >= new_col:
                delta = shift
        return max(1, column + delta)


def substitute(text: str, variables: Mapping[str, str],
               leave: Callable[[Placeholder], bool] | None = None) -> Substitution:
    """Replace placeholders whose value is known (or has a default); leave the rest as written.

    A placeholder whose variable is not in `variables` is first offered to `leave`: when it says so, the text is
    not a placeholder at all (a shell variable, a JSON Schema `$ref`), so it is neither substituted nor unresolved.
    """
    if "$" not in text:
        return Substitution(text)
    result = Substitution("")
    out_lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "$" not in line:
            out_lines.append(line)
            continue
        pieces: list[str] = []
        cursor = 0
        delta = 0
        template_spans = [(m.start(), m.end()) for m in _GO_TEMPLATE.finditer(line)]
        for match in _PLACEHOLDER.finditer(line):
            if match.start() > 0 and line[match.start() - 1] == "$":
                continue  # `$$VAR` is an escaped dollar
            if any(start <= match.start() < end for start, end in template_spans):
                continue  # `{{ $labels.x }}`: a Go template variable (alerting rules in a ConfigMap), not envsubst
            name = match.group("braced") or match.group("bare")
            if leave is not None and name not in variables and leave(
                    Placeholder(name, number, match.start() + 1, line, match.group("op") is not None)):
                continue
            value = _value_for(name, match, variables)
            if value is None:
                result.unresolved.setdefault(name, (number, match.start() + 1))
                continue
            value = value.replace("\n", " ")
            pieces.append(line[cursor:match.start()])
            new_start = sum(len(p) for p in pieces) + 1
            pieces.append(value)
            cursor = match.end()
            delta += (match.end() - match.start()) - len(value)
            result.shifts.setdefault(number, []).append((new_start + len(value), delta))
        pieces.append(line[cursor:])
        out_lines.append("".join(pieces))
    result.text = "\n".join(out_lines)
    return result


def _value_for(name: str, match: re.Match[str], variables: Mapping[str, str]) -> str | None:
    op = match.group("op")
    if name in variables:
        value = variables[name]
        if op == ":-" and value == "":
            return match.group("default")
        return value
    if op is not None:
        return match.group("default")
    return None
