"""Generate JSON Schemas (draft 2020-12) from upstream CustomResourceDefinitions.

Run ``python -m gie_lint.schema.generate --crds ../shared/crds --out schemas`` (``make schemas``). The output is
committed, so the linter needs neither the CRDs nor network access at run time, and it is
deterministic (sorted keys, fixed indent, no timestamps) so that a re-run is byte-identical and a test
can prove the committed files match their inputs.

Why convert at all: CRDs carry *structural* OpenAPI v3, which differs from JSON Schema in ways that
matter to a linter: unknown fields are pruned or rejected by the API server (JSON Schema allows them),
``nullable`` and ``x-kubernetes-int-or-string`` are not JSON Schema. The Kubernetes-only keywords that
JSON Schema cannot express (CEL rules, list types, defaults) are kept verbatim for lint/schema/structural.py;
JSON Schema engines ignore unknown keywords. Upstream `description`s are dropped (nothing reads them), and a schema
that several sets share (the same CRD version in several releases or both Gateway API channels) is stored once.

Sets: GIE per release tag, Gateway API per version and channel (standard, experimental), llm-d-router per tag.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from gie_lint.schema.catalog import tag_key
from gie_lint.schema.provenance import readme_text

GIE_DIR = "gateway-api-inference-extension"
GATEWAY_DIR = "gateway-api"
LLM_D_DIR = "llm-d-router"
FAMILIES = ("gie", "gateway-api", "llm-d-router")  # schemas/<family>/, the top-level keys of index.json
GATEWAY_CHANNELS = ("standard", "experimental")
GATEWAY_GROUP = "gateway.networking.k8s.io"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster, same data
INT_OR_STRING_ANYOF = [{"type": "integer"}, {"type": "string"}]

# What a manifest may put under metadata, mirroring ObjectMeta of the Kubernetes strict schemas
# (nullable like there, so a CR and a Deployment are judged alike). A CRD's own schema says only
# `metadata: {type: object}`; the API server validates it as ObjectMeta, unknown keys included.
_STR = {"type": ["string", "null"]}
_STR_MAP = {"additionalProperties": _STR, "type": ["object", "null"]}
_OWNER_REF = {
    "additionalProperties": False,
    "properties": {"apiVersion": {"type": "string"}, "blockOwnerDeletion": {"type": ["boolean", "null"]},
                   "controller": {"type": ["boolean", "null"]}, "kind": {"type": "string"},
                   "name": {"type": "string"}, "uid": {"type": "string"}},
    "required": ["apiVersion", "kind", "name", "uid"],
    "type": "object",
}
OBJECT_META: dict[str, Any] = {
    "additionalProperties": False,
    "description": "Standard object metadata (ObjectMeta).",
    "properties": {
        "annotations": _STR_MAP, "creationTimestamp": _STR, "deletionGracePeriodSeconds": {"type": ["integer", "null"]},
        "deletionTimestamp": _STR, "finalizers": {"items": _STR, "type": ["array", "null"]},
        "generateName": _STR, "generation": {"type": ["integer", "null"]}, "labels": _STR_MAP,
        "managedFields": {"items": {"type": "object"}, "type": ["array", "null"]}, "name": _STR,
        "namespace": _STR, "ownerReferences": {"items": _OWNER_REF, "type": ["array", "null"]},
        "resourceVersion": _STR, "selfLink": _STR, "uid": _STR,
    },
    "type": ["object", "null"],
}


class CrdConversionError(Exception):
    """A CRD folder or file cannot be turned into schemas; the message is one printable line."""


def convert_node(node: Any, *, closed: bool = True) -> Any:
    """Convert one structural OpenAPI v3 schema node (and its children) to JSON Schema.

    ``closed`` is False inside anyOf/oneOf/allOf/not: those branches are value-validation fragments in
    a structural schema (they may list ``properties`` without declaring the object), so closing them
    with ``additionalProperties: false`` would reject fields the enclosing object allows.
    """
    if not isinstance(node, dict):
        return copy.deepcopy(node)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "nullable":
            continue  # expressed through "null" in type/enum below
        if key == "description" and isinstance(value, str):
            continue  # documentation only: nothing reads it, and it is half the size (the CRDs document the fields)
        if key == "properties":
            out[key] = {name: convert_node(sub, closed=closed) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = convert_node(value, closed=closed)
        elif key in ("anyOf", "oneOf", "allOf"):
            out[key] = [convert_node(sub, closed=False) for sub in value]
        elif key == "not":
            out[key] = convert_node(value, closed=False)
        else:
            out[key] = copy.deepcopy(value)
    nullable = node.get("nullable") is True
    if node.get("x-kubernetes-int-or-string") is True:
        # controller-gen spells int-or-string as an anyOf of bare types: a plain type list says the same
        # thing and gives one readable error instead of anyOf noise.
        out["type"] = ["integer", "string"]
        if out.get("anyOf") == INT_OR_STRING_ANYOF:
            del out["anyOf"]
    if nullable:
        types = out.get("type")
        if isinstance(types, str):
            out["type"] = [types, "null"]
        elif isinstance(types, list) and "null" not in types:
            out["type"] = [*types, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    open_fields = node.get("x-kubernetes-preserve-unknown-fields") is True
    if closed and "properties" in node and "additionalProperties" not in node and not open_fields:
        out["additionalProperties"] = False  # like kubectl's strict field validation
    return out


def convert_version(crd: dict[str, Any], version: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """Build the whole-document schema for one served version of a CRD."""
    spec = crd["spec"]
    group, kind, name = spec["group"], spec["names"]["kind"], version["name"]
    api_version = f"{group}/{name}"
    raw = (version.get("schema") or {}).get("openAPIV3Schema")
    if not isinstance(raw, dict):
        raise CrdConversionError(f"{crd['metadata']['name']} {name}: no openAPIV3Schema")
    schema: dict[str, Any] = convert_node(raw)
    props = schema.setdefault("properties", {})
    props["apiVersion"] = {"const": api_version, "description": f"Must be `{api_version}`.", "type": "string"}
    props["kind"] = {"const": kind, "description": f"Must be `{kind}`.", "type": "string"}
    props["metadata"] = copy.deepcopy(OBJECT_META)
    schema["additionalProperties"] = False
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"{kind} ({api_version})"
    crd_info: dict[str, Any] = {"name": crd["metadata"]["name"], "scope": spec.get("scope", "Namespaced")}
    if version.get("deprecated"):
        crd_info["deprecated"] = True
        if version.get("deprecationWarning"):
            crd_info["deprecationWarning"] = version["deprecationWarning"]
    crd_info["storage"] = bool(version.get("storage"))
    # Custom keyword (ignored by validators): lets the store name the CRD and release in messages.
    schema["x-gie-lint-source"] = {**source, "crd": crd_info}
    return schema


def load_crds(folder: Path) -> list[dict[str, Any]]:
    """Read every CRD YAML file of a folder, in file-name order (determinism); other objects are skipped (Gateway
    API ships a ValidatingAdmissionPolicy beside its CRDs from v1.5.1)."""
    crds: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            docs = [d for d in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_LOADER) if d]
        except yaml.YAMLError as exc:
            raise CrdConversionError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                crds.append(doc)
    if not crds:
        raise CrdConversionError(f"{folder}: no CustomResourceDefinition found")
    return crds


def _check_gateway_bundle(crds: list[dict[str, Any]], tag: str, channel: str) -> None:
    """Gateway API CRDs record their bundle version and channel: a copy filed under the wrong folder is an error."""
    for crd in crds:
        notes = crd["metadata"].get("annotations") or {}
        found = (notes.get(f"{GATEWAY_GROUP}/bundle-version"), notes.get(f"{GATEWAY_GROUP}/channel"))
        if found != (tag, channel):
            raise CrdConversionError(f"{GATEWAY_DIR}/{tag}/{channel}: {crd['metadata']['name']} says bundle-version "
                                     f"{found[0]}, channel {found[1]}")


def _emit(crds: list[dict[str, Any]], family: str, folder: str, upstream: str) -> dict[str, dict[str, Any]]:
    """Schemas of one set (a release, or a Gateway API version and channel), keyed by relative output path."""
    files: dict[str, dict[str, Any]] = {}
    for crd in crds:
        spec = crd["spec"]
        for version in spec["versions"]:
            if not version.get("served", False):
                continue  # the API server rejects unserved versions, so there is nothing to validate
            # No release in the file: identical schemas of several sets are stored once (index.json names the set).
            schema = convert_version(crd, version, {"family": family, "upstream": upstream})
            rel = f"{family}/{folder}/{spec['names']['kind'].lower()}_{spec['group']}_{version['name']}.json"
            if rel in files:
                raise CrdConversionError(f"{rel}: defined twice in {family} {folder}")
            files[rel] = schema
    return files


def dumps(data: Any) -> str:
    """The one serialisation used for every generated JSON file."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


