"""Lines of a YAML stream as positions count them: only `\n`, `\r\n` and `\r` end a line.

libyaml also breaks lines at NEL, U+2028 and U+2029 (and `str.splitlines` at VT, FF and more), which would
move every later finding down a line and past the end of the file; positions are therefore taken from
libyaml's character index where such characters occur, and clamped to the text (a file without a final
newline has no line after its last).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate, islice
from typing import overload

_DOC_START = re.compile(r"^---(?:[ \t\r\n]|$)")  # a line: its end (`\n`, `\r\n`, `\r`) kept
_DOC_END = re.compile(r"^\.\.\.[ \t]*(?:\r\n|\r|\n)?$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_of(text: str) -> list[str]:
    """`text` split after each `\n`, `\r\n` or `\r` (ends kept), and only there."""
    return _LINE.findall(text)


def split_documents(text: str) -> list[tuple[int, str]]:
    """Split a stream at document markers; returns (first line index 0-based, chunk text)."""
    return [(line, text[begin:end]) for line, begin, end in document_spans(text)]


_MARKER = re.compile(r"^(?:(?P<start>---)(?:[ \t]|$)|(?P<end>\.\.\.)[ \t]*$)", re.M)


def document_spans(text: str) -> list[tuple[int, int, int]]:
    """Where each document of a stream is: (first line index 0-based, start, end) character offsets, split at
    `---` lines (a `%YAML`/`%TAG` directive block stays with the document its `---` starts) and after `...`.
    One regex pass over the text: no list of its lines (a 100 MB dump has millions)."""
    if "\r" in text:  # `$`/`^` know only `\n`; the files' text is normalised, other text goes line by line
        return _spans_by_lines(text)
    spans: list[tuple[int, int, int]] = []
    start_line = start = line = counted = 0
    for marker in _MARKER.finditer(text):
        at = marker.start()
        line += text.count("\n", counted, at)
        counted = at
        if marker.group("start") is not None:
            if line > start_line and not _directives_only(text, start, at):
                spans.append((start_line, start, at))
                start_line, start = line, at
        else:
            spans.append((start_line, start, at))
            newline = text.find("\n", at)
            start_line, start = line + 1, len(text) if newline == -1 else newline + 1
    if start < len(text):
        spans.append((start_line, start, len(text)))
    return spans


def _spans_by_lines(text: str) -> list[tuple[int, int, int]]:
    """`document_spans` for any line ends (`\r\n`, `\r` too): the same rules, one line at a time."""
    spans: list[tuple[int, int, int]] = []
    lines = lines_of(text)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    start = 0
    for i, line in enumerate(lines):
        if _DOC_START.match(line) and i > start:
            if _only_directives(lines[start:i]):
                continue  # `%YAML 1.2` / `%TAG` lines belong to the document this `---` starts
            spans.append((start, offsets[start], offsets[i]))
            start = i
        elif _DOC_END.match(line):
            spans.append((start, offsets[start], offsets[i]))
            start = i + 1
    if start < len(lines):
        spans.append((start, offsets[start], offsets[-1]))
    return spans


_FIRST_WORD = re.compile(r"^[^\S\n]*([^\s#])", re.M)  # a line's first character that is no space nor `#`


def _directives_only(text: str, start: int, end: int) -> bool:
    """`_only_directives` of the `\n`-separated lines of `text[start:end]`, without splitting them: the first
    meaningful line decides unless it is a directive."""
    first = _FIRST_WORD.search(text, start, end)
    if first is None or first.group(1) != "%":
        return False
    return _only_directives(text[start:end].split("\n"))


def _only_directives(lines: list[str]) -> bool:
    meaningful = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
    return bool(meaningful) and all(ln.startswith("%") for ln in meaningful)


class LineTable:
    """0-based (line, column) of a character index of one chunk, counting only `\n`, `\r\n`, `\r` as breaks."""

    def __init__(self, chunk: str) -> None:
        self.chunk = chunk
        # libyaml's own line and column agree unless it met a break of its own (`in` is faster than a regex)
        self.exact = "\x85" in chunk or "\u2028" in chunk or "\u2029" in chunk
        self.count = max(1, len(lines_of(chunk))) if self.exact or "\r" in chunk else \
            chunk.count("\n") + (not chunk.endswith("\n"))
        self._starts: list[int] | None = None
        self._lines: list[str] = []

    def at(self, index: int, line: int, column: int) -> tuple[int, int]:
        """The position of libyaml's mark (`index`, `line`, `column`), inside the chunk."""
        if self.exact:
            if self._starts is None:
                self._lines, self._starts = lines_of(self.chunk) or [""], [0]
                for text in self._lines[:-1]:
                    self._starts.append(self._starts[-1] + len(text))
            line = bisect_right(self._starts, index) - 1
            column = min(index - self._starts[line], len(self._lines[line].rstrip("\r\n")))
        if line >= self.count:  # past the last line (no final newline, or the end of the stream)
            last = (lines_of(self.chunk) or [""])[-1]
            return max(self.count - 1, 0), len(last.rstrip("\r\n"))
        return line, column


class Lines(Sequence[str]):
    """The lines of a text as written (`text.split("\\n")`; `\\r\\n` and `\\r` are normalised before), without a
    string per line: the text and, once a line is first asked for by number, one array of line starts. A 100 MB
    dump has ~5 million lines: as a list of strings ~300 MB kept for the whole run, for the few lines a comment
    lookup reads."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str | None = None) -> None:
        """`None`: a source that was never read has no lines (an empty file has one, empty)."""
        self.text = text or ""
        self._starts: array[int] | None = None if text is not None else array("q")

    def _index(self) -> array[int]:
        if self._starts is None:
            text, starts, begin = self.text, array("q", [0]), 0
            while begin < len(text):  # in pieces of ~1 MiB cut at a newline: never a list of every line
                cut = text.find("\n", min(begin + (1 << 20), len(text)))
                end = len(text) if cut == -1 else cut + 1
                parts = text[begin:end].split("\n")[:-1]  # the lines the piece ends, without their newline
                starts.extend(islice(accumulate((len(part) + 1 for part in parts), initial=begin), 1, None))
                begin = end
            self._starts = starts
        return self._starts

    def __len__(self) -> int:
        return len(self._index())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        starts = self._index()
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(starts)))]
        if index < 0:
            index += len(starts)
        if not 0 <= index < len(starts):
            raise IndexError("line index out of range")
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.text)
        return self.text[starts[index]:end]

    def __iter__(self) -> Iterator[str]:
        return iter(self.text.split("\n") if self._starts is None or self._starts else [])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lines):
            return self.text == other.text
        return list(self) == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Lines({len(self)} lines)"
