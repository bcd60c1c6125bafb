"""Fuzzing (issue 11, item 5): the source loader and the whole CLI, in-process, on generated and mutated input.

Properties, for every input: no exception escapes (the loader never raises for content; the CLI returns 0, 1 or 2
and exit 2 is one line on stderr that is not an internal error), the same input gives the same bytes twice, every
reported line and column lies inside the file, and the machine formats parse (JSON, SARIF 2.1.0, JUnit XML).

Profiles: "ci" (the default: fixed seed, no example database, a few dozen examples per test, well under 60 s) and
"long" (`make fuzz`: HYPOTHESIS_PROFILE=long, random seed, many more examples, no database either: a failure
prints its `@reproduce_failure` blob, and its input becomes an `@example`). A test's own example count is the
profile's `max_examples` times a factor, so the cheap loader tests try more inputs than the CLI ones.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from gie_lint.cli.main import main
from gie_lint.source import files, yamldoc
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, ROOT, need_shared

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", derandomize=True, database=None, max_examples=30, deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("long", database=None, max_examples=400, deadline=None, suppress_health_check=_QUIET,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _examples(factor: float) -> settings:
    return settings(max_examples=max(1, int(settings().max_examples * factor)))


FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")

# ---------------------------------------------------------------------------------------------------- strategies

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                     st.sampled_from(["", "~", "null", "yes", "0x1f", "1e400", "${VAR}", "$X", "{{ .Values.x }}",
                                      "8000", "-1", "*a", "&a", "<<", "=", "!!int"]))
_keys = st.one_of(st.text(max_size=10), st.integers(), st.sampled_from(
    ["apiVersion", "kind", "metadata", "name", "namespace", "spec", "data", "selector", "ports", "replicas"]))
_nested = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
                       max_leaves=16)


@st.composite
def _dumped(draw: st.DrawFn) -> str:
    """A stream of 1-3 documents of random nesting, as yaml.safe_dump writes them (block or flow style)."""
    docs = draw(st.lists(_nested, min_size=1, max_size=3))
    return yaml.safe_dump_all(docs, default_flow_style=draw(st.sampled_from([False, True, None])),
                              allow_unicode=draw(st.booleans()), explicit_start=draw(st.booleans()))


# Pieces that have broken YAML readers, envsubst, template detection or positions before.
TOKENS = ["\0", "\x01", "\x07", "\x08", "\x1b[2J", "\x7f", "\x9b", "{{", "}}", "{{ .Values.replicas }}", "{{- if .x }}",
          "$", "${", "${X}", "${X:-d}", "$X", "$$", "&a ", "*a", "<<: *a\n", "&a [*a, *a]", "\t", "\ufeff", "\x85",
          "\u2028", "\u2029", "\x0b", "\x0c", "\r", "\r\n", "\n", "---\n", "...\n", "--- ", ": ", ":", "- ", "-", "[",
          "]", "{", "}", "#", "# gie-lint: ignore=GIE040 x\n", "'", '"', "\\", "!!int ", "!!float ", "!!bool ",
          "!!binary ", "!!str ", "!custom ", "? ", "|", "|-\n", ">", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "@", "`",
          "0x" + "f" * 40, "1" + "0" * 40, "  ", "\n  ", "\n- ", "\U0001f600", "é"]
_piece = st.one_of(st.sampled_from(TOKENS), st.text(min_size=1, max_size=3))


@st.composite
def _mutated(draw: st.DrawFn, base: str) -> str:
    """`base` with 1-4 characters or tokens inserted, deleted or replaced."""
    text = base
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            text = text[:at] + draw(_piece) + text[at:]
        else:
            end = min(len(text), at + draw(st.integers(1, 8)))
            text = text[:at] + (draw(_piece) if op == "replace" else "") + text[end:]
    return text


def _example_documents() -> list[Any]:
    docs: list[Any] = []
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        docs.extend(doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(doc, dict))
    return docs


EXAMPLES = _example_documents()  # the reference system: every kind gie-lint knows well, correctly shaped
EPC = ("apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n"
       "- type: queue-scorer\n- type: max-score-picker\nschedulingProfiles:\n- name: default\n  plugins:\n"
       "  - pluginRef: queue-scorer\n  - pluginRef: max-score-picker\n")
KINDS = [("inference.networking.k8s.io/v1", "InferencePool"),
         ("inference.networking.x-k8s.io/v1alpha2", "InferencePool"),
         ("inference.networking.x-k8s.io/v1alpha2", "InferenceObjective"), ("llm-d.ai/v1alpha2", "InferenceObjective"),
         ("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "ServiceAccount"), ("v1", "ConfigMap"),
         ("gateway.networking.k8s.io/v1", "HTTPRoute"), ("gateway.networking.k8s.io/v1", "Gateway"),
         ("rbac.authorization.k8s.io/v1", "Role"), ("rbac.authorization.k8s.io/v1", "RoleBinding"),
         ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("autoscaling/v2", "HorizontalPodAutoscaler")]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replace(copy[path[0]], path[1:], value)
    return copy


@st.composite
def _kubernetes(draw: st.DrawFn) -> str:
    """1-4 Kubernetes-shaped documents: the reference objects (and an EndpointPickerConfig in a ConfigMap) with a few
    fields set to values of the wrong type, or fresh objects of a known apiVersion/kind with random fields."""
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            doc = draw(st.sampled_from(EXAMPLES + [{"apiVersion": "v1", "kind": "ConfigMap",
                                                    "metadata": {"name": "epp-config"},
                                                    "data": {"default-plugins.yaml": EPC}}]))
            for _ in range(draw(st.integers(1, 3))):
                path = draw(st.sampled_from(list(_paths(doc))[1:]))
                doc = _replace(doc, path, draw(_nested))
        else:
            api_version, kind = draw(st.sampled_from(KINDS))
            doc = {"apiVersion": api_version, "kind": kind,
                   "metadata": draw(st.one_of(_nested, st.fixed_dictionaries(
                       {"name": st.one_of(st.text(max_size=8), _scalars)}, optional={"namespace": _scalars}))),
                   **draw(st.dictionaries(st.sampled_from(["spec", "data", "rules", "subjects", "roleRef", "status"]),
                                          _nested, max_size=2))}
        docs.append(doc)
    return yaml.safe_dump_all(docs, sort_keys=draw(st.booleans()), allow_unicode=True)


_generated = st.one_of(_dumped(), _kubernetes(), st.text(max_size=200))
_texts = st.one_of(_generated, _generated.flatmap(_mutated))


def _encoded(text: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]).map(lambda codec: text.encode(codec, "surrogatepass"))


_inputs = st.one_of(_texts.map(lambda t: t.encode("utf-8", "surrogatepass")), _texts.flatmap(_encoded),
                    st.binary(max_size=64))

# Byte-level mutations of corpus files.
BYTE_TOKENS = [b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xef\xbb\xbf", b"\xc2\x85", b"\xe2\x80\xa8", b"\r", b"\n", b"\t",
               b"{{", b"}}", b"$", b"${X}", b"&a ", b"*a", b"- ", b": ", b"[", b"{", b"---\n", b"!!int ", b"#", b"'",
               b'"', b"\x1b", b"\x0c"]


@st.composite
def _mutated_bytes(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "flip"]))
        piece = draw(st.one_of(st.sampled_from(BYTE_TOKENS), st.binary(min_size=1, max_size=4)))
        if op == "insert":
            data[at:at] = piece
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif op == "replace":
            data[at:at + len(piece)] = piece
        elif at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                  and p.stat().st_size <= 16 * 1024 and p.name not in ("expected.yaml", "scenarios.yaml"))


# ---------------------------------------------------------------------------------------------------- properties


def _lines(raw: bytes) -> list[str]:
    """The file's lines as positions count them (`\\n`, `\\r\\n`, `\\r`), decoded as the reader decodes."""
    try:
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def _assert_inside(line: int, column: int, lines: list[str], what: object) -> None:
    """1 ≤ line ≤ the number of lines (a file without a final newline has no line after its last), and
    1 ≤ column ≤ the line's length + 1 (just past its last character)."""
    assert 1 <= line <= len(lines), (what, line, len(lines))
    assert 1 <= column <= len(lines[line - 1]) + 1, (what, line, column, lines[line - 1])


