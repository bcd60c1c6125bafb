"""lint/schema/generate.py: the committed schemas are exactly what the generator makes from the CRDs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from gie_lint.schema.catalog import tag_key
from gie_lint.schema.generate import CrdConversionError, convert_node, dumps, generate, main

from tests.conftest import need_shared

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
SHARED_CRDS = Path(__file__).resolve().parents[2] / "shared" / "crds"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def crds() -> Path:
    need_shared(SHARED_CRDS / "gateway-api-inference-extension")
    return SHARED_CRDS


@pytest.fixture(scope="module")
def fresh(crds: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schemas")
    generate(crds, out)
    return out


def test_regenerated_schemas_match_committed(fresh: Path) -> None:
    new, committed = _tree(fresh), _tree(SCHEMAS)
    assert sorted(new) == sorted(committed), "run `make schemas`: file set differs"
    changed = [name for name in new if new[name] != committed[name]]
    assert not changed, f"run `make schemas`: stale {changed[:5]}"


def test_rerun_is_byte_identical(crds: Path, fresh: Path) -> None:
    before = _tree(fresh)
    generate(crds, fresh)  # over its own output: nothing changes, nothing is added
    assert _tree(fresh) == before


def test_stale_files_are_removed(crds: Path, tmp_path: Path) -> None:
    (tmp_path / "gie" / "v0.0.1").mkdir(parents=True)
    (tmp_path / "gie" / "v0.0.1" / "old.json").write_text("{}\n")
    generate(crds, tmp_path)
    assert not (tmp_path / "gie" / "v0.0.1").exists()


GATEWAY_API_TAGS = ["v1.0.0", "v1.1.1", "v1.2.1", "v1.3.0", "v1.4.1", "v1.5.1", "v1.6.1"]


def _entries(index: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(family, "tag" or "tag/channel", {apiVersion|Kind: file}) of every set in index.json."""
    for family, sets in index.items():
        for tag, entries in sets.items():
            if family == "gateway-api":
                for channel, kinds in entries.items():
                    yield family, f"{tag}/{channel}", kinds
            else:
                yield family, tag, entries


def test_index_covers_every_release_and_file() -> None:
    index = json.loads((SCHEMAS / "index.json").read_text())
    assert list(index) == ["gateway-api", "gie", "llm-d-router"]
    assert list(index["gie"]) == ["v0.3.0", "v0.4.0", "v0.5.1", "v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0",
                                  "v1.4.0", "v1.5.0", "v1.6.0"]
    assert sorted(index["gateway-api"]) == GATEWAY_API_TAGS
    assert all(list(channels) == ["experimental", "standard"] for channels in index["gateway-api"].values())
    assert sorted(index["llm-d-router"]) == ["main-ebab68792", "v0.10.0", "v0.9.0"]
    files = {rel for _, _, entries in _entries(index) for rel in entries.values()}
    on_disk = {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.glob("*/**/*.json")}
    assert files == on_disk  # every file is used, every entry exists
    assert index["gie"]["v1.0.0"]["inference.networking.k8s.io/v1|InferencePool"] == \
        "gie/v1.0.0/inferencepool_inference.networking.k8s.io_v1.json"
    assert "inference.networking.x-k8s.io/v1alpha2|InferencePool" not in index["gie"]["v1.5.0"]
    v161 = index["gateway-api"]["v1.6.1"]
    assert "gateway.networking.k8s.io/v1|HTTPRoute" in v161["standard"]
    assert "gateway.networking.x-k8s.io/v1alpha1|XBackend" in v161["experimental"]
    assert "gateway.networking.x-k8s.io/v1alpha1|XBackend" not in v161["standard"]
    assert "gateway.networking.k8s.io/v1|TCPRoute" in v161["standard"]  # standard from v1.6
    assert "gateway.networking.k8s.io/v1|TCPRoute" not in index["gateway-api"]["v1.5.1"]["standard"]
    llm_d = index["llm-d-router"]
    assert set(llm_d["v0.9.0"]) == {"llm-d.ai/v1alpha2|InferenceObjective", "llm-d.ai/v1alpha2|InferenceModelRewrite"}
    assert llm_d["v0.9.0"] == llm_d["v0.10.0"] == llm_d["main-ebab68792"]  # identical CRDs: stored once


