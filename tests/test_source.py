"""lint/source/files.py (discover, read) and lint/source/resources.py (extract): files → documents → objects."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from gie_lint.source import files as source
from gie_lint.source import opening
from gie_lint.source.files import SourceError, discover, read
from gie_lint.source.positions import Mark
from gie_lint.source.resources import extract


def _write(path: Path, text: str | bytes = "kind: X\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _rules(sf: source.SourceFile) -> list[str]:
    return [issue.kind.value for issue in sf.issues]


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging the suite (an endless directory walk)."""
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


# --- discover ---------------------------------------------------------------------------------------


def test_discover_recursive_sorted_yaml_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("m/z.yaml", "m/a.yml", "m/b/c.yaml", "m/b/d/e.yaml", "m/ab.yaml", "m/notes.md", "m/data.json",
                 "m/x.yaml.bak", "m/.hidden/h.yaml", "m/b/.git/config.yaml"):
        _write(tmp_path / name)
    found = discover(["m"])
    assert found == ["m/a.yml", "m/ab.yaml", "m/b/c.yaml", "m/b/d/e.yaml", "m/z.yaml"]


def test_discover_keeps_argument_order_and_explicit_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "d/b.yaml")
    _write(tmp_path / "d/a.yaml")
    _write(tmp_path / "single.txt")
    # an explicitly named file is taken as given, whatever its suffix; stdin passes through
    assert discover(["single.txt", "d", "-"]) == ["single.txt", "d/a.yaml", "d/b.yaml", "-"]


def test_discover_symlink_loop_terminates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "root/a.yaml")
    _write(tmp_path / "root/sub/b.yaml")
    os.symlink("..", tmp_path / "root/sub/up")             # root/sub/up -> root
    os.symlink(str(tmp_path / "root"), tmp_path / "root/sub/abs")  # absolute link to the same place
    os.symlink(".", tmp_path / "root/self")                # root/self -> root
    with _deadline(20):
        found = discover(["root"])
    assert found == ["root/a.yaml", "root/sub/b.yaml"]


def test_discover_follows_a_symlinked_directory_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "shared/s.yaml")
    _write(tmp_path / "root/r.yaml")
    os.symlink(str(tmp_path / "shared"), tmp_path / "root/linked")
    assert discover(["root"]) == ["root/linked/s.yaml", "root/r.yaml"]


def test_discover_missing_path_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "ok.yaml")
    with pytest.raises(SourceError, match="nope.yaml"):
        discover(["ok.yaml", "nope.yaml"])


