"""Escaping for generated Markdown: every character that Markdown or HTML could read as markup becomes a
numeric entity, so text from manifests (names, messages, file contents) always renders as text.

`|` and newlines are escaped too, so the result is safe inside a table cell; `{{ }}` and `-->` cannot start a
template or close the marker comment.
"""

from __future__ import annotations

import posixpath

_SPECIAL = set("&<>\"'|`*_[]{}#\\")


def esc(text: object) -> str:
    """Inline text, safe in a paragraph, a table cell or a link text."""
    raw = str(text).replace("\r\n", "\n").replace("\r", "\n")
    escaped = "".join(f"&#{ord(char)};" if char in _SPECIAL else char for char in raw)
    return "<br>".join(escaped.split("\n"))


def code(text: object) -> str:
    """Inline code, safe anywhere `esc` is."""
    return f"<code>{esc(text)}</code>"


def link(label: str, target: str) -> str:
    """A Markdown link with an escaped label; `target` is a URL gie-lint built (never manifest text)."""
    return f"[{label}]({target})"


def relative(target: str, page: str) -> str:
    """The link from the page whose source is `page` (docs-relative) to the source path `target` (`x.md#L3`)."""
    path, _, anchor = target.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return rel + (f"#{anchor}" if anchor else "")
