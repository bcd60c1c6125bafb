"""Unrendered templates: Go/Helm template syntax standing where YAML structure is.

A Go template inside a string value is data, and the file is linted as usual: istio's sidecar-injector ConfigMap
(templates in block scalars), kserve's LLMInferenceServiceConfig (in quoted strings), Prometheus alert text. A chart
template is not YAML until Helm renders it, and is reported (GIE903) and skipped when, in any of its documents:

* `{{` stands at a node position (`replicas: {{ .Values.n }}` is a flow mapping to YAML, `{{- if … }}` a line of
  its own), or begins a line inside a plain scalar (a directive line YAML folded into the value before it);
* a plain scalar uses Helm's own names (`name: epp-{{ .Release.Name }}`);
* the document does not parse, and does once its `{{ … }}` are blanked out (or has a line of Helm syntax).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gie_lint.source.lines import split_documents
from gie_lint.source.positions import Mark
from gie_lint.source.spans import SpanIndex
from gie_lint.source.yamldoc import Document, parse_stream

# A line that starts with a template action, and Helm's own names anywhere: in a document that does not parse,
# these say "chart template" without further evidence (they did, for every file, before structure was read).
_TEMPLATE_LINE = re.compile(r"^\s*(?:-\s+)?\{\{-?\s*(?:if|else|end|range|with|define|include|template|/\*|\$|\.)")
_TEMPLATE_ANY = re.compile(r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|include\s|template\s|toYaml|tpl\s)")
_ACTION = re.compile(r"\{\{.*?(?:\}\}|$)", re.M)  # one action, or the rest of the line when it does not close there


def structural(text: str, documents: Sequence[Document]) -> Mark | None:
    """The first `{{` of `text` that stands where YAML structure is, or None when every one is inside a value.

    `documents` are `text` parsed as written (with their `$`/`{{` scalars recorded).
    """
    if "{{" not in text:
        return None
    index = SpanIndex(documents)
    for offset, chunk in split_documents(text):
        if "{{" not in chunk:
            continue
        lines = chunk.split("\n")
        document = index.document(offset + 1)
        if document is None or document.start_line != offset + 1:
            continue  # only comments: parse_stream skipped the chunk
        openings = [(offset + number, column, line) for number, line in enumerate(lines, start=1)
                    for column in _openings(line)]
        openings = [o for o in openings if not index.in_comment(document, o[2], o[0], o[1])]
        found = _broken(chunk, openings) if document.error is not None else _parsed(index, document, openings)
        if found is not None:
            return found
    return None


def _openings(line: str) -> list[int]:
    """1-based columns of each `{{` on the line."""
    return [match.start() + 1 for match in re.finditer(r"\{\{", line)]


def _parsed(index: SpanIndex, document: Document, openings: list[tuple[int, int, str]]) -> Mark | None:
    for line, column, text in openings:
        span = index.scalar(document, line, column)
        if span is None:
            return Mark(line, column)  # not inside any value: a flow mapping to YAML, a template to Helm
        if span[3] == "" and (text[:column - 1].strip() in ("", "-") or _TEMPLATE_ANY.match(text, column - 1)):
            return Mark(line, column)
    return None


def _broken(chunk: str, openings: list[tuple[int, int, str]]) -> Mark | None:
    if not openings:
        return None
    first = {line: (column, text) for line, column, text in reversed(openings)}  # each line once, its first `{{`
    for line, (column, text) in sorted(first.items()):
        if _TEMPLATE_LINE.match(text) or _TEMPLATE_ANY.search(text):
            return Mark(line, column)
    blanked = _ACTION.sub(lambda action: " " * len(action.group()), chunk)
    if all(document.error is None for document in parse_stream(blanked)):
        return Mark(openings[0][0], openings[0][1])  # the templates were what broke it
    return None