def test_read_unopenable_path_raises(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        read(str(tmp_path / "missing.yaml"), {})
    with pytest.raises(SourceError):
        read(str(tmp_path), {})  # a directory cannot be read as a file


def test_empty_directory_finds_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert discover([str(tmp_path / "empty")]) == []


# --- read: encodings --------------------------------------------------------------------------------


def test_binary_input_is_unreadable() -> None:
    sf = read("-", {}, stdin=b"\x00\xff")
    assert sf.name == "<stdin>"
    assert _rules(sf) == ["unreadable"]
    assert sf.issues[0].at == Mark(1, 1)
    assert sf.documents == []


def test_invalid_utf8_is_unreadable_with_its_line() -> None:
    sf = read("-", {}, stdin=b"apiVersion: v1\nkind: ConfigMap\ndata:\n  x: caf\xe9\n")
    assert _rules(sf) == ["unreadable"]
    assert sf.issues[0].at.line == 4
    assert "0xe9" in sf.issues[0].message
    assert sf.documents == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes(encoding: str) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n"
    raw = text.encode(encoding)
    if encoding != "utf-16":  # the explicit-endian codecs write no BOM
        raw = "\ufeff".encode(encoding) + raw
    sf = read("-", {}, stdin=raw)
    assert sf.issues == []
    (doc,) = sf.documents
    assert doc.data["metadata"]["name"] == "wide"
    assert doc.positions.locate(("metadata", "name")) == Mark(4, 3)


def test_utf8_bom_and_crlf_are_normalised() -> None:
    sf = read("-", {}, stdin=b"\xef\xbb\xbfapiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\n")
    assert sf.issues == []
    (doc,) = sf.documents
    assert doc.data == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    assert doc.positions.locate(("apiVersion",)) == Mark(1, 1)
    assert doc.positions.locate(("metadata", "name")) == Mark(4, 3)


def test_lone_cr_line_endings() -> None:
    sf = read("-", {}, stdin=b"a: 1\rb:\r  c: $UNSET_X\r---\rd: |\r    text\r")
    first, second = sf.documents
    assert first.data == {"a": 1, "b": {"c": "$UNSET_X"}}
    assert first.positions.locate(("b", "c")) == Mark(3, 3)
    assert [(i.kind.value, i.at.line) for i in sf.issues] == [("unresolved", 3)]
    assert second.data == {"d": "text\n"}
    assert second.block_indents == {("d",): 4}


def test_oversized_input_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opening, "MAX_FILE_BYTES", 16)
    sf = read("-", {}, stdin=b"apiVersion: v1\nkind: ConfigMap\n")
    assert _rules(sf) == ["unreadable"]
    assert sf.documents == []
    assert read("-", {}, stdin=b"a: 1\n").issues == []


def test_file_read_keeps_its_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    sf = read(str(path), {})
    assert sf.name == str(path)
    assert sf.issues == []
    assert sf.documents[0].data["kind"] == "ConfigMap"


# --- read: templates, kustomizations, variables ----------------------------------------------------


HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: epp
spec:
  replicas: {{ .Values.replicas }}
"""


def test_helm_template_is_not_parsed() -> None:
    sf = read("-", {}, stdin=HELM.encode())
    assert _rules(sf) == ["template"]
    assert sf.issues[0].at.line == 6
    assert sf.documents == []


@pytest.mark.parametrize(("text", "line"), [
    ("{{- if .Values.enabled }}\napiVersion: v1\n", 1),
    ("apiVersion: v1\nkind: ConfigMap\n{{ include \"labels\" . }}\n", 3),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n", 4),
    ("items:\n  - {{ $x }}\n", 2),
])
def test_template_variants(text: str, line: int) -> None:
    sf = read("-", {}, stdin=text.encode())
    assert _rules(sf) == ["template"]
    assert sf.issues[0].at.line == line
    assert sf.documents == []


PROMETHEUS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: alerts
data:
  summary: "{{ $labels.instance }} is down"
  rules.yaml: |
    groups:
    - name: epp
      rules:
      - alert: EppDown
        annotations:
          description: "{{ $labels.instance }} has been down for {{ $value }}"
"""


def test_prometheus_template_in_a_string_value_is_plain_yaml() -> None:
    sf = read("-", {}, stdin=PROMETHEUS.encode())
    assert "template-not-rendered" not in _rules(sf)
    (doc,) = sf.documents
    assert doc.error is None
    assert doc.data["data"]["summary"] == "{{ $labels.instance }} is down"
    assert "{{ $value }}" in doc.data["data"]["rules.yaml"]
    assert doc.positions.locate(("data", "summary")) == Mark(6, 3)


@pytest.mark.parametrize("name", ["kustomization.yaml", "kustomization.yml", "Kustomization"])
def test_kustomization_is_skipped(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / "overlay" / name, "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                                               "kind: Kustomization\nresources:\n- pool.yaml\n")
    sf = read(str(path), {})
    assert _rules(sf) == ["kustomization"]
    assert sf.documents == []


def test_a_file_merely_mentioning_kustomization_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "my-kustomization.yaml", "apiVersion: v1\nkind: ConfigMap\n")
    sf = read(str(path), {})
    assert sf.issues == []
    assert len(sf.documents) == 1


