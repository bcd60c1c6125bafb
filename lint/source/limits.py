"""Bounds on hostile YAML, checked before and while a document is composed.

libyaml's composer (PyYAML's C extension) recurses once per nesting level on the C stack, so `'[' * 30000` or
`'- ' * 100000` overflow it and kill the process; the depth is therefore bounded before composing: a cheap
upper bound from the text, and, only when that bound is high, the exact depth from libyaml's event stream
(iterative, no recursion). Integers outside the 64-bit range are rejected too: no Kubernetes client accepts
them, and Python's int↔str conversion limit and the CEL runtime fail on them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_NODES_PER_DOCUMENT = 500_000
MAX_DEPTH = 200
# Below this text bound the composer cannot recurse deeply enough to matter (it survives ~10k levels).
_CHEAP_BOUND = 1_000
_RUN = rf"[ ?:-]{{{_CHEAP_BOUND // 4}}}"
_LONG_FIRST_RUN, _LONG_RUN = re.compile(_RUN), re.compile("\n" + _RUN)  # faster than a MULTILINE `^`
INT64 = (-(2 ** 63), 2 ** 63 - 1)


class TooBig(Exception):
    """A document that is not linted (too big, too deep, a scalar no YAML client accepts), and where."""

    def __init__(self, message: str, at: Any = None) -> None:
        super().__init__(message)
        self.at = at


def may_be_deep(chunk: str) -> bool:
    """Whether `chunk` may nest more than ~1,000 levels (a cheap test, true for every chunk that does).

    Every flow level opens a bracket. A block collection starts where only spaces and indicators (`-`, `?`,
    `:`) precede it on its line, and nests only at a greater column than its parent (or the same, for a
    sequence that is a mapping value): block depth is at most twice the longest such leading run, plus one.
    """
    return chunk.count("[") + chunk.count("{") > _CHEAP_BOUND // 2 or _LONG_FIRST_RUN.match(chunk) is not None \
        or _LONG_RUN.search(chunk) is not None


def check_depth(chunk: str, loader: type) -> None:
    """Raise `TooBig` (with the 0-based position within `chunk`) when `chunk` nests deeper than MAX_DEPTH."""
    if not may_be_deep(chunk):
        return
    depth = 0
    try:
        for event in yaml.parse(chunk, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise TooBig(f"document nests deeper than {MAX_DEPTH} levels; not linted",
                                 (mark.line, mark.column) if mark else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: composing reports it, at the same place, before nesting any deeper
