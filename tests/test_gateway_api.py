"""Gateway API by version and channel, and the llm-d-router CRDs: the schema sets, the flags and config keys, the
report header and the experimental-channel hints of GIE910/GIE911."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gie_lint.schema.store import SchemaError, SchemaStore

from tests.reporting_helpers import ROOT, isolated, run  # noqa: F401

GW = "gateway.networking.k8s.io/v1"
LLM_D = "llm-d.ai/v1alpha2"
KNOWN = "v1.0.0, v1.1.1, v1.2.1, v1.3.0, v1.4.1, v1.5.1, v1.6.1"

GATEWAY = {"apiVersion": GW, "kind": "Gateway", "metadata": {"name": "gw"}, "spec": {
    "gatewayClassName": "example", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
    "tls": {"backend": {"clientCertificateRef": {"name": "cert"}}},
    "allowedListeners": {"namespaces": {"from": "Same"}}}}
ROUTE = {"apiVersion": GW, "kind": "HTTPRoute", "metadata": {"name": "r"}, "spec": {
    "parentRefs": [{"name": "gw"}],
    "rules": [{"filters": [{"type": "CORS", "cors": {"allowOrigins": ["https://a.example.com"]}}],
               "backendRefs": [{"name": "svc", "port": 80}]}]}}
MANIFEST = """apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  tls:
    backend:
      clientCertificateRef: {name: cert}
  listeners:
  - {name: http, port: 80, protocol: HTTP}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - retry: {attempts: 2}
    backendRefs: [{name: svc, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: t}
spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: svc, port: 80}]}]}
"""
HINT = "install the experimental CRDs and use --gateway-api-channel experimental"


def _problems(store: SchemaStore, doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    schema = store.lookup(doc["apiVersion"], doc["kind"])
    assert schema is not None
    return [(v.path, v.keyword) for v in schema.validate(doc).violations]


# ---- the store ---------------------------------------------------------------------------------

def test_default_is_the_newest_standard_channel() -> None:
    store = SchemaStore("v1.5.0")
    assert (store.gateway_api_version, store.gateway_api_channel) == ("v1.6.1", "standard")
    assert store.gateway_api == "Gateway API v1.6.1 standard"
    assert store.llm_d_router_version == "v0.10.0"  # the newest release, not the main-branch snapshot


def test_versions_and_channels_are_resolved_or_refused() -> None:
    assert SchemaStore("v1.5.0", gateway_api_version="1.4").gateway_api_version == "v1.4.1"
    assert SchemaStore("v1.5.0", gateway_api_version="v1.4.0").gateway_api_version == "v1.4.1"  # patch -> its minor
    assert SchemaStore("v1.5.0", gateway_api_version="1.0.0").gateway_api_version == "v1.0.0"
    assert SchemaStore("v1.5.0", gateway_api_channel="experimental").gateway_api_channel == "experimental"
    for version, channel in (("1.7", None), ("v2.0.0", None), ("banana", None), (None, "beta")):
        with pytest.raises(SchemaError) as info:
            SchemaStore("v1.5.0", gateway_api_version=version, gateway_api_channel=channel)
        assert "\n" not in str(info.value)
    with pytest.raises(SchemaError, match=rf"^unknown Gateway API version '1.7' \(known versions are {KNOWN} or "
                                          r"their minors, like 1.4\)$"):
        SchemaStore("v1.5.0", gateway_api_version="1.7")


def test_fields_that_became_standard_in_v1_5_are_accepted_by_default() -> None:
    newest = SchemaStore("v1.5.0")
    assert _problems(newest, GATEWAY) == [] and _problems(newest, ROUTE) == []
    old = SchemaStore("v1.5.0", gateway_api_version="1.4")
    assert set(_problems(old, GATEWAY)) == {(("spec", "tls"), "additionalProperties"),
                                            (("spec", "allowedListeners"), "additionalProperties")}
    assert (("spec", "rules", 0, "filters", 0, "cors"), "additionalProperties") in _problems(old, ROUTE)
    experimental = SchemaStore("v1.5.0", gateway_api_version="1.4", gateway_api_channel="experimental")
    assert _problems(experimental, GATEWAY) == [] and _problems(experimental, ROUTE) == []
    assert experimental.lookup(GW, "Gateway").source == (  # type: ignore[union-attr]
        "Gateway API v1.4.1 experimental CRD gateways.gateway.networking.k8s.io")


def test_experimental_counterpart_and_newer_versions() -> None:
    store = SchemaStore("v1.5.0")
    assert store.lookup("gateway.networking.k8s.io/v1alpha2", "TCPRoute") is None
    assert store.experimental("gateway.networking.k8s.io/v1alpha2", "TCPRoute") is not None
    assert store.lookup("gateway.networking.k8s.io/v1", "TCPRoute") is not None  # standard from v1.6
    assert store.experimental("v1", "ConfigMap") is None
    assert SchemaStore("v1.5.0", gateway_api_channel="experimental").experimental(GW, "Gateway") is None
    old = SchemaStore("v1.5.0", gateway_api_version="1.2")
    assert old.gateway_api_field_since(GW, "Gateway", ("spec", "tls")) == "v1.5.1 standard"
    assert old.gateway_api_field_since(GW, "Gateway", ("spec", "defaultScope")) == "v1.4.1 experimental"
    assert old.gateway_api_field_since(GW, "Gateway", ("spec", "nonsense")) is None
    assert store.gateway_api_field_since(GW, "Gateway", ("spec", "tls")) is None  # nothing is newer


def test_llm_d_router_kinds_are_validated_per_tag() -> None:
    store = SchemaStore("v1.6.0")
    objective = store.lookup(LLM_D, "InferenceObjective")
    assert objective is not None and objective.source == "llm-d-router v0.10.0 CRD inferenceobjectives.llm-d.ai"
    doc = {"apiVersion": LLM_D, "kind": "InferenceObjective", "metadata": {"name": "o"},
           "spec": {"priority": 2, "poolRef": {"name": "pool"}}}
    assert objective.validate(doc).violations == []
    doc["spec"]["priority"] = "high"
    assert [v.message for v in objective.validate(doc).violations] == [
        "`high` is not of type integer: write an integer"]
    assert store.llm_d_router_kinds() == {(LLM_D, "InferenceObjective"), (LLM_D, "InferenceModelRewrite")}
    assert store.lookup("llm-d.ai/v1alpha1", "InferenceObjective") is None
    # An explicit llm-d-router release (the release of the EPP serving the object).
    assert store.lookup(LLM_D, "InferenceModelRewrite", llm_d_router="v0.9.0").source == (  # type: ignore[union-attr]
        "llm-d-router v0.9.0 CRD inferencemodelrewrites.llm-d.ai")
    assert store.lookup(LLM_D, "InferenceObjective", llm_d_router="main").source.startswith(  # type: ignore[union-attr]
        "llm-d-router main-ebab68792 CRD")
    assert store.lookup(LLM_D, "InferenceObjective", llm_d_router="v0.9.2").source.startswith(  # type: ignore[union-attr]
        "llm-d-router v0.9.0 CRD")
    assert store.lookup(LLM_D, "InferenceObjective", llm_d_router="v0.7.0") is None  # no llm-d.ai CRDs before v0.9
    assert store.llm_d_router_kinds("v0.8.0") == set()
    assert store.lookup("apps/v1", "Deployment", llm_d_router="v0.9.0") is store.lookup("apps/v1", "Deployment")
    with pytest.raises(SchemaError, match=r"unknown llm-d-router version 'v0.11.0': known CRD sets are v0.9.0, "):
        store.lookup(LLM_D, "InferenceObjective", llm_d_router="v0.11.0")
    for main in ("main", "latest", "main-ebab68792", "v0.11.0-main"):
        assert SchemaStore("v1.6.0", llm_d_router_version=main).llm_d_router_version == "main-ebab68792"


# ---- the command line, the config and the report -------------------------------------------------

@pytest.fixture
def manifest(isolated: Path) -> Path:  # noqa: F811
    (isolated / "gw.yaml").write_text(MANIFEST)
    return isolated


def _lines(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code, out, err = run(capsys, "check", "gw.yaml", "--select", "GIE910,GIE911", *argv)
    assert err == ""
    return code, out.splitlines()


def test_header_says_which_gateway_api_judged(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, lines = _lines(capsys)
    assert "; Gateway API v1.6.1 standard schemas (newest bundled); " in lines[0]
    _, lines = _lines(capsys, "--gateway-api-version", "1.4", "--gateway-api-channel", "experimental")
    assert ("; Gateway API v1.4.1 experimental schemas (--gateway-api-version 1.4, --gateway-api-channel "
            "experimental); ") in lines[0]
    _, lines = _lines(capsys, "--gateway-api-channel", "experimental")
    assert "Gateway API v1.6.1 experimental schemas (newest bundled, --gateway-api-channel experimental)" in lines[0]
    code, out, _ = run(capsys, "check", "gw.yaml", "--gateway-api-version", "v1.3.0", "--format", "json")
    scenario = json.loads(out)["scenarios"][0]
    assert (scenario["gateway_api_version"], scenario["gateway_api_channel"], scenario["gateway_api_reason"]) == (
        "v1.3.0", "standard", "--gateway-api-version v1.3.0")


def test_experimental_only_fields_and_kinds_get_the_hint(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _lines(capsys)
    assert code == 1
    findings = lines[1:-1]
    assert len(findings) == 2  # spec.tls is standard in v1.6: no finding
    assert findings[0].startswith(f"gw.yaml:18:5: error GIE910 schema-violation: spec.rules[0].retry: `retry` is an "
                                  f"experimental-channel field of Gateway API v1.6.1: {HINT}")
    assert findings[1].startswith("gw.yaml:22:1: info GIE911 schema-unknown-kind: gateway.networking.k8s.io/v1alpha2 "
                                  "TCPRoute is an experimental-channel kind of Gateway API v1.6.1")
    _, lines = _lines(capsys, "--gateway-api-version", "1.4")
    assert any(line.startswith("gw.yaml:6:3: error GIE910 schema-violation: spec.tls: `tls` is an experimental-channel"
                               f" field of Gateway API v1.4.1: {HINT}") for line in lines)
    code, lines = _lines(capsys, "--gateway-api-version", "1.4", "--gateway-api-channel", "experimental")
    assert code == 0 and lines[-1].startswith("1 file, 3 resources checked: 0 findings")
    _, lines = _lines(capsys, "--gateway-api-version", "1.2")
    tls = next(line for line in lines if ": spec.tls: " in line)
    assert "unknown field `tls`: remove it" in tls and "Gateway API v1.5.1 has it (standard channel): if your " \
        "cluster runs that or newer, use --gateway-api-version v1.5.1 [" in tls


def test_unknown_version_is_one_line_exit_2(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "gw.yaml", "--gateway-api-version", "1.9")
    assert (code, out) == (2, "")
    assert err == f"gie-lint: unknown Gateway API version '1.9' (known versions are {KNOWN} or their minors, like " \
                  "1.4)\n"
    code, out, err = run(capsys, "check", "gw.yaml", "--gateway-api-channel", "beta")
    assert code == 2 and "invalid choice" in err


def test_config_keys_top_level_and_per_scenario(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (manifest / ".gie-lint.yaml").write_text(
        "gateway_api_version: v1.4.1\n"
        "scenarios:\n"
        "  old: {files: [gw.yaml]}\n"
        "  exp: {files: [gw.yaml], gateway_api_channel: experimental}\n"
        "  new: {files: [gw.yaml], gateway_api_version: '1.6'}\n")
    code, out, err = run(capsys, "check", "--select", "GIE910")
    header = {line.split(":")[0]: line for line in out.splitlines() if line.startswith("scenario ")}
    assert ("Gateway API v1.4.1 standard schemas (gateway_api_version v1.4.1 in .gie-lint.yaml)"
            in header["scenario old"])
    assert ("Gateway API v1.4.1 experimental schemas (gateway_api_version v1.4.1 in .gie-lint.yaml, "
            "gateway_api_channel experimental in .gie-lint.yaml)") in header["scenario exp"]
    assert "Gateway API v1.6.1 standard schemas (gateway_api_version 1.6 in .gie-lint.yaml)" in header["scenario new"]
    code, out, err = run(capsys, "check", "--scenario", "old", "--gateway-api-version", "1.3")
    assert "Gateway API v1.3.0 standard schemas (--gateway-api-version 1.3)" in out.splitlines()[0]  # the flag wins
    code, out, err = run(capsys, "config", "--show", "--gateway-api-channel", "experimental")
    rows = {line.split(":")[0]: line for line in out.splitlines()}
    assert rows["gateway_api_version"] == 'gateway_api_version: "v1.4.1"  # .gie-lint.yaml:1'
    assert rows["gateway_api_channel"] == 'gateway_api_channel: "experimental"  # --gateway-api-channel'
    (manifest / ".gie-lint.yaml").write_text("gateway_api_channel: beta\nscenarios: {a: {files: [gw.yaml]}}\n")
    code, out, err = run(capsys, "check")
    assert code == 2 and err.startswith("gie-lint: .gie-lint.yaml:1:") and "gateway_api_channel" in err


def test_llm_d_objectives_are_schema_checked(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    (isolated / "o.yaml").write_text(
        "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\nmetadata: {name: good}\n"
        "spec: {priority: 1, poolRef: {name: pool}}\n---\n"
        "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\nmetadata: {name: bad}\n"
        "spec: {priority: high, poolRef: {name: pool}}\n---\n"
        "apiVersion: llm-d.ai/v1alpha1\nkind: InferenceObjective\nmetadata: {name: old}\n"
        "spec: {poolRef: {name: pool}}\n")
    code, out, err = run(capsys, "check", "o.yaml", "--select", "GIE004,GIE080,GIE082,GIE910,GIE911",
                         "--gie-version", "v1.6.0")
    findings = out.splitlines()[1:-1]
    assert findings == [
        "o.yaml:9:8: error GIE910 schema-violation: spec.priority: `high` is not of type integer: write an integer "
        "[llm-d-router v0.10.0 CRD inferenceobjectives.llm-d.ai] [InferenceObjective default/bad]",
        "o.yaml:11:1: error GIE080 objective-kind-version: `llm-d.ai/v1alpha1` InferenceObjective is not served by "
        "the CRDs of llm-d-router v0.10.0; use apiVersion `llm-d.ai/v1alpha2` [InferenceObjective default/old]"]
