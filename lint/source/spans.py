"""Where a position of a file stands in its YAML: inside a scalar (which one, of which style) or in a comment.

The reader records, for each parsed document, the scalars that hold `$` or `{{` (`Document.spans`). Placeholder
evidence (gie_lint.source.evidence) and template detection (gie_lint.source.templates) ask this index about the text as
written, before anything is substituted. Scalars never overlap, so one bisection finds the one at a position.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from gie_lint.source.yamldoc import Document, Span

_Position = tuple[int, int]  # (line, column), 1-based
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#")


class SpanIndex:
    """The documents of one text, and their `$`/`{{` scalars by position."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = sorted(documents, key=lambda doc: doc.start_line)
        self._starts = [doc.start_line for doc in self.documents]
        self._sorted: dict[int, tuple[list[_Position], list[Span]]] = {}
        self._comments: dict[int, int] = {}  # line -> column of its comment's `#` (0: none)

    def document(self, line: int) -> Document | None:
        """The document `line` belongs to (comment lines between documents go with the one before)."""
        at = bisect_right(self._starts, line) - 1
        return self.documents[at] if at >= 0 else None

    def scalar(self, document: Document, line: int, column: int) -> Span | None:
        """The recorded scalar of `document` that covers (line, column), if any."""
        if id(document) not in self._sorted:
            spans = sorted(document.spans, key=lambda span: (span[1].line, span[1].column))
            self._sorted[id(document)] = ([(s[1].line, s[1].column) for s in spans], spans)
        starts, spans = self._sorted[id(document)]
        at = bisect_right(starts, (line, column)) - 1
        if at < 0:
            return None
        span = spans[at]
        return span if (line, column) < (span[2].line, span[2].column) else None

    def in_comment(self, document: Document | None, text: str, line: int, column: int) -> bool:
        """Whether (line, column) of `text` (that line) follows a `#` that starts a YAML comment."""
        if line not in self._comments:
            self._comments[line] = self._comment_column(document, text, line)
        start = self._comments[line]
        return 0 < start < column

    def _comment_column(self, document: Document | None, text: str, line: int) -> int:
        """The column of the `#` that starts the line's comment, or 0.

        A `#` starts a comment at the start of a line or after a blank, outside every scalar; in a document that did
        not parse, nothing is known about its scalars and the `#` alone decides.
        """
        for mark in _COMMENT.finditer(text):
            column = mark.start() + 1
            if document is None or document.error is not None or self.scalar(document, line, column) is None:
                return column
        return 0
