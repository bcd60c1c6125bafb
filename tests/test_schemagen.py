"""lint/schema/generate.py: the committed schemas are exactly what the generator makes from the CRDs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from lint.schema.generate import convert_node, dumps, generate, main
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


def test_index_covers_every_release_and_file() -> None:
    index = json.loads((SCHEMAS / "index.json").read_text())
    assert list(index["gie"]) == ["v0.3.0", "v0.4.0", "v0.5.1", "v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0",
                                  "v1.4.0", "v1.5.0", "v1.6.0"]
    assert list(index["gateway-api"]) == ["v1.4.1"]
    files = {rel for family in index.values() for entries in family.values() for rel in entries.values()}
    on_disk = {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.glob("*/*/*.json")}
    assert files == on_disk
    assert index["gie"]["v1.0.0"]["inference.networking.k8s.io/v1|InferencePool"] == \
        "gie/v1.0.0/inferencepool_inference.networking.k8s.io_v1.json"
    assert "inference.networking.x-k8s.io/v1alpha2|InferencePool" not in index["gie"]["v1.5.0"]
    assert "gateway.networking.k8s.io/v1|HTTPRoute" in index["gateway-api"]["v1.4.1"]


def test_every_schema_is_draft_2020_12_and_compiles() -> None:
    for path in sorted(SCHEMAS.glob("*/*/*.json")):
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
                   "make schemas", "do not edit by hand", "v1.4.1", "ffea26329a16922bb3b2cf37a383417c511227d5"):
        assert needle in text


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