CONFIG_SCHEMA_NAME = "gie-lint-config.schema.json"


def _tags(folder: Path) -> list[str]:
    if not folder.is_dir():
        raise CrdConversionError(f"{folder}: expected one folder per release tag")
    return sorted((p.name for p in folder.iterdir() if p.is_dir()), key=tag_key)


def _sets(crds_dir: Path) -> Iterator[tuple[str, tuple[str, ...], Path, str]]:
    """(family, index keys, CRD folder, upstream) of every schema set, in the order that decides which folder
    stores a schema several sets share (its first). The loose top-level gateway-api/*.yaml (older v1.4.1 standard
    copies, see SOURCES.md) are not read: every tag has its own standard/ and experimental/ folders."""
    for tag in _tags(crds_dir / GIE_DIR):
        yield "gie", (tag,), crds_dir / GIE_DIR / tag, "kubernetes-sigs/gateway-api-inference-extension"
    for tag in _tags(crds_dir / GATEWAY_DIR):
        for channel in GATEWAY_CHANNELS:
            yield "gateway-api", (tag, channel), crds_dir / GATEWAY_DIR / tag / channel, "kubernetes-sigs/gateway-api"
    for tag in _tags(crds_dir / LLM_D_DIR):
        yield "llm-d-router", (tag,), crds_dir / LLM_D_DIR / tag, "llm-d/llm-d-router"


