"""Placeholder evidence: which `$NAME` of a manifest is an envsubst placeholder, and which is something else.

Not every `$` is a placeholder. YAML comments, shell scripts (`sh -c` arguments, script blocks), kustomize's
`$patch`, JSON Schema's `$ref` and `$schema`, Grafana's `$__rate_interval`, Argo CD's `$values`, crypt hashes
(`$2a$10$…`) and AWS ARNs (`…:function:f:$LATEST`) all hold one. A `$NAME` whose variable nobody named is taken for
a placeholder (substituted from its default, else reported as GIE902) only when the file shows it is one: an
upper-case name, or a `${name:-default}`, in a value outside comments and scripts. A variable named by `--var` or
`variables:` is always substituted (`envsubst.substitute` does not ask). A file declared a template (config
`templates:`) is what `envsubst` itself would see: every `$NAME` outside comments is a placeholder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from gie_lint.shape import JsonPath, as_list, dig
from gie_lint.source.envsubst import Placeholder
from gie_lint.source.spans import SpanIndex
from gie_lint.source.yamldoc import Document

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_SHELL_FLAG = re.compile(r"^-[a-z]*c[a-z]*$")  # -c, -ec, -xc, -euxc: the next word is a script
_ENV_NAME = re.compile(r"^(?!__)(?=[A-Z0-9_]*[A-Z])[A-Z_][A-Z0-9_]*$")  # upper case; `$__interval` is Grafana's
_CRYPT = re.compile(r"\$(?:2[abxy]?|[156y]|argon2(?:id|i|d))\$[^\s\"',]+")  # bcrypt, sha-crypt, yescrypt, argon2
_DELIMITERS = " \t\"'=,[]{}()"
_TOKEN = re.compile(r"[^\s\"'=,\[\]{}()]*$")  # the word a `$` continues (to find `arn:…:$LATEST`)
# A line no configuration format but a shell script has (`#!/bin/sh`, `set -e`, `fi`, `echo …`).
_SHELL_LINE = re.compile(
    r"^\s*(?:#!\s*/|(?:if|elif|while|until)\s+\[|(?:then|else|fi|do|done|esac)\s*;?$|for\s+\w+\s+in\s"
    r"|case\s.+\sin\s*$|set\s+-[a-z]+\b|export\s+[A-Za-z_]\w*=|(?:echo|exec|cd|mkdir|cp|mv|rm|curl|wget|sleep|trap"
    r"|source)\s)")


class Evidence:
    """`leave(placeholder)` for `envsubst.substitute`: True when the file shows the `$NAME` is not a placeholder.

    `documents` parses the text as written; it is called at most once, and only when the lexical checks cannot
    decide (a placeholder that may be in a comment or a script).
    """

    def __init__(self, documents: Callable[[], Sequence[Document]], template: bool = False) -> None:
        self._documents = documents
        self._template = template
        self._index: SpanIndex | None = None

    def leave(self, placeholder: Placeholder) -> bool:
        if not self._template and not_a_placeholder(placeholder):
            return True
        if self._index is None:
            self._index = SpanIndex(self._documents())
        line, column = placeholder.line, placeholder.column
        document = self._index.document(line)
        if document is None or document.error is not None:  # nothing known but the line itself
            return self._index.in_comment(document, placeholder.text, line, column)
        span = self._index.scalar(document, line, column)
        if span is None:
            return True  # in a parsed document every value holding `$` is a recorded scalar: this is a comment
        return not self._template and in_script(document.data, span[0], span[3])


def not_a_placeholder(placeholder: Placeholder) -> bool:
    """What the `$NAME` and its line alone show: a lower-case or `__` name, a crypt hash, an AWS ARN."""
    if not placeholder.default and not _ENV_NAME.match(placeholder.name):
        return True
    text, at = placeholder.text, placeholder.column - 1
    if at == 0 or text[at - 1] in _DELIMITERS:
        return False  # both a hash and an ARN run on into the `$`
    # Look back a bounded stretch only (a crypt hash is < 200 characters, an ARN < 2048): a line with thousands
    # of `$` must not cost the square of its length.
    if any(hash_.start() <= at < hash_.end() for hash_ in _CRYPT.finditer(text, max(0, at - 200), at + 1)):
        return True
    word = _TOKEN.search(text[max(0, at - 2048):at])
    return word is not None and word.group().lower().startswith("arn:")


def in_script(data: Any, path: JsonPath, style: str) -> bool:
    """Whether the string at `path` is a shell script: `$` in it is the shell's, not envsubst's.

    A container's `command`/`args` word after a shell's `-c`, a multi-line or shell-like `command`/`args` item, a
    `script:` field (Tekton, Argo), a `*.sh` ConfigMap key, or a multi-line block scalar with a line only shell
    scripts have.
    """
    value = dig(data, *path)
    if not isinstance(value, str) or not path:
        return False
    last = path[-1]
    multi_line = "\n" in value.rstrip("\n")
    shell_lines = any(_SHELL_LINE.match(line) for line in value.split("\n"))
    if last == "script" or (isinstance(last, str) and last.endswith((".sh", ".bash"))):
        return True
    if isinstance(last, int) and len(path) >= 2 and path[-2] in ("command", "args"):
        if multi_line or shell_lines or _after_shell_flag(dig(data, *path[:-2]), str(path[-2]), last):
            return True
    return style in ("|", ">") and multi_line and shell_lines


def _after_shell_flag(holder: Any, key: str, index: int) -> bool:
    """Whether `holder[key][index]` comes after `-c` in the argv `command + args` (of a shell, or as its first word)."""
    if not isinstance(holder, dict):
        return False
    command = as_list(holder.get("command"))
    argv = [word if isinstance(word, str) else "" for word in (*command, *as_list(holder.get("args")))]
    position = index if key == "command" else len(command) + index
    for at, word in enumerate(argv[:position]):
        if _SHELL_FLAG.match(word) and (at == 0 or any(os.path.basename(w) in SHELLS for w in argv[:at])):
            return True
    return False
