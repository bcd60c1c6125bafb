"""Bounds on hostile YAML, checked before and while a document is composed.

libyaml's composer (PyYAML's C extension) recurses once per nesting level on the C stack, so `'[' * 30000` or
`'- ' * 100000` overflow it and kill the process; the depth is therefore bounded before composing: a cheap
upper bound from the text, and, only when that bound is high, the exact depth from libyaml's event stream
(iterative, no recursion). Integers outside the 64-bit range are rejected too: no Kubernetes client accepts
them, and Python's int↔str conversion limit and the CEL runtime fail on them. An alias bomb (a few anchors
that expand to millions of nodes) is caught on the composed graph, before any data is built.
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


def check_expanded_size(root: yaml.Node) -> None:
    """Reject alias bombs before building: the expanded size of a DAG, computed once per distinct node."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            total = 1 + sum(sizes[id(child)] for child in children)
            sizes[key] = total
            if total > MAX_NODES_PER_DOCUMENT:
                raise TooBig(f"document expands to more than {MAX_NODES_PER_DOCUMENT} nodes through aliases "
                             "(alias bomb?); not linted")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise TooBig("document contains a recursive alias; not linted")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