def generate(crds_dir: Path, out_dir: Path) -> list[Path]:
    """Convert all CRDs under ``crds_dir`` into ``out_dir``; returns the files written."""
    texts: dict[str, str] = {}
    first: dict[str, str] = {}  # schema text -> the file that stores it (its first set)
    index: dict[str, dict[str, Any]] = {family: {} for family in FAMILIES}
    for family, keys, folder, upstream in _sets(crds_dir):
        crds = load_crds(folder)
        if family == "gateway-api":
            _check_gateway_bundle(crds, *keys)
        entries: dict[str, str] = {}
        for rel, schema in _emit(crds, family, "/".join(keys), upstream).items():
            text = dumps(schema)
            stored = first.setdefault(text, rel)
            texts[stored] = text
            entries[f"{schema['properties']['apiVersion']['const']}|{schema['properties']['kind']['const']}"] = stored
        node = index[family]
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = entries
    sources = crds_dir / "SOURCES.md"
    texts["index.json"] = dumps(index)
    texts["README.md"] = readme_text(index, sources.read_text(encoding="utf-8") if sources.is_file() else "")
    # The config schema ships beside the CRD schemas for editors and CI (`# yaml-language-server: $schema=`).
    config_schema = Path(__file__).resolve().parents[1] / "settings" / "config.schema.json"
    texts[CONFIG_SCHEMA_NAME] = config_schema.read_text(encoding="utf-8")
    return _write(out_dir, texts)


def _write(out_dir: Path, texts: dict[str, str]) -> list[Path]:
    """Write files, skipping unchanged ones, and delete generated files (and folders) no longer produced."""
    written: list[Path] = []
    for family in FAMILIES:
        for stale in sorted((out_dir / family).rglob("*.json")):
            if stale.relative_to(out_dir).as_posix() not in texts:
                stale.unlink()
    for rel, text in sorted(texts.items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    for family in FAMILIES:
        for folder in sorted((out_dir / family).rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return written


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(prog="python -m gie_lint.schema.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--crds", type=Path, default=root.parent / "shared" / "crds",
                        help="folder with gateway-api-inference-extension/<tag>/, gateway-api/<tag>/<channel>/ "
                             "and llm-d-router/<tag>/")
    parser.add_argument("--out", type=Path, default=root / "schemas", help="output folder")
    args = parser.parse_args(argv)
    try:
        written = generate(args.crds, args.out)
    except (CrdConversionError, OSError, KeyError) as exc:
        print(f"schemagen: error: {exc}", file=sys.stderr)
        return 2
    schemas = sum(1 for p in written if p.suffix == ".json" and p.name != "index.json")
    print(f"schemagen: wrote {schemas} schemas, index.json and README.md to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
