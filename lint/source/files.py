"""Sources: which files to read, reading them safely, and turning them into parsed documents.

Everything that can go wrong with an input file before its documents are parsed (binary data, bad
encoding, unrendered Helm templates, kustomizations, unresolved envsubst placeholders) becomes a
`SourceIssue` of one `Issue` kind; the source rules (`gie_lint.rules.source`) turn them into findings.
A kustomization directory named as an input is rendered (`gie_lint.source.kustomize`), and `read_all` leaves out the
patch files a kustomization among the inputs lists.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gie_lint.source import kustomize, opening, templates, workers
from gie_lint.source.envsubst import Substitution, substitute
from gie_lint.source.evidence import Evidence
from gie_lint.source.kustomize import KUSTOMIZATION_NAMES
from gie_lint.source.lines import Lines
from gie_lint.source.opening import Refused, SourceError, read_bounded, read_bytes, too_large
from gie_lint.source.positions import Mark
from gie_lint.source.yamldoc import Document, parse_stream

YAML_SUFFIXES = (".yaml", ".yml")
STDIN = "-"


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
    lines: Lines = field(default_factory=Lines)  # the text as written (comment suppressions, authors' comments)

    def original_mark(self, mark: Mark) -> Mark:
        """Map a position in the substituted text back to the file as written."""
        if self.substitution is None:
            return mark
        return Mark(mark.line, self.substitution.original_column(mark.line, mark.column))


def discover(paths: Iterable[str], exclude: Callable[[str], bool] | None = None) -> list[str]:
    """Expand directories to their YAML files (recursive, sorted, symlink loops visited once).

    A directory with a kustomization file in it stays one input, read as its render (`kubectl kustomize`).
    `exclude` filters only the files found inside directories: a file named explicitly is always read.
    """
    found: list[str] = []
    for raw in paths:
        if raw == STDIN:
            found.append(STDIN)
            continue
        path = Path(raw)
        if path.is_dir() and kustomize.root(raw):
            found.append(raw)  # a kustomization directory: read as its render
        elif path.is_dir():
            found.extend(name for name in _walk(path) if exclude is None or not exclude(name))
        elif path.exists():
            found.append(raw)
        else:
            raise SourceError(f"{raw}: no such file or directory")
    return found


def _walk(root: Path) -> list[str]:
    seen_dirs: set[str] = set()
    files: list[str] = []  # an unreadable folder is listed too: reading it reports it (GIE906)
    for directory, subdirs, names in os.walk(root, followlinks=True, onerror=lambda exc: files.append(exc.filename)):
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


def read(name: str, variables: Mapping[str, str], stdin: bytes | None = None, template: bool = False) -> SourceFile:
    """Read and parse one input; never raises for bad content, only for unopenable paths (or a failed render).

    `template`: the file is declared an envsubst template, so every `$NAME` outside comments is a placeholder.
    """
    rendered = name != STDIN and os.path.isdir(name) and kustomize.root(name) is not None
    source = SourceFile(name="<stdin>" if name == STDIN else kustomize.rendered_name(name) if rendered else name)
    try:
        raw = stdin if name == STDIN else _render(name) if rendered else read_bytes(name)
    except Refused as exc:
        source.issues.append(SourceIssue(Issue.UNREADABLE, str(exc), Mark(1, 1)))
        return source
    if raw is None:
        raw = read_bounded(sys.stdin.buffer)
    if len(raw) > opening.MAX_FILE_BYTES:
        source.issues.append(SourceIssue(Issue.UNREADABLE, too_large(), Mark(1, 1)))
        return source
    text = _decode(raw, source)
    if text is None:
        return source
    source.lines = Lines(text)
    if not rendered and os.path.basename(name) in KUSTOMIZATION_NAMES:
        source.issues.append(_kustomization_issue(name, [], Mark(1, 1)))
        return source
    as_written = _Parsed(text)
    template_at = templates.structural(text, as_written.documents()) if "{{" in text else None
    if template_at is not None:
        source.issues.append(SourceIssue(
            Issue.TEMPLATE,
            "Helm/Go template syntax (`{{ … }}`) where YAML structure is: not rendered, so not linted; "
            "pipe the render instead: `helm template RELEASE CHART | gie-lint check -`",
            template_at))
        return source
    source.substitution = substitute(text, variables, Evidence(as_written.documents, template).leave)
    for var, (line, column) in sorted(source.substitution.unresolved.items(), key=lambda item: item[1]):
        source.issues.append(SourceIssue(
            Issue.UNRESOLVED,
            f"placeholder `${var}` has no value and is left as written: pass `--var {var}=VALUE` "
            f"or set it under `variables:` in the config",
            Mark(line, column)))
    source.documents = as_written.reuse(source.substitution.text)
    return source


class _Parsed:
    """The documents of the text as written, parsed once and only when asked (or when nothing was substituted)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._documents: list[Document] | None = None

    def documents(self) -> list[Document]:
        if self._documents is None:
            self._documents = parse_stream(self.text)
        return self._documents

    def reuse(self, text: str) -> list[Document]:
        """The documents of `text`: the ones already parsed when substitution changed nothing."""
        return self.documents() if text == self.text else parse_stream(text)


