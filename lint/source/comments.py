"""The comment a manifest's author wrote beside a value: the block right above its key, and a trailing `# …`.

`gie-lint explain` shows it as the stated reason of a replica count (upstream writes
`replicas: 3  # <-- 3 vLLM pods`; this repository's examples explain the number above the key). YAML
parsers drop comments, so they are read from the text as written (`SourceFile.lines`), at the positions the
parser reported. Commented-out YAML (`# replicas: 1`) and linter directives are not prose and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gie_lint.shape import JsonPath
from gie_lint.source.resources import Resource

MAX_CHARS = 400  # a stated reason is a sentence or three; a longer block is cut (hostile input stays bounded)
MAX_LINES = 12  # how far above the key a comment block is read
_TRAILING = re.compile(r"[ \t]#[ \t]?(.*)$")  # a plain scalar cannot contain " #", so the first one starts it
# `# replicas: 4`, `# - --v=4`, `# args: [--x]`: a key with at most one token or a flow collection, or a list item
# of one token. "Canary: one pod takes the split" has words after its colon and is prose.
_COMMENTED_OUT = re.compile(r"^(?:-[ \t]+)?[\w./-]+[ \t]*:(?:[ \t]*(?:\S+|[\[{].*))?[ \t]*$|^-[ \t]+\S+[ \t]*$")
_DIRECTIVE = re.compile(r"^(?:gie-lint|yamllint|noqa|type:|pragma|kics|checkov|nosec)\b", re.IGNORECASE)
_ARROW = re.compile(r"^(?:<-+|←|\^+)[ \t]*")


def _prose(text: str) -> str | None:
    text = _ARROW.sub("", text.strip()).strip()
    if not text or _COMMENTED_OUT.match(text) or _DIRECTIVE.match(text) or not any(c.isalpha() for c in text):
        return None
    return text


def _after_value(line: str, column: int) -> str | None:
    """The trailing comment of `line`, the value starting at 0-based `column`."""
    rest = line[column:].rstrip("\r\n")
    if rest[:1] in ("'", '"'):  # a quoted scalar may hold " #": skip past its closing quote
        end = rest.find(rest[0], 1)
        rest = rest[end + 1:] if end > 0 else ""
    match = _TRAILING.search(" " + rest)
    return match.group(1) if match else None


def _above(lines: Sequence[str], key_index: int, indent: int) -> list[str]:
    """The comment lines directly above line `key_index`, at the key's indentation, top first."""
    block: list[str] = []
    index = key_index - 1
    while index >= 0 and len(block) < MAX_LINES:
        line = lines[index].rstrip("\r\n")
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") or len(line) - len(stripped) != indent:
            break
        block.append(stripped[1:])
        index -= 1
    block.reverse()
    return [p for p in (_prose(text) for text in block) if p]


def comment_beside(resource: Resource, path: JsonPath) -> str | None:
    """The author's comment on the value at `path`: the block above its key, then the line's trailing comment."""
    lines = resource.source.lines
    key, value = resource.locate(path), resource.value_mark(path)
    if not lines or not 1 <= key.line <= len(lines) or not 1 <= value.line <= len(lines):
        return None
    parts = _above(lines, key.line - 1, key.column - 1)
    trailing = _after_value(lines[value.line - 1], value.column - 1)
    if trailing is not None and (said := _prose(trailing)):
        parts.append(said)
    if not parts:
        return None
    text = " ".join(parts)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1].rstrip() + "…"