def test_variables_are_substituted_and_unresolved_reported() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${NAME}\n  namespace: $E2E_NS\n" \
           "data:\n  a: $E2E_NS\n  b: $(K8S_ONLY)\n"
    sf = read("-", {"NAME": "cm"}, stdin=text.encode())
    assert _rules(sf) == ["unresolved"]
    assert sf.issues[0].at.line == 5
    assert "E2E_NS" in sf.issues[0].message
    data = sf.documents[0].data
    assert data["metadata"] == {"name": "cm", "namespace": "$E2E_NS"}
    assert data["data"]["b"] == "$(K8S_ONLY)"


def test_original_mark_maps_back_through_substitution() -> None:
    text = "metadata: {name: ${A_LONG_VARIABLE}, namespace: x}\n"
    sf = read("-", {"A_LONG_VARIABLE": "n"}, stdin=text.encode())
    doc = sf.documents[0]
    mark = doc.positions.locate(("metadata", "namespace"))
    assert sf.original_mark(mark) == Mark(1, text.index("namespace") + 1)


# --- resources: kind List and namespaces -----------------------------------------------------------


LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: epp
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: reader
    namespace: ignored
- not-an-object
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cfg
    namespace: explicit
"""


def test_kind_list_items_become_resources() -> None:
    sf = read("-", {}, stdin=LIST.encode())
    resources = list(extract(sf, "team"))
    assert [r.kind for r in resources] == ["Service", "ClusterRole", "ConfigMap"]
    assert [r.prefix for r in resources] == [("items", 0), ("items", 1), ("items", 3)]
    service, role, config = resources
    assert service.locate(("metadata", "name")) == Mark(7, 5)
    assert service.locate(("spec", "ports")) == Mark(4, 3)  # missing: the item itself
    assert role.locate(("metadata", "name")) == Mark(11, 5)
    assert config.locate(("metadata", "namespace")) == Mark(18, 5)
    assert service.get("metadata", "name") == "epp"


def test_typed_list_kinds_expand_too() -> None:
    text = "apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n"
    resources = list(extract(read("-", {}, stdin=text.encode()), "default"))
    assert [(r.kind, r.name, r.prefix) for r in resources] == [("Service", "a", ("items", 0))]


def test_namespace_placement() -> None:
    sf = read("-", {}, stdin=LIST.encode())
    service, role, config = extract(sf, "team")
    assert service.namespace == "team"           # default applied
    assert role.namespace == ""                  # cluster-scoped: none, even when one is written
    assert config.namespace == "explicit"        # written namespace kept
    assert service.ref == "Service team/epp"
    assert role.ref == "ClusterRole reader"


@pytest.mark.parametrize("kind", ["Namespace", "ClusterRoleBinding", "CustomResourceDefinition", "GatewayClass"])
def test_cluster_scoped_kinds_get_no_namespace(kind: str) -> None:
    text = f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: n\n"
    (resource,) = extract(read("-", {}, stdin=text.encode()), "team")
    assert resource.namespace == ""
    assert resource.ref == f"{kind} n"


def test_documents_that_are_not_objects_are_not_resources() -> None:
    text = "replicas: 3\n---\n- a\n---\nplain\n---\napiVersion: v1\nkind: Pod\n---\nkind: Pod\n"
    resources = list(extract(read("-", {}, stdin=text.encode()), "default"))
    assert [(r.kind, r.document.index) for r in resources] == [("Pod", 3)]
    assert resources[0].ref == "Pod default/<unnamed>"


def test_positions_of_resources_in_later_documents() -> None:
    text = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n"
    first, second = extract(read("-", {}, stdin=text.encode()), "default")
    assert second.locate(("metadata", "name")) == Mark(7, 3)
    assert second.value_mark(("metadata", "name")) == Mark(7, 9)
    assert first.locate(("metadata", "name")) == Mark(1, 1)
