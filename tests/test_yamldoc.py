"""lint/source/yamldoc.py: data and 1-based positions for every path, per-document errors, bounded work."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gie_lint.source import files as source
from gie_lint.source.positions import Mark
from gie_lint.source.yamldoc import MAX_DEPTH, Document, parse_stream


def _one(text: str) -> Document:
    documents = parse_stream(text)
    assert len(documents) == 1, documents
    assert documents[0].error is None, documents[0].error
    return documents[0]


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - not POSIX
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"did not finish within {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- positions --------------------------------------------------------------------------------------


def test_nested_block_maps_and_lists() -> None:
    doc = _one(
        "spec:\n"                      # 1
        "  template:\n"                # 2
        "    spec:\n"                  # 3
        "      containers:\n"          # 4
        "      - name: epp\n"          # 5
        "        args:\n"              # 6
        "        - --pool-name\n"      # 7
        "        - vllm\n"             # 8
        "      - name: sidecar\n"      # 9
    )
    locate = doc.positions.locate
    assert locate(("spec",)) == Mark(1, 1)
    assert locate(("spec", "template")) == Mark(2, 3)
    assert locate(("spec", "template", "spec", "containers")) == Mark(4, 7)
    assert locate(("spec", "template", "spec", "containers", 0, "name")) == Mark(5, 9)
    assert locate(("spec", "template", "spec", "containers", 0, "args")) == Mark(6, 9)
    assert locate(("spec", "template", "spec", "containers", 0, "args", 1)).line == 8
    assert locate(("spec", "template", "spec", "containers", 1, "name")) == Mark(9, 9)
    assert doc.data["spec"]["template"]["spec"]["containers"][0]["args"] == ["--pool-name", "vllm"]


def test_flow_style_positions() -> None:
    #      0        1
    #      1234567890123456
    doc = _one("{a: [1, {b: 2}]}\n")
    assert doc.data == {"a": [1, {"b": 2}]}
    locate = doc.positions.locate
    assert locate(("a",)) == Mark(1, 2)
    assert locate(("a", 0)) == Mark(1, 6)
    assert locate(("a", 1)) == Mark(1, 9)
    assert locate(("a", 1, "b")) == Mark(1, 10)
    assert doc.positions.value_of(("a", 1, "b")) == Mark(1, 13)


def test_flow_inside_block() -> None:
    doc = _one("top:\n  x: {a: [1, {b: 2}]}\n")
    assert doc.positions.locate(("top", "x", "a", 1, "b")) == Mark(2, 15)
    assert doc.positions.locate(("top", "x", "a")) == Mark(2, 7)


def test_multi_document_lines_continue_across_separators() -> None:
    text = (
        "kind: A\n"          # 1
        "---\n"              # 2
        "# comment\n"        # 3
        "kind: B\n"          # 4
        "spec:\n"            # 5
        "  x: 1\n"           # 6
        "---\n"              # 7
        "kind: C\n"          # 8
    )
    docs = parse_stream(text)
    assert [d.data["kind"] for d in docs] == ["A", "B", "C"]
    assert [d.index for d in docs] == [0, 1, 2]
    assert [d.start_line for d in docs] == [1, 2, 7]
    assert docs[1].positions.locate(("kind",)) == Mark(4, 1)
    assert docs[1].positions.locate(("spec", "x")) == Mark(6, 3)
    assert docs[2].positions.locate(("kind",)) == Mark(8, 1)


def test_separator_with_trailing_spaces_and_comment() -> None:
    docs = parse_stream("a: 1\n---   \nb: 2\n--- \t# next\nc: 3\n")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}, {"c": 3}]
    assert docs[1].positions.locate(("b",)) == Mark(3, 1)
    assert docs[2].positions.locate(("c",)) == Mark(5, 1)


def test_empty_and_comment_only_documents_are_skipped() -> None:
    docs = parse_stream("---\n# only a comment\n---\n\n---\nkind: X\n---\n")
    assert len(docs) == 1
    assert docs[0].index == 0
    assert docs[0].positions.locate(("kind",)) == Mark(6, 1)


def test_document_end_marker() -> None:
    docs = parse_stream("a: 1\n...\n---\nb: 2\n")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].positions.locate(("b",)) == Mark(4, 1)


def test_anchor_and_alias_positions() -> None:
    doc = _one("a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}
    assert doc.positions.locate(("b",)) == Mark(2, 1)
    # the aliased elements live where the anchor wrote them
    assert doc.positions.locate(("b", 1)) == Mark(1, 11)


MERGE = (
    "base: &x\n"     # 1
    "  p: 1\n"       # 2
    "  q: 2\n"       # 3
    "child:\n"       # 4
    "  <<: *x\n"     # 5
    "  q: 3\n"       # 6
)


def test_merge_key_data() -> None:
    doc = _one(MERGE)
    assert doc.data["child"] == {"p": 1, "q": 3}  # explicit keys win over merged ones
    assert doc.data["base"] == {"p": 1, "q": 2}
    assert doc.duplicates == []
    assert "<<" not in doc.data["child"]
    # a merged-only key points at the anchor's text or at the merge key, never elsewhere
    assert doc.positions.locate(("child", "p")) in (Mark(2, 3), Mark(5, 3))


def test_merge_key_explicit_key_keeps_its_own_position() -> None:
    doc = _one(MERGE)
    # data says `child.q` is the explicit 3 on line 6, so findings about it must point there, not at base.q
    assert doc.positions.locate(("child", "q")) == Mark(6, 3)


def test_merge_key_list_of_sources() -> None:
    doc = _one("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n")
    assert doc.data["c"] == {"x": 1, "y": 2, "z": 3}  # earlier sources win
    assert doc.positions.locate(("c", "z")) == Mark(5, 3)


def test_crlf_after_source_normalisation() -> None:
    raw = (b"apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\n---\r\n"
           b"kind: B\r\nlist:\r\n  - a\r\n  - b: 2\r\n")
    sf = source.read("-", {}, stdin=raw)
    assert sf.issues == []
    first, second = sf.documents
    assert first.data["metadata"] == {"name": "x"}  # no stray \r in values
    assert first.positions.locate(("metadata", "name")) == Mark(4, 3)
    assert second.positions.locate(("kind",)) == Mark(6, 1)
    assert second.positions.locate(("list", 1, "b")) == Mark(9, 5)
    assert second.data["list"] == ["a", {"b": 2}]


def test_utf8_bom_via_source_and_directly() -> None:
    sf = source.read("-", {}, stdin=b"\xef\xbb\xbfkind: X\nname: y\n")
    assert sf.issues == []
    (doc,) = sf.documents
    assert doc.data == {"kind": "X", "name": "y"}
    assert doc.positions.locate(("kind",)) == Mark(1, 1)
    assert doc.positions.locate(("name",)) == Mark(2, 1)
    assert _one("\ufeffkind: X\n").data == {"kind": "X"}


def test_comments_inside_lists() -> None:
    doc = _one(
        "items:\n"         # 1
        "# leading\n"      # 2
        "- one\n"          # 3
        "  # between\n"    # 4
        "- two  # tail\n"  # 5
        "\n"               # 6
        "# before last\n"  # 7
        "- three\n"        # 8
    )
    assert doc.data == {"items": ["one", "two", "three"]}
    assert [doc.positions.locate(("items", i)).line for i in range(3)] == [3, 5, 8]


def test_one_space_indentation() -> None:
    doc = _one("a:\n b:\n  c: 1\n d:\n - x\n - y\n")
    assert doc.data == {"a": {"b": {"c": 1}, "d": ["x", "y"]}}
    assert doc.positions.locate(("a", "b")) == Mark(2, 2)
    assert doc.positions.locate(("a", "b", "c")) == Mark(3, 3)
    assert doc.positions.locate(("a", "d", 1)).line == 6


def test_api_version_after_kind() -> None:
    doc = _one("kind: InferencePool\nmetadata:\n  name: p\napiVersion: inference.networking.k8s.io/v1\n")
    assert doc.data["apiVersion"] == "inference.networking.k8s.io/v1"
    assert doc.data["kind"] == "InferencePool"
    assert doc.positions.locate(("apiVersion",)) == Mark(4, 1)
    assert doc.positions.locate(("kind",)) == Mark(1, 1)


def test_missing_path_points_at_nearest_parent() -> None:
    doc = _one("spec:\n  endpointPickerRef:\n    name: epp\n  targetPorts:\n  - number: 8000\n")
    locate = doc.positions.locate
    assert locate(("spec", "endpointPickerRef", "port", "number")) == Mark(2, 3)
    assert locate(("spec", "targetPorts", 5, "number")) == Mark(4, 3)
    assert locate(("spec", "targetPorts", 0, "name")).line == 5
    assert locate(("spec", "nothing")) == Mark(1, 1)


def test_missing_top_level_path_points_into_its_own_document() -> None:
    docs = parse_stream("a: 1\n---\n# c\n\nb:\n  c: 1\n")
    # not line 1 of the file: the root of document 2 is on line 5
    assert docs[1].positions.locate(("missing",)) == Mark(5, 1)


def test_scalar_types() -> None:
    doc = _one("i: 8000\nf: 0.5\nb: true\nn: null\ns: '8000'\nt: 2024-01-01\nhex: 0x10\n")
    assert doc.data == {"i": 8000, "f": 0.5, "b": True, "n": None, "s": "8000", "t": "2024-01-01", "hex": 16}


# --- duplicates -------------------------------------------------------------------------------------


def test_duplicate_keys_report_both_lines() -> None:
    doc = _one(
        "metadata:\n"        # 1
        "  name: a\n"        # 2
        "  labels: {}\n"     # 3
        "  name: b\n"        # 4
        "spec: {}\n"         # 5
    )
    (dup,) = doc.duplicates
    assert dup.key == "name"
    assert dup.path == ("metadata", "name")
    assert dup.first == Mark(2, 3)
    assert dup.at == Mark(4, 3)


def test_duplicate_keys_in_second_document_and_flow_map() -> None:
    docs = parse_stream("a: 1\n---\nb: {x: 1, y: 2, x: 3}\n")
    assert docs[0].duplicates == []
    (dup,) = docs[1].duplicates
    assert (dup.key, dup.first, dup.at) == ("x", Mark(3, 5), Mark(3, 17))


def test_same_key_in_sibling_maps_is_not_a_duplicate() -> None:
    doc = _one("- name: a\n- name: b\n")
    assert doc.duplicates == []


# --- errors -----------------------------------------------------------------------------------------


def test_syntax_error_in_document_two_of_three() -> None:
    text = (
        "kind: A\n"             # 1
        "---\n"                 # 2
        "kind: B\n"             # 3
        "metadata:\n"           # 4
        "  name: x: y\n"        # 5  <- mapping values are not allowed here
        "---\n"                 # 6
        "kind: C\n"             # 7
        "spec:\n"               # 8
        "  v: 1\n"              # 9
    )
    docs = parse_stream(text)
    assert len(docs) == 3
    assert docs[0].error is None and docs[0].data == {"kind": "A"}
    assert docs[2].error is None and docs[2].data == {"kind": "C", "spec": {"v": 1}}
    assert docs[2].positions.locate(("spec", "v")) == Mark(9, 3)
    broken = docs[1]
    assert broken.data is None
    assert broken.error is not None and "syntax" in broken.error
    assert broken.error_at is not None
    assert broken.error_at.line == 5
    assert broken.error_at.column == 10


def test_tab_indentation_error_line() -> None:
    docs = parse_stream("a: 1\n---\nb:\n\tc: 1\n")
    assert docs[0].error is None
    assert docs[1].error is not None
    assert docs[1].error_at == Mark(4, 1)


BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


@pytest.fixture(scope="module")
def bomb_run() -> tuple[list[Document], float]:
    """Parse the alias bomb (between two good documents) once for the tests below: (documents, seconds)."""
    started = time.monotonic()
    with _deadline(120):  # a hang fails here instead of stalling the suite
        docs = parse_stream("kind: Before\n---\n" + BOMB + "---\nkind: After\n")
    return docs, time.monotonic() - started


def test_billion_laughs_is_bounded(bomb_run: tuple[list[Document], float]) -> None:
    docs, seconds = bomb_run
    assert seconds < 60
    assert len(docs) == 3
    assert docs[0].data == {"kind": "Before"}
    assert docs[2].data == {"kind": "After"}
    bomb = docs[1]
    assert bomb.data is None
    assert bomb.error is not None and "alias" in bomb.error
    assert bomb.error_at is not None and bomb.error_at.line in (bomb.start_line, 3)  # in the bomb, not line 1


def test_billion_laughs_is_rejected_before_expansion(bomb_run: tuple[list[Document], float]) -> None:
    # the expanded size is computed on the node graph first: nothing of the bomb is built or indexed
    bomb = bomb_run[0][1]
    assert bomb.positions.keys == {} and bomb.positions.values == {}
    assert "more than" in (bomb.error or "")


@pytest.mark.parametrize("text", [
    "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "a: " + "{x: " * 5_000 + "1" + "}" * 5_000 + "\n",
    "".join(" " * i + f"k{i}:\n" for i in range(1_500)) + " " * 1_500 + "leaf: 1\n",
    "".join(" " * i + "- \n" for i in range(0, 2_000, 2)),
], ids=["flow-lists", "flow-maps", "block-maps", "block-lists"])
def test_deep_nesting_is_an_error_not_a_crash(text: str) -> None:
    with _deadline(60):
        docs = parse_stream("kind: Before\n---\n" + text)
    assert docs[0].data == {"kind": "Before"}
    deep = docs[1]
    assert deep.data is None
    assert deep.error is not None
    assert "RecursionError" not in deep.error
    assert deep.error_at is not None and deep.error_at.line >= 2


def test_nesting_below_the_limit_parses() -> None:
    depth = MAX_DEPTH - 10
    doc = _one("".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf: 1\n")
    node = doc.data
    for i in range(depth):
        node = node[f"k{i}"]
    assert node == {"leaf": 1}
    assert doc.positions.locate(tuple(f"k{i}" for i in range(depth)) + ("leaf",)) == Mark(depth + 1, 2 * depth + 1)


@pytest.mark.parametrize("text", [
    "a: &a\n  b: *a\n",
    "a: &a [1, *a]\n",
    "&a {x: [*a]}\n",
])
def test_recursive_alias_is_an_error(text: str) -> None:
    with _deadline(30):
        docs = parse_stream(text + "---\nkind: After\n")
    assert docs[0].data is None
    assert docs[0].error is not None and "recursive" in docs[0].error
    assert docs[1].data == {"kind": "After"}


def test_alias_reused_twice_is_not_recursive() -> None:
    doc = _one("x: &x {a: 1}\ny: [*x, *x]\n")
    assert doc.data["y"] == [{"a": 1}, {"a": 1}]


# --- literal blocks ---------------------------------------------------------------------------------


def test_literal_block_indents() -> None:
    doc = _one(
        "data:\n"                      # 1
        "  config.yaml: |\n"           # 2
        "\n"                           # 3  (a blank first line is skipped)
        "      plugins:\n"             # 4
        "      - type: x\n"            # 5
        "  strip.yaml: |-\n"           # 6
        "    a: 1\n"                   # 7
        "  folded: >\n"                # 8
        "    not recorded\n"           # 9
        "  plain: text\n"              # 10
        "list:\n"                      # 11
        "- |\n"                        # 12
        "   deep: 1\n"                 # 13
    )
    assert doc.block_indents[("data", "config.yaml")] == 6
    assert doc.block_indents[("data", "strip.yaml")] == 4
    assert doc.block_indents[("list", 0)] == 3
    assert ("data", "folded") not in doc.block_indents
    assert ("data", "plain") not in doc.block_indents
    assert doc.data["data"]["config.yaml"] == "\nplugins:\n- type: x\n"
    assert doc.data["data"]["strip.yaml"] == "a: 1"


def test_literal_block_indent_in_second_document() -> None:
    docs = parse_stream("a: 1\n---\ndata:\n  c: |\n        x: 1\n")
    assert docs[1].block_indents == {("data", "c"): 8}
    assert docs[1].positions.value_of(("data", "c")) == Mark(4, 6)


# --- directives -------------------------------------------------------------------------------------


def test_yaml_directive_is_valid() -> None:
    docs = parse_stream("%YAML 1.1\n---\nkind: X\n")
    assert [d.error for d in docs] == [None]
    assert docs[0].data == {"kind": "X"}
    assert docs[0].positions.locate(("kind",)) == Mark(3, 1)


def test_directives_with_comments_and_after_a_document_end() -> None:
    docs = parse_stream("# header\n%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\nkind: X\n")
    assert [(d.data, d.error) for d in docs] == [({"kind": "X"}, None)]
    assert docs[0].positions.locate(("kind",)) == Mark(5, 1)
    docs = parse_stream("a: 1\n...\n%YAML 1.1\n---\nb: 2\n")
    assert [(d.data, d.error) for d in docs] == [({"a": 1}, None), ({"b": 2}, None)]
    assert docs[1].positions.locate(("b",)) == Mark(5, 1)


TRICKY = """\
a: &x {b: 1, c: [2, {d: 3}]}
e: *x
80: port
true: yes
null: nothing
f: 1
f: 2
g: |
  literal ${VAR}