def read_all(names: Iterable[str], variables: Mapping[str, str], stdin: bytes | None = None,
             templates: Callable[[str], bool] | None = None) -> tuple[SourceFile, ...]:
    """Read every input, in order. A file that a kustomization among the inputs lists as a patch is not read as
    objects: the kustomization's finding (GIE904) names it instead."""
    names = list(names)
    kustomizations = {name: read(name, variables) for name in dict.fromkeys(names)
                      if os.path.basename(name) in KUSTOMIZATION_NAMES and os.path.isfile(name)}
    inputs = {os.path.abspath(name): name for name in names if name != STDIN}
    patched: set[str] = set()
    for name, source in kustomizations.items():
        folder = os.path.dirname(name)
        listed = [(path, at) for path, at in kustomize.patches(source.lines.text)
                  if os.path.abspath(os.path.join(folder, path)) in inputs]
        patched.update(inputs[os.path.abspath(os.path.join(folder, path))] for path, _ in listed)
        if listed:
            source.issues = [_kustomization_issue(name, [path for path, _ in listed], listed[0][1])]
    def template(name: str) -> bool:
        return templates is not None and templates(name)

    plain = [name for name in dict.fromkeys(names) if name not in kustomizations and name not in patched]
    jobs = [(name, variables, template(name)) for name in plain if name != STDIN]
    pool = workers.pool_for(sum(_size(name) for name, _, _ in jobs)) if len(jobs) > 1 else None
    parsed = dict(zip([n for n, _, _ in jobs], workers.ordered_map(pool, _read_job, jobs), strict=True)) if pool else {}
    return tuple(kustomizations[name] if name in kustomizations else SourceFile(name=name) if name in patched
                 else parsed[name] if name in parsed else read(name, variables, stdin, template=template(name))
                 for name in names)


def _read_job(job: tuple[str, Mapping[str, str], bool]) -> SourceFile:  # in a worker process
    name, variables, template = job
    return read(name, variables, template=template)


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size
    except OSError:  # read() reports it
        return 0


def _kustomization_issue(name: str, patches: list[str], at: Mark) -> SourceIssue:
    folder = os.path.dirname(name) or "."
    message = (f"kustomization file skipped: lint its render (`gie-lint check {folder}` or "
               f"`kubectl kustomize {folder} | gie-lint check -`)")
    if patches:
        message += f"; the patch files it lists are not linted as objects either: {', '.join(patches)}"
    return SourceIssue(Issue.KUSTOMIZATION, message, at)


def _render(directory: str) -> bytes:
    try:
        return kustomize.render(directory)
    except kustomize.KustomizeError as exc:
        raise SourceError(str(exc)) from None


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