def test_identical_schemas_are_stored_once_in_their_first_set() -> None:
    index = json.loads((SCHEMAS / "index.json").read_text())
    texts: dict[str, str] = {}
    for family, where, entries in _entries(index):
        for rel in entries.values():
            texts.setdefault((SCHEMAS / rel).read_text(), rel)
            assert rel.startswith(f"{family}/"), rel
            # a file lives in the folder of this set or of an older one (standard before experimental)
            stored, here = rel.split("/")[1:-1], where.split("/")
            order = ["standard", "experimental"].index
            assert (tag_key(stored[0]), [order(c) for c in stored[1:]]) <= \
                (tag_key(here[0]), [order(c) for c in here[1:]]), (rel, where)
    assert len(texts) == len(list(SCHEMAS.glob("*/**/*.json")))  # no two files have the same content
    gateway = index["gateway-api"]
    # ReferenceGrant v1beta1 did not change from v1.0.0 to v1.1.1 standard: one file serves both
    key = "gateway.networking.k8s.io/v1beta1|ReferenceGrant"
    assert gateway["v1.1.1"]["standard"][key] == gateway["v1.0.0"]["standard"][key]


def test_no_schema_names_its_release() -> None:
    """A shared file serves several releases, so only the index may say which release judged an object."""
    for path in SCHEMAS.glob("*/**/*.json"):
        source = json.loads(path.read_text())["x-gie-lint-source"]
        assert set(source) == {"crd", "family", "upstream"}, path
        assert '"description": "' not in path.read_text().replace('"description": "Must be', "").replace(
            '"description": "Standard object metadata', ""), f"{path}: upstream descriptions are dropped"


def test_every_schema_is_draft_2020_12_and_compiles() -> None:
    for path in sorted(SCHEMAS.glob("*/**/*.json")):
        text = path.read_text()
        assert text == dumps(json.loads(text)), f"{path.name}: not in canonical form"
        schema = json.loads(text)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False
        api_version, kind = schema["properties"]["apiVersion"]["const"], schema["properties"]["kind"]["const"]
        assert path.name == f"{kind.lower()}_{api_version.replace('/', '_')}.json"
        jsonschema_rs.validator_for(schema)  # raises on a bad pattern or keyword


def test_readme_records_provenance() -> None:
    text = (SCHEMAS / "README.md").read_text()
    for needle in ("kubernetes-sigs/gateway-api-inference-extension", "kubernetes-sigs/gateway-api", "Apache-2.0",
                   "make schemas", "do not edit by hand", "v1.4.1", "ffea26329a16922bb3b2cf37a383417c511227d5",
                   "llm-d/llm-d-router", "| gateway-api | kubernetes-sigs/gateway-api `config/crd/experimental` | "
                   "v1.6.1 | 8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3 |",
                   "| llm-d-router | llm-d/llm-d-router `config/crd/bases` | main-ebab68792 | "
                   "ebab687927f5331c1b39defcb579a07951bce56c |"):
        assert needle in text


def _crd(group: str, kind: str, annotations: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{kind.lower()}s.{group}", "annotations": annotations},
            "spec": {"group": group, "names": {"kind": kind}, "scope": "Namespaced", "versions": [
                {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                    "type": "object", "description": "a widget",
                    "properties": {"spec": {"type": "object", "properties": {
                        "size": {"type": "integer", "description": "how big"},
                        "description": {"type": "string", "description": "a field named description"}}}}}}}]}}


def _tree_of_crds(root: Path, gateway_annotations: dict[str, str] | None = None) -> Path:
    """A minimal ../shared/crds: one GIE tag, one Gateway API tag with both channels, one llm-d-router tag."""
    def put(folder: Path, crd: dict[str, Any]) -> None:
        folder.mkdir(parents=True)
        (folder / "crd.yaml").write_text(yaml.safe_dump(crd))
    put(root / "gateway-api-inference-extension" / "v1.0.0", _crd("inference.networking.k8s.io", "Pool", {}))
    for channel in ("standard", "experimental"):
        notes = gateway_annotations or {"gateway.networking.k8s.io/bundle-version": "v1.6.1",
                                        "gateway.networking.k8s.io/channel": channel}
        put(root / "gateway-api" / "v1.6.1" / channel, _crd("gateway.networking.k8s.io", "Route", notes))
    put(root / "llm-d-router" / "v0.9.0", _crd("llm-d.ai", "Objective", {}))
    return root


