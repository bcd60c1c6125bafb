"""envsubst-style placeholders: `$VAR`, `${VAR}`, `${VAR:-default}` (and `${VAR-default}`).

Upstream e2e manifests are applied after `envsubst`; linting them raw would report `$E2E_NS` as a
namespace. Substitution keeps every line where it was (values with newlines are not allowed to add
lines), and a per-line column map lets findings point at the original text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# `$(VAR)` is Kubernetes' own expansion syntax (container args/env) and `$$` an escape: leave both.
_PLACEHOLDER = re.compile(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)

_GO_TEMPLATE = re.compile(r"\{\{.*?\}\}")


@dataclass
class Substitution:
    """The substituted text, unresolved names (first line of each) and a column map back to the source."""

    text: str
    unresolved: dict[str, int] = field(default_factory=dict)
    # line (1-based) -> list of (new_col, delta): from new_col on, original = new + delta.
    shifts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def original_column(self, line: int, column: int) -> int:
        delta = 0
        for new_col, shift in self.shifts.get(line, ()):
            if column >= new_col:
                delta = shift
        return max(1, column + delta)


def substitute(text: str, variables: Mapping[str, str]) -> Substitution:
    """Replace placeholders whose value is known (or has a default); leave the rest as written."""
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
            value = _value_for(name, match, variables)
            if value is None:
                result.unresolved.setdefault(name, number)
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
