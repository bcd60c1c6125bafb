"""A rule's documentation, read from its check function's docstring (as ruff and yamllint keep docs next to code).

The docstring is Markdown: a first paragraph saying what the rule checks, then the sections
`## Why it breaks`, `## Bad`, `## Good` and `## Fix`. Bad and Good hold one fenced code block each. A
docstring that lacks a section is a declaration error, raised when the rule module is imported.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

SECTIONS = ("Why it breaks", "Bad", "Good", "Fix")
_HEADING = re.compile(r"^## (.+?)\s*$", re.M)
_FENCE = re.compile(r"\A(`{3,})[a-z]*\n(.*)\n\1\Z", re.S)


@dataclass(frozen=True)
class RuleDocs:
    summary: str  # what it checks
    why: str
    bad: str  # the example's text, without the fence
    good: str
    fix: str


def _code(text: str, where: str, section: str) -> str:
    match = _FENCE.match(text.strip())
    if match is None:
        raise ValueError(f"{where}: the `## {section}` section must be one fenced code block")
    return match.group(2)


def parse_docs(docstring: str | None, where: str) -> RuleDocs:
    """The sections of a rule docstring; ValueError names the function when one is missing or empty."""
    text = inspect.cleandoc(docstring or "")
    parts = _HEADING.split(text)
    summary, found = parts[0].strip(), dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    missing = [s for s in SECTIONS if not found.get(s)]
    if not summary or missing or set(found) - set(SECTIONS):
        extra = sorted(set(found) - set(SECTIONS))
        raise ValueError(f"{where}: rule docstring needs a summary and the sections {', '.join(SECTIONS)} "
                         f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'})")
    return RuleDocs(" ".join(summary.split()), _prose(found["Why it breaks"]), _code(found["Bad"], where, "Bad"),
                    _code(found["Good"], where, "Good"), _prose(found["Fix"]))


def _prose(text: str) -> str:
    """Paragraphs re-flowed to one line each (docstrings wrap at the source's line length, not the reader's)."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())