@contextlib.contextmanager
def _workdir(raw: bytes, name: str = "fuzz.yaml") -> Iterator[str]:
    """`raw` as a file in a fresh folder, which is also the cwd (so no project config applies)."""
    with tempfile.TemporaryDirectory(prefix="gie-fuzz-") as folder, contextlib.chdir(folder):
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(raw)
        yield path


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # main() must not exit itself, but say so instead of losing the run
            code = exc.code if isinstance(exc.code, int) else -1
    return code, out.getvalue(), err.getvalue()


def _checked_run(argv: list[str], codes: tuple[int, ...]) -> tuple[int, str]:
    code, out, err = _run(argv)
    assert code in codes, (argv, code, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("gie-lint: "), (argv, err)
    else:
        assert err == "", (argv, err)
    again = _run(argv)
    assert again == (code, out, err), f"{argv}: output differs between two runs of the same input"
    return code, out


def _check_loader(raw: bytes) -> None:
    with _workdir(raw) as path:
        source = files.read(path, {})
        assert repr(files.read(path, {})) == repr(source)  # deterministic
    lines = _lines(raw)
    for issue in source.issues:
        _assert_inside(issue.at.line, issue.at.column, lines, issue)
    text_lines = (_lines(source.substitution.text.encode("utf-8", "surrogatepass"))
                  if source.substitution is not None else lines)
    for doc in source.documents:
        marks = [*doc.positions.keys.values(), *doc.positions.values.values(),
                 *(m for d in doc.duplicates for m in (d.at, d.first)), *(m for s in doc.spans for m in s[1:3])]
        if doc.error_at is not None:
            marks.append(doc.error_at)
        assert 1 <= doc.start_line <= len(text_lines), (doc.start_line, len(text_lines))
        for mark in marks:
            _assert_inside(mark.line, mark.column, text_lines, doc)


def _check_cli(raw: bytes) -> None:
    lines = _lines(raw)
    with _workdir(raw) as path:
        for fmt in FORMATS:
            code, out = _checked_run(["check", "--format", fmt, path], (0, 1, 2))
            if code == 2:  # a usage-level error (0 resources checked): the same for every format
                continue
            if fmt == "json":
                report = json.loads(out)
                assert {"findings", "summary", "scenarios"} <= report.keys()
                for finding in report["findings"]:
                    assert finding["file"] == path
                    _assert_inside(finding["line"], finding["column"], lines, finding)
                assert not [f for f in report["findings"] if f["rule_id"] == "GIE999"], "a rule crashed"
            elif fmt == "sarif":
                sarif = json.loads(out)
                assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
                for result in sarif["runs"][0]["results"]:
                    assert {"ruleId", "level", "message", "locations"} <= result.keys()
                    region = result["locations"][0]["physicalLocation"]["region"]
                    _assert_inside(region["startLine"], region["startColumn"], lines, result)
            elif fmt == "junit":
                assert ET.fromstring(out).tag in ("testsuites", "testsuite")
            elif fmt == "github":
                assert all(line.startswith("::") for line in out.splitlines()), out
        for fmt in ("text", "json", "mermaid"):
            _, out = _checked_run(["explain", "--format", fmt, path], (0, 2))
            if fmt == "json" and out:
                assert isinstance(json.loads(out), dict)


# ---------------------------------------------------------------------------------------------------- tests


@_examples(8)
@given(st.text(max_size=300))
@example("a: [\n\n")
@example("\u2028" * 3 + "a: 'x")
def test_parse_stream_never_raises_and_points_inside(text: str) -> None:
    documents = yamldoc.parse_stream(text)
    assert repr(yamldoc.parse_stream(text)) == repr(documents)
    lines = _lines(text.encode("utf-8", "surrogatepass"))
    for doc in documents:
        for mark in [*doc.positions.keys.values(), *doc.positions.values.values(), doc.error_at]:
            if mark is not None:
                _assert_inside(mark.line, mark.column, lines, doc)


@_examples(6)
@given(_inputs)
@example(b"a: 1\r\nb: [\r\n")
@example("\ufeffa: '\u2028x".encode())
@example(b"\xff\xfea\x00:\x00 \x00[\x00")
def test_source_loader_never_raises_is_deterministic_and_points_inside(raw: bytes) -> None:
    _check_loader(raw)


@_examples(1)
@given(_inputs)
@example(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: [s")
@example(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\na: !!int ''\n")
@example(b"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: .nan}], selector: {a: .inf}}")
@example(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: !!set {x}, b: &a [*a]}\n")
@example("apiVersion: v1\fkind: ConfigMap\nmetadata: {name: \"c\\e[2J\u2028\"}\n\x85".encode())
def test_cli_every_format_on_generated_yaml(raw: bytes) -> None:
    _check_cli(raw)


@_examples(1)
@given(_kubernetes().flatmap(lambda text: st.one_of(st.just(text), _mutated(text))))
def test_cli_every_format_on_kubernetes_shaped_documents(text: str) -> None:
    _check_cli(text.encode("utf-8", "surrogatepass"))


def _corpus_property(check: Any, factor: float) -> None:
    need_shared(CORPUS)
    corpus = _corpus_files()
    if not corpus:
        pytest.fail(f"no YAML files under {CORPUS}")

    @_examples(factor)
    @given(st.integers(0, len(corpus) - 1).flatmap(lambda i: _mutated_bytes(corpus[i].read_bytes())))
    def run(raw: bytes) -> None:
        check(raw)

    run()


def test_source_loader_on_mutated_corpus_files() -> None:
    _corpus_property(_check_loader, 4)


def test_cli_every_format_on_mutated_corpus_files() -> None:
    _corpus_property(_check_cli, 1)
