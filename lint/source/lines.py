"""Lines of a YAML stream as positions count them: only `\n`, `\r\n` and `\r` end a line.

libyaml also breaks lines at NEL, U+2028 and U+2029 (and `str.splitlines` at VT, FF and more), which would
move every later finding down a line and past the end of the file; positions are therefore taken from
libyaml's character index where such characters occur, and clamped to the text (a file without a final
newline has no line after its last).
"""

from __future__ import annotations

import re
from bisect import bisect_right

_DOC_START = re.compile(r"^---(?:[ \t]|$)")
_DOC_END = re.compile(r"^\.\.\.[ \t]*$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_of(text: str) -> list[str]:
    """`text` split after each `\n`, `\r\n` or `\r` (ends kept), and only there."""
    return _LINE.findall(text)


def split_documents(text: str) -> list[tuple[int, str]]:
    """Split a stream at document markers; returns (first line index 0-based, chunk text)."""
    chunks: list[tuple[int, str]] = []
    lines = lines_of(text)
    start = 0
    for i, line in enumerate(lines):
        if _DOC_START.match(line) and i > start:
            if _only_directives(lines[start:i]):
                continue  # `%YAML 1.2` / `%TAG` lines belong to the document this `---` starts
            chunks.append((start, "".join(lines[start:i])))
            start = i
        elif _DOC_END.match(line):
            chunks.append((start, "".join(lines[start:i])))
            start = i + 1
    if start < len(lines):
        chunks.append((start, "".join(lines[start:])))
    return chunks


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