h:
- i: 1
  j: [k, l]
- - m
  - n
"""


def _paths(doc: Document) -> list[tuple[object, ...]]:
    table = {*doc.positions.keys, *doc.positions.values}
    missing = [(*p, "nope") for p in table] + [(*p, 99) for p in table] + [("nope",), ("h", 0, "j", 5, "x")]
    return sorted(table | set(missing), key=repr)


def _walk_matches_table(text: str) -> int:
    checked = 0
    for walked, full in zip(parse_stream(text), parse_stream(text), strict=True):
        if full.error is not None:
            continue
        for path in _paths(full):
            fresh = parse_stream(text)[walked.index]  # a document not walked yet: each path its own first walk
            assert fresh.positions.locate(path) == full.positions.locate(path), path
            checked += 1
    return checked


def test_one_path_walk_gives_the_marks_of_the_whole_table() -> None:
    assert _walk_matches_table(TRICKY) > 40


def test_walks_fall_back_to_the_table_on_merge_keys_and_after_a_few_paths() -> None:
    merged = parse_stream("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n")[0]
    assert merged.positions._load is not None and merged.positions._load.find(("child", "x")) is None
    assert merged.positions.locate(("child", "x")) == Mark(1, 11)  # from the table: where the merged key is written
    doc = parse_stream(TRICKY)[0]
    for _ in range(3):
        doc.positions.locate(("h", 0, "i"))
    assert doc.positions._load is None  # the third lookup built the table


def test_walks_match_the_table_on_the_reference_examples() -> None:
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").rglob("*.yaml"))
    assert sum(_walk_matches_table(p.read_text(encoding="utf-8")) for p in examples) > 500


def test_image_lines_are_kept_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run names each EPP's image line: the reader keeps it, so no document is composed again for it."""
    import yaml

    text = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: epp\n" \
           "        image: epp:v1.5.0\n"
    doc = parse_stream(text)[0]
    path = ("spec", "template", "spec", "containers", 0, "image")
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: pytest.fail("composed again"))
    assert doc.positions.locate(path) == Mark(7, 9)
    monkeypatch.undo()
    assert doc.positions.keys[path] == Mark(7, 9)  # what the whole table says
    merged = parse_stream("base: &b {image: x}\nc:\n  <<: *b\n")[0]
    assert merged.positions._known == {}  # with merge keys only the table is sure
