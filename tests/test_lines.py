"""`Lines`: the lines of a text as `text.split("\\n")` gives them, kept as the text plus an array of starts."""

from __future__ import annotations

import random

import pytest
from gie_lint.source.lines import Lines


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\nb", "a\nb\n", "\n\n", "x" * 10 + "\ny", "é\n\u2028\n"])
def test_lines_are_the_split_text(text: str) -> None:
    lines = Lines(text)
    assert len(lines) == len(text.split("\n"))
    assert [lines[i] for i in range(len(lines))] == list(lines) == text.split("\n")
    assert lines[-1] == text.split("\n")[-1] and lines[1:3] == text.split("\n")[1:3]
    with pytest.raises(IndexError):
        lines[len(lines)]


def test_a_big_text_is_indexed_in_pieces_and_still_exact() -> None:
    rng = random.Random(7)
    text = "".join(rng.choice("ab\n") for _ in range(3_000_000))  # > 2 pieces of 1 MiB, cut inside lines
    lines, split = Lines(text), text.split("\n")
    assert len(lines) == len(split)
    assert all(lines[i] == split[i] for i in range(0, len(split), 101))
    assert lines[-1] == split[-1]


def test_a_source_never_read_has_no_lines() -> None:
    assert len(Lines()) == 0 and list(Lines()) == [] and not Lines()
    assert len(Lines("")) == 1  # an empty file has one empty line
    assert Lines("a\nb") == ["a", "b"] and Lines("a") == Lines("a") and Lines("a") != Lines("b")


FRAGMENTS = ["---", "--- x", "---x", "...", "... ", "...x", "%YAML 1.2", "%TAG ! x", " %x", "\xa0%Y", "a: 1", "# c",
             "", " ---", "----", "--- |", "\t"]


def test_the_one_pass_document_split_agrees_with_the_line_by_line_split() -> None:
    """`document_spans` finds the markers with one regex pass; `_spans_by_lines` (used for `\\r` line ends) walks
    the lines: on every `\\n` text they must cut the same documents at the same places."""
    from gie_lint.source.lines import _spans_by_lines, document_spans

    rng = random.Random(3)
    for _ in range(5000):
        text = "\n".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 8))) + rng.choice(["", "\n"])
        assert document_spans(text) == _spans_by_lines(text), repr(text)
    text = "a: 1\r\n---\r\nb: 2\r\n"
    assert [text[b:e] for _, b, e in document_spans(text)] == ["a: 1\r\n", "---\r\nb: 2\r\n"]

