"""Reading untrusted manifest data: values of the wrong shape read as absent, never as an exception.

Rules run on objects whether or not they passed their schema (a schema error must not hide a wiring
error), so every read of a nested value goes through these instead of trusting `.get(...) or []`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

JsonPath = tuple[str | int, ...]  # a path into a document: mapping keys and list indices


def dotted(path: JsonPath, top: str = "(top level)") -> str:
    """``spec.targetPorts[0].number``: how people name a field in messages (`top` names the empty path)."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or top


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, item) for the mapping items of a list, skipping items of any other shape."""
    for index, item in enumerate(as_list(value)):
        if isinstance(item, dict):
            yield index, item


def strings(value: Any) -> list[str]:
    """The string items of a list (e.g. `apiGroups`, `verbs`, `args`)."""
    return [item for item in as_list(value) if isinstance(item, str)]


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def decimal(value: Any) -> int | None:
    """The number a string of ASCII digits spells (`"9002"`), as Go's strconv reads a port or a count; None for
    anything else (signs, spaces, other scripts' digits, more digits than an int64 has), never an exception."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    return None


def key(value: Any) -> str | int | None:
    """A value usable as a lookup key (names, ports): strings and integers only."""
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def dig(value: Any, *path: str | int) -> Any:
    """The value at `path` below `value` (keys into mappings, indices into lists); None when a step is missing
    or the node on the way has another shape (e.g. `dig(env, "valueFrom", "fieldRef", "fieldPath")`)."""
    node = value
    for step in path:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            node = node[step]
        elif isinstance(step, str) and isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return None
    return node


# C0 controls (newline and tab too: a shown field is one line), DEL, C1 controls, lone surrogates (undecodable
# bytes of a file name, kept by the file system encoding's surrogateescape).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def printable(text: str) -> str:
    """`text` safe to print on a terminal line: control characters and undecodable bytes as visible escapes
    (`\\x1b`, `\\n`, `\\udcff`), so nothing from a manifest or a file name moves the cursor or starts a line."""
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100
                                                           else f"\\u{ord(m[0]):04x}"), text)


def encodable(text: str) -> str:
    """`text` that encodes as UTF-8: a lone surrogate (an undecodable file-name byte) becomes `\\udcff`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
