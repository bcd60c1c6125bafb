""""Did you mean": the nearest known spelling of a mistyped word (a version, a scenario, a rule name).

Rank 0 so the release lines, the schema catalog and the CLI share one idea of "close". Versions get more than
edit distance: `v1,5.0`, `v1_5_0`, `release-1.5` and `1.5` are the same release to a human, so they are put in
`vX.Y.Z` form before being compared with the known tags.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

_SEPARATORS = re.compile(r"[,_\s]+|\.{2,}")
_PREFIX = re.compile(r"^(?:release[-/]?|rel[-/]?|version[-=]?|ver[-=]?|v+\.?)", re.IGNORECASE)
_NUMBERS = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?")
NEWEST_WORDS = frozenset({"latest", "newest", "main", "master", "head", "stable", "current"})


def closest(word: str, choices: Sequence[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to `n` choices nearest to `word` (case-insensitive), nearest first."""
    by_folded = {choice.lower(): choice for choice in choices}
    return [by_folded[c] for c in difflib.get_close_matches(word.lower(), list(by_folded), n=n, cutoff=cutoff)]


def did_you_mean(word: str, choices: Sequence[str], *, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    close = closest(word, choices, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


def version_hint(text: str, known: Sequence[str], *, cutoff: float = 0.75) -> str:
    """A hint for a version `text` that is not one of `known` (tags like ``v1.5.0``, oldest first), to follow a
    message: ``; did you mean v1.5.0?``, ``; the newest known is v1.6.0 …``, or an empty string when nothing
    is close. A well-formed version needs a closer match (v1.60 → v1.6.0, but v1.9.0 and 1.7 suggest nothing)."""
    if not known:
        return ""
    word = text.strip()
    if word.lower() in NEWEST_WORDS:
        return f"; the newest known is {known[-1]}, and without a version the EPP image tag decides"
    normal = normalized_version(word)
    if normal is not None:
        if normal in known and normal != word:
            return f"; did you mean {normal}?"
        same_minor = [tag for tag in known if tag.rsplit(".", 1)[0] == normal.rsplit(".", 1)[0]]
        if same_minor:
            return f"; did you mean {same_minor[-1]}?"
        if normal.startswith("v" + word.lstrip("vV")):
            cutoff = max(cutoff, 0.85)  # well formed and simply unknown: v1.60 is a typo, v1.9.0 is not
    close = closest(normal or word, known, cutoff=cutoff)
    return f"; did you mean {close[0]}?" if close else ""


def normalized_version(word: str) -> str | None:
    """`v1,5.0`/`V1_5_0`/`release-1.5`/`1.5` → `v1.5.0`; None when no version number starts the word."""
    bare = _PREFIX.sub("", _SEPARATORS.sub(".", word.strip()).strip("."))
    match = _NUMBERS.match(bare)
    if not match:
        return None
    major, minor, patch = (int(part or 0) for part in match.groups())
    return f"v{major}.{minor}.{patch}"
