"""YAML text → plain data with a position for every key and value.

This is the only module that touches the YAML library. It composes each document into a node graph
(safe: no Python object construction, no custom tags executed) and builds JSON-like data alongside a
`Positions` index, so any JSON path of a document maps back to a line and column. Documents are parsed
one at a time (split at `---` lines) so one broken snippet does not hide the findings in the others.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from gie_lint.shape import JsonPath
from gie_lint.source import workers
from gie_lint.source.limits import INT64, MAX_DEPTH, MAX_NODES_PER_DOCUMENT, check_depth, check_expanded_size
from gie_lint.source.limits import TooBig as _TooBig
from gie_lint.source.lines import LineTable, document_spans
from gie_lint.source.positions import Mark, Positions

try:  # libyaml is ~10x faster; marks and node graphs are identical.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


_MERGE_TAG = "tag:yaml.org,2002:merge"
_INTERN_CHARS = 64
# Keys whose place every run reports: each EPP's `image:` line names the release it is judged at. Kept while
# reading (a few marks per document) so no EPP document is composed again for it.
_EAGER_KEYS = frozenset({"image"})
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()


# A scalar holding `$` or `{{` (keys under their mapping's path): path, start, end (exclusive), style ("" = plain).
Span = tuple[JsonPath, Mark, Mark, str]


@dataclass(frozen=True)
class DuplicateKey:
    path: JsonPath
    key: str
    at: Mark
    first: Mark


@dataclass
class Document:
    """One YAML document: its data, positions and the problems met while reading it."""

    index: int
    data: Any
    positions: Positions
    start_line: int
    duplicates: list[DuplicateKey] = field(default_factory=list)
    error: str | None = None
    error_at: Mark | None = None
    # Raw literal-block text position info, for configs embedded in ConfigMaps (see `block_origin`).
    block_indents: dict[JsonPath, int] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)


def parse_stream(text: str) -> list[Document]:
    """Parse every document of `text`; a broken document becomes a Document with `error` set. A big stream's
    documents are parsed in the worker processes when `--jobs` opened them (the same Documents, in order)."""
    spans = [(line, begin, end) for line, begin, end in document_spans(text) if _has_content(text[begin:end])]
    pool = workers.pool_for(len(text)) if len(spans) > 1 else None
    if pool is not None:
        numbered = [((index, line), text[begin:end]) for index, (line, begin, end) in enumerate(spans)]
        return [doc for batch in workers.ordered_map(pool, _parse_batch, workers.batches(numbered)) for doc in batch]
    # Each document keeps a reference into `text` (for its positions), not a copy of its own chunk.
    return [_parse_document(index, line, text[begin:end], (text, begin))
            for index, (line, begin, end) in enumerate(spans)]


def _parse_batch(batch: list[tuple[tuple[int, int], str]]) -> list[Document]:
    return [_parse_document(index, offset, chunk) for (index, offset), chunk in batch]


def _has_content(chunk: str) -> bool:
    return bool(chunk.strip()) and not all(_is_blank_or_comment(ln) for ln in chunk.splitlines())


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped in ("---", "...")


def _parse_document(index: int, offset: int, chunk: str, within: tuple[str, int] | None = None) -> Document:
    """One document; `within` is the stream (and where the chunk starts in it) when the caller keeps the stream
    anyway, so the positions refer to it instead of keeping a copy of the chunk."""
    positions = Positions()
    doc = Document(index=index, data=None, positions=positions, start_line=offset + 1)
    try:
        check_depth(chunk, _Loader)  # before composing: libyaml's composer recurses on the C stack
        nodes = list(yaml.compose_all(chunk, Loader=_Loader))
    except _TooBig as exc:
        where = Mark(exc.at[0] + offset + 1, exc.at[1] + 1) if exc.at else Mark(offset + 1, 1)
        doc.error, doc.error_at = str(exc), where
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = LineTable(chunk).at(mark.index, mark.line, mark.column) if mark else (0, 0)
        where = Mark(line + offset + 1, column + 1)
        problem = exc.problem or exc.context or "invalid YAML"
        doc.error, doc.error_at = f"YAML syntax error: {problem}; this document is not linted", where
        return doc
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        first_line = (str(exc).splitlines() or ["unreadable"])[0]
        doc.error, doc.error_at = f"YAML error: {first_line}; not linted", Mark(offset + 1, 1)
        return doc
    if not nodes:
        return doc
    builder = _Builder(offset, doc, chunk.splitlines(), LineTable(chunk))
    if "<<" not in chunk:  # with merge keys only the whole table knows which `image:` a path means
        builder.eager = _EAGER_KEYS
    try:
        if "&" in chunk:  # without anchors there are no aliases, so nothing can expand
            check_expanded_size(nodes[0])
        doc.data = builder.build(nodes[0], (), 0)
    except _TooBig as exc:
        doc.data, doc.error, doc.error_at = None, str(exc), exc.at or Mark(offset + 1, 1)
        return doc
    doc.positions.root = builder.mark(nodes[0])
    source, begin = within if within is not None else (chunk, 0)
    doc.positions._load = _Recompose(index, offset, source, begin, begin + len(chunk))
    return doc


@dataclass(frozen=True)
class _Recompose:
    """Every key's and value's position in a document already read once (so it composes and builds). A plain
    object rather than a closure, so a document can cross to or from a worker process; it refers to its chunk
    of the stream (`source[begin:end]`) and travels as that chunk alone."""

    index: int
    offset: int
    source: str = field(repr=False)
    begin: int
    end: int

    @property
    def chunk(self) -> str:
        return self.source if (self.begin, self.end) == (0, len(self.source)) else self.source[self.begin:self.end]

    def __reduce__(self) -> tuple[Any, ...]:
        chunk = self.chunk
        return _Recompose, (self.index, self.offset, chunk, 0, len(chunk))

    def __call__(self) -> tuple[dict[JsonPath, Mark], dict[JsonPath, Mark]]:
        builder = self._builder(record=True)
        builder.build(yaml.compose(self.chunk, Loader=_Loader), (), 0)
        return builder.doc.positions.keys, builder.doc.positions.values

    def find(self, path: JsonPath) -> tuple[Mark | None, Mark] | None:
        """The marks the full table would hold for `path` or its nearest existing ancestor — (key mark, value
        mark) — from one walk down the composed nodes along the path: an EPP's image line without a position
        for every node of its document. None where only the full table is sure (a merge key on the way)."""
        builder = self._builder(record=False)
        node = yaml.compose(self.chunk, Loader=_Loader)
        key_mark: Mark | None = None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                if any(key.tag == _MERGE_TAG or not isinstance(key, yaml.ScalarNode) for key, _ in node.value):
                    return None
                found = [(key, value) for key, value in node.value  # the last of duplicate keys wins, as in data
                         if builder.key_text(key, (), 0) == step]
                if not found:
                    break
                key_mark, node = builder.mark(found[-1][0]), found[-1][1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                key_mark = builder.mark(node)
            else:
                break
        return key_mark, builder.mark(node)

    def _builder(self, record: bool) -> _Builder:
        scratch = Document(index=self.index, data=None, positions=Positions(), start_line=self.offset + 1)
        return _Builder(self.offset, scratch, self.chunk.splitlines(), LineTable(self.chunk), record=record)


class _Builder:
    """Turns a node graph into plain data, recording positions, duplicates and block indents."""

    def __init__(self, offset: int, doc: Document, lines: list[str], table: LineTable, record: bool = False) -> None:
        self.offset, self.table = offset, table
        self.record = record  # positions of every node (`_positions`); the first pass records none
        self.lines = lines
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()
        self.eager: frozenset[str] = frozenset()  # keys whose position the first pass keeps (see _EAGER_KEYS)

    def mark(self, node: yaml.Node, end: bool = False) -> Mark:
        at = node.end_mark if end else node.start_mark
        line, column = self.table.at(at.index, at.line, at.column)
        return Mark(line + self.offset + 1, column + 1)

    def build(self, node: yaml.Node, path: JsonPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES_PER_DOCUMENT:
            raise _TooBig(f"document expands to more than {MAX_NODES_PER_DOCUMENT} nodes (alias bomb?); not linted")
        if depth > MAX_DEPTH:
            raise _TooBig(f"document nests deeper than {MAX_DEPTH} levels; not linted")
        if id(node) in self.active:
            raise _TooBig("document contains a recursive alias; not linted")
        if self.record:
            self.doc.positions.values.setdefault(path, self.mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                items = []
                for i, child in enumerate(node.value):
                    if self.record:
                        self.doc.positions.keys.setdefault((*path, i), self.mark(child))
                    items.append(self.build(child, (*path, i), depth + 1))
                return items
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: JsonPath) -> Any:
        if node.style == "|":
            self.doc.block_indents[path] = self.literal_indent(node)
        if "$" in node.value or "{{" in node.value:
            self.doc.spans.append((path, self.mark(node), self.mark(node, end=True), node.style or ""))
        tag = node.tag
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                   "tag:yaml.org,2002:null"):
            try:
                value = _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError, KeyError, IndexError):
                # e.g. `!!bool maybe`, `!!int ""`, an integer of more digits than Python converts: a YAML
                # client rejects the document, so it is reported and not linted (the rest of the run goes on).
                kind = tag.rsplit(":", 1)[-1]
                raise _TooBig(f"YAML error: `{node.value[:40]}` is not a valid !!{kind}; this document is not linted",
                              self.mark(node)) from None
            if type(value) is int and not INT64[0] <= value <= INT64[1]:  # no client (nor CEL) takes it
                raise _TooBig(f"YAML error: integer `{node.value[:40]}…` is outside the 64-bit range; this document "
                              "is not linted", self.mark(node))
            return value
        # Timestamps, binary and custom tags stay text: that is what the API server's JSON sees. Short texts are
        # interned: a dump repeats the same names and values (`apps/v1`, `Always`, label values) thousands of
        # times, and one shared string per spelling is a third of the data's memory.
        value = node.value
        return sys.intern(value) if len(value) <= _INTERN_CHARS else value

    def mapping(self, node: yaml.Node, path: JsonPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        merges: list[yaml.Node] = []
        record = self.record
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = sys.intern(self.key_text(key_node, path, depth))
            if key in first_seen:
                self.doc.duplicates.append(DuplicateKey((*path, key), key, self.mark(key_node),
                                                        self.mark(first_seen[key])))
            else:
                first_seen[key] = key_node
            if record:
                self.doc.positions.keys[(*path, key)] = self.mark(key_node)
                self.doc.positions.values.pop((*path, key), None)
            elif key in self.eager:
                self.doc.positions.remember((*path, key), self.mark(key_node))
            result[key] = self.build(value_node, (*path, key), depth + 1)
        explicit = {k: v for k, v in self.doc.positions.keys.items() if k[:-1] == path} if merges and record else {}
        for merge in merges:  # YAML merge keys: explicit keys win over merged ones, values and positions.
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                merged = self.build(source, path, depth + 1)
                if isinstance(merged, dict):
                    for key, value in merged.items():
                        result.setdefault(key, value)
        if record:
            self.doc.positions.keys.update(explicit)
        return result

    def literal_indent(self, node: yaml.ScalarNode) -> int:
        """Indentation (0-based) of a literal block's content, for locating YAML embedded in it."""
        for line in self.lines[node.start_mark.line + 1:node.end_mark.line + 1]:
            if line.strip():
                return len(line) - len(line.lstrip(" "))
        column: int = node.start_mark.column
        return column + 2

    def key_text(self, key_node: yaml.Node, path: JsonPath, depth: int) -> str:
        if isinstance(key_node, yaml.ScalarNode):
            value = self.scalar(key_node, path)
            if value is None or isinstance(value, bool):
                return "null" if value is None else str(value).lower()
            return str(value)
        return str(self.build(key_node, (*path, "<complex key>"), depth + 1))
