"""Sources: which files to read, reading them safely, and turning them into parsed documents.

Everything that can go wrong with an input file before its documents are parsed (binary data, bad
encoding, unrendered Helm templates, kustomizations, unresolved envsubst placeholders) becomes a
`SourceIssue` of one `Issue` kind; the source rules (`lint.rules.source`) turn them into findings.
"""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lint.source.envsubst import Substitution, substitute
from lint.source.yamldoc import Document, Mark, parse_stream

YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 256 * 1024 * 1024  # a 20k-object cluster dump is ~100 MiB
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
STDIN = "-"

# A line that starts with a template action is Helm/Go template syntax, not YAML that happens to
# contain `{{` in a value (Prometheus alert templates in a ConfigMap, for example).
_TEMPLATE_LINE = re.compile(r"^\s*(?:-\s+)?\{\{-?\s*(?:if|else|end|range|with|define|include|template|/\*|\$|\.)")
_TEMPLATE_ANY = re.compile(r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|include\s|template\s|toYaml|tpl\s)")


class SourceError(Exception):
    """An input that cannot be opened at all (missing path, permission): a usage/I-O error, exit 2."""


class Issue(enum.Enum):
    """What went wrong while reading a file (each source rule reports one kind)."""

    UNREADABLE = "unreadable"  # binary, not UTF-8, too large
    KUSTOMIZATION = "kustomization"  # a kustomization file: not objects until built
    TEMPLATE = "template"  # unrendered Helm/Go template syntax
    UNRESOLVED = "unresolved"  # an envsubst placeholder without a value


@dataclass(frozen=True)
class SourceIssue:
    """A problem found while reading a file, at a position of the file as written."""

    kind: Issue
    message: str
    at: Mark


@dataclass
class SourceFile:
    """One input: its display name, its parsed documents and the problems met while reading it."""

    name: str
    documents: list[Document] = field(default_factory=list)
    issues: list[SourceIssue] = field(default_factory=list)
    substitution: Substitution | None = None
    lines: list[str] = field(default_factory=list)  # the text as written (for comment-based suppressions)

    def original_mark(self, mark: Mark) -> Mark:
        """Map a position in the substituted text back to the file as written."""
        if self.substitution is None:
            return mark
        return Mark(mark.line, self.substitution.original_column(mark.line, mark.column))


def discover(paths: Iterable[str], exclude: Callable[[str], bool] | None = None) -> list[str]:
    """Expand directories to their YAML files (recursive, sorted, symlink loops visited once).

    `exclude` filters only the files found inside directories: a file named explicitly is always read.
    """
    found: list[str] = []
    for raw in paths:
        if raw == STDIN:
            found.append(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            found.extend(name for name in _walk(path) if exclude is None or not exclude(name))
        elif path.exists():
            found.append(raw)
        else:
            raise SourceError(f"{raw}: no such file or directory")
    return found


def _walk(root: Path) -> list[str]:
    seen_dirs: set[str] = set()
    files: list[str] = []
    for directory, subdirs, names in os.walk(root, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen_dirs:
            subdirs[:] = []
            continue
        seen_dirs.add(real)
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in names:
            if name.lower().endswith(YAML_SUFFIXES):
                files.append(os.path.join(directory, name))
    return sorted(files)


def read(name: str, variables: Mapping[str, str], stdin: bytes | None = None) -> SourceFile:
    """Read and parse one input; never raises for bad content, only for unopenable paths."""
    source = SourceFile(name="<stdin>" if name == STDIN else name)
    raw = stdin if name == STDIN else _read_bytes(name)
    if raw is None:
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        source.issues.append(SourceIssue(Issue.UNREADABLE, f"larger than {MAX_FILE_BYTES >> 20} MiB; not linted",
                                         Mark(1, 1)))
        return source
    text = _decode(raw, source)
    if text is None:
        return source
    source.lines = text.split("\n")
    if os.path.basename(name) in KUSTOMIZATION_NAMES:
        source.issues.append(SourceIssue(
            Issue.KUSTOMIZATION,
            "kustomization file skipped: lint the rendered output (`kustomize build DIR | gie-lint check -`)",
            Mark(1, 1)))
        return source
    template_line = _template_line(text)
    if template_line:
        source.issues.append(SourceIssue(
            Issue.TEMPLATE,
            "Helm/Go template syntax (`{{ … }}`): not rendered, so not linted; "
            "pipe the render instead: `helm template RELEASE CHART | gie-lint check -`",
            Mark(template_line, 1)))
        return source
    source.substitution = substitute(text, variables)
    for var, line in sorted(source.substitution.unresolved.items(), key=lambda item: item[1]):
        source.issues.append(SourceIssue(
            Issue.UNRESOLVED,
            f"placeholder `${var}` has no value and is left as written: pass `--var {var}=VALUE` "
            f"or set it under `variables:` in the config",
            Mark(line, 1)))
    source.documents = parse_stream(source.substitution.text)
    return source


def _read_bytes(name: str) -> bytes:
    try:
        with open(name, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"{name}: {exc.strerror or exc}") from None


def _decode(raw: bytes, source: SourceFile) -> str | None:
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        source.issues.append(SourceIssue(Issue.UNREADABLE, "binary data (NUL bytes), not a YAML text file",
                                         Mark(1, 1)))
        return None
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        source.issues.append(SourceIssue(
            Issue.UNREADABLE, f"not UTF-8 text (invalid byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            Mark(line, 1)))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _template_line(text: str) -> int:
    """1-based line of the first Helm/Go template action, or 0 when the text is plain YAML."""
    if "{{" not in text:
        return 0
    for number, line in enumerate(text.split("\n"), start=1):
        if "{{" in line and (_TEMPLATE_LINE.match(line) or _TEMPLATE_ANY.search(line)):
            return number
    return 0
