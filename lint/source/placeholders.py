"""Values nothing can be said about: they still hold a placeholder that something else fills in later."""

from __future__ import annotations


def unresolved(text: str | None) -> bool:
    """A value still holding a placeholder (envsubst `$VAR`, Kubernetes `$(VAR)`, Helm `{{ }}`)."""
    return text is not None and ("$" in text or "{{" in text)