def test_channels_share_identical_files_and_descriptions_are_dropped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(_tree_of_crds(tmp_path / "crds"), out)
    index = json.loads((out / "index.json").read_text())
    channels = index["gateway-api"]["v1.6.1"]
    assert channels["standard"] == channels["experimental"] == {
        "gateway.networking.k8s.io/v1|Route": "gateway-api/v1.6.1/standard/route_gateway.networking.k8s.io_v1.json"}
    assert not (out / "gateway-api" / "v1.6.1" / "experimental").exists()
    schema = json.loads((out / channels["standard"]["gateway.networking.k8s.io/v1|Route"]).read_text())
    spec = schema["properties"]["spec"]
    assert "description" not in spec["properties"]["size"] and "description" not in schema
    assert spec["properties"]["description"] == {"type": "string"}  # a field named so is kept
    assert index["llm-d-router"] == {
        "v0.9.0": {"llm-d.ai/v1|Objective": "llm-d-router/v0.9.0/objective_llm-d.ai_v1.json"}}


def test_a_gateway_api_copy_in_the_wrong_folder_is_refused(tmp_path: Path) -> None:
    crds = _tree_of_crds(tmp_path / "crds", {"gateway.networking.k8s.io/bundle-version": "v1.5.1",
                                              "gateway.networking.k8s.io/channel": "standard"})
    with pytest.raises(CrdConversionError, match=r"gateway-api/v1.6.1/standard: .* says bundle-version v1.5.1"):
        generate(crds, tmp_path / "out")


def test_stale_nested_folders_are_removed(crds: Path, tmp_path: Path) -> None:
    old = tmp_path / "gateway-api" / "v1.4.1"
    old.mkdir(parents=True)
    (old / "httproute_gateway.networking.k8s.io_v1.json").write_text("{}\n")  # the flat layout of before
    (tmp_path / "gateway-api" / "v0.0.1" / "standard").mkdir(parents=True)
    generate(crds, tmp_path)
    assert not (old / "httproute_gateway.networking.k8s.io_v1.json").exists()
    assert not (tmp_path / "gateway-api" / "v0.0.1").exists()
    assert (old / "standard").is_dir()


def test_conversion_rules() -> None:
    src = {
        "type": "object",
        "properties": {
            "port": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "mode": {"type": "string", "nullable": True, "enum": ["A", "B"]},
            "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                     "properties": {"a": {"type": "string"}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "addr": {"type": "object", "properties": {"t": {"type": "string"}},
                     "oneOf": [{"properties": {"t": {"enum": ["IP"]}}},
                               {"properties": {"t": {"not": {"enum": ["IP"]}}}}]},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                      "items": {"type": "object", "properties": {"name": {"type": "string", "default": "x"}},
                                "x-kubernetes-validations": [{"rule": "true"}]}},
        },
    }
    out = convert_node(src)
    props = out["properties"]
    assert out["additionalProperties"] is False
    assert props["port"] == {"type": ["integer", "string"], "x-kubernetes-int-or-string": True}
    assert props["mode"]["type"] == ["string", "null"] and props["mode"]["enum"] == ["A", "B", None]
    assert "nullable" not in props["mode"]
    assert "additionalProperties" not in props["open"]
    assert props["labels"]["additionalProperties"] == {"type": "string"}
    assert "additionalProperties" not in props["addr"]["oneOf"][0]  # fragments are not closed
    items = props["ports"]["items"]
    assert items["additionalProperties"] is False
    assert items["x-kubernetes-validations"] == [{"rule": "true"}] and items["properties"]["name"]["default"] == "x"
    assert props["ports"]["x-kubernetes-list-type"] == "map"


def test_json_schema_engine_ignores_kubernetes_keywords() -> None:
    """The kept x-kubernetes-* and default keywords must not change JSON Schema results."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array",
              "x-kubernetes-list-type": "set", "x-kubernetes-list-map-keys": ["n"],
              "x-kubernetes-validations": [{"rule": "false", "message": "never"}],
              "items": {"type": "integer", "default": 1}}
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid([1, 1])  # duplicates and a false rule: only lint/schema/structural.py judges these
    assert [e.kind.name for e in validator.iter_errors(["x"])] == ["type"]


def test_cli_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--crds", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemagen: error:") and err.count("\n") == 1
