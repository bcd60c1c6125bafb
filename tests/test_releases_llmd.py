"""The llm-d-router and lwepp release lines as data: every file loads, and the facts that decide findings hold.

The lines are not in `catalog.LINES` yet, so the tests read them through `catalog.document` and build their
`versions.ReleaseLine` from the document, as `versions.line` does for GIE.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from gie_lint.releases import catalog, flags, plugins, rbac_needs, versions

ROOT = Path(__file__).resolve().parent.parent
FILES = {"llm-d-router": ("releases", "epp_flags", "epc_plugins", "epp_rbac"),
         "lwepp": ("releases", "epp_flags", "epp_rbac")}
MAIN = "v0.11.0-main"


def _line(project: str) -> versions.ReleaseLine:
    return versions.line(project)  # reads data/<project>/releases.yaml whether or not the line is in catalog.LINES


def _rel(tag: str, project: str = "llm-d-router") -> versions.Release:
    return _line(project).release(tag)


def _plugin(name: str) -> dict[str, Any]:
    entry: dict[str, Any] = catalog.document("llm-d-router", "epc_plugins")["plugins"][name]
    return entry


def _params(name: str, tag: str) -> Any:
    return versions.in_force(_plugin(name)["parameters"], _rel(tag))


@pytest.mark.parametrize(("project", "name"), [(p, n) for p, names in FILES.items() for n in names])
def test_every_data_file_loads_and_matches_its_schema(project: str, name: str) -> None:
    assert catalog.document(project, name)


def test_main_is_an_entry_that_sorts_after_every_tag() -> None:
    line = _line("llm-d-router")
    assert line.tags == ["v0.5.0", "v0.6.0", "v0.7.0", "v0.8.0", "v0.9.0", "v0.10.0", MAIN]
    assert versions.parse(MAIN) == (0, 11, 0) and line.newest().tag == MAIN
    assert line.entries[MAIN]["branch"] == "main"
    assert line.release("v0.10.3").tag == "v0.10.0" and line.release("v0.11.0").tag == MAIN
    assert re.match(catalog.document("llm-d-router", "releases")["line"]["newest_tags"], "main")
    assert _line("lwepp").tags == ["v1.6.0", "v1.7.0-main"]


def test_the_epp_image_pattern_matches_every_spelling_and_names_the_tag() -> None:
    pattern = _line("llm-d-router").epp_image
    digest = "@sha256:" + "0" * 64
    spellings = {
        "ghcr.io/llm-d/llm-d-inference-scheduler:v0.5.0": "v0.5.0",
        "ghcr.io/llm-d/llm-d-inference-scheduler-dev:main": "main",
        "ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0": "v0.10.0",
        "mirror.example:5000/ai/llm-d-router-endpoint-picker:v0.9.0" + digest: "v0.9.0",
        "llm-d-router-endpoint-picker-dev:${EPP_TAG}": "${EPP_TAG}",
    }
    for image, tag in spellings.items():
        match = pattern.search(image)
        assert match and match.group("tag") == tag, image
    untagged = pattern.search("ghcr.io/llm-d/llm-d-router-endpoint-picker" + digest)
    assert untagged and untagged.group("tag") is None
    for other in ("ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.9.0", "ghcr.io/llm-d/llm-d-routing-sidecar:v0.5.0",
                  "registry.k8s.io/gateway-api-inference-extension/epp:v1.0.0",
                  "registry.k8s.io/gateway-api-inference-extension/lwepp:v1.6.0",
                  "ghcr.io/llm-d/llm-d-router-endpoint-picker-extra:v1"):
        assert not pattern.search(other), other
    lwepp = _line("lwepp").epp_image.search("us-central1-docker.pkg.dev/k8s-staging-images/"
                                            "gateway-api-inference-extension/lwepp:main")
    assert lwepp and lwepp.group("tag") == "main"


def test_the_disagg_sidecar_is_not_an_epp() -> None:
    head = catalog.document("llm-d-router", "releases")["line"]
    epp = _line("llm-d-router").epp_image
    for image in ("ghcr.io/llm-d/llm-d-routing-sidecar:v0.5.0", "ghcr.io/llm-d/llm-d-router-disagg-sidecar-dev:main",
                  "quay.io/mirror/llm-d-router-disagg-sidecar@sha256:" + "1" * 64):
        assert not epp.search(image), image
        assert any(re.search(p, image) for p in head["other_images"]), image
        assert any(re.search(p, image) for p in head["disagg_sidecar_images"]), image
    coordinator = "ghcr.io/llm-d/llm-d-router-coordinator:v0.10.0"
    assert any(re.search(p, coordinator) for p in head["other_images"])
    assert not any(re.search(p, coordinator) for p in head["disagg_sidecar_images"])
    assert not any(re.search(p, "ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0") for p in head["other_images"])
    assert head["epp_binaries"] == ["/app/epp"] and head["other_binaries"]["/app/pd-sidecar"] == "disagg-sidecar"


def test_request_handler_and_the_llm_d_config_group_arrive_in_v0_9_0() -> None:
    v0_8, v0_9, main = (_rel(t).epc() for t in ("v0.8.0", "v0.9.0", MAIN))
    assert v0_8 and v0_9 and main
    assert "requestHandler" not in v0_8["fields"] and "requestHandler" in v0_9["fields"]
    assert v0_9["nested_fields"]["requestHandler.parsers.*"] == ["pluginRef"]
    assert v0_8["epc_api_versions"] == ["inference.networking.x-k8s.io/v1alpha1"]
    assert "llm-d.ai/v1alpha1" in v0_9["epc_api_versions"]
    assert v0_9["deprecated_fields"] == {"saturationDetector": "flowControl.saturationDetector",
                                         "parser": "requestHandler.parsers"}
    assert "peerDiscovery" in main["nested_fields"]["dataLayer"] and "data" in _rel("v0.7.0").epc()["fields"]  # type: ignore[index]


def test_the_registry_has_the_source_counts_and_the_disaggregation_types() -> None:
    counts = {tag: len(plugins.registered(_rel(tag))) for tag in _line("llm-d-router").tags}
    assert counts == {"v0.5.0": 26, "v0.6.0": 34, "v0.7.0": 42, "v0.8.0": 58, "v0.9.0": 71, "v0.10.0": 96, MAIN: 97}
    for tag in _line("llm-d-router").tags:
        registered = plugins.registered(_rel(tag))
        assert registered["decode-filter"] == ["filter"] and "prefill-filter" in registered
    assert _params("decode-filter", MAIN) == "ignored"
    assert "disagg-profile-handler" in plugins.registered(_rel("v0.7.0"))
    assert "disagg-profile-handler" not in plugins.registered(_rel("v0.6.0"))
    assert "precise-prefix-cache-producer" in plugins.registered(_rel("v0.9.0"))
    assert "predicted-latency-scorer" not in plugins.registered(_rel("v0.9.0"))
    assert "sglanghttp-parser" in plugins.registered(_rel(MAIN))
    assert "sglanghttp-parser" not in plugins.registered(_rel("v0.10.0"))


def test_prefix_cache_scorer_parameters_by_release() -> None:
    assert "blockSize" in _params("prefix-cache-scorer", "v0.7.0")
    assert _params("prefix-cache-scorer", "v0.8.0") == "ignored"
    assert _params("prefix-cache-scorer", "v0.9.0") == ["prefixMatchInfoProducerName"]
    assert "matchLengthWeight" in _params("prefix-cache-scorer", "v0.10.0")
    facts = catalog.document("llm-d-router", "epc_plugins")
    assert facts["strict_parameters_since"] == "v0.9.0"
    assert facts["ignored_parameters"]["prefix-cache-scorer"]["moved_to"] == "approx-prefix-cache-producer"
    assert "headerName" in _params("session-affinity-scorer", "v0.9.0")
    assert "headerName" not in _params("session-affinity-scorer", "v0.10.0")


def test_alpha_plugins_need_the_experimental_flag_from_v0_10_0() -> None:
    facts = catalog.document("llm-d-router", "epc_plugins")
    assert facts["experimental_plugins"] == {"flag": "allow-experimental-plugins", "since": "v0.10.0"}
    alpha = {tag: sorted(n for n in plugins.registered(_rel(tag))
                         if versions.in_force(_plugin(n).get("stability", {}), _rel(tag)) == "alpha")
             for tag in ("v0.9.0", "v0.10.0", MAIN)}
    assert alpha["v0.9.0"] == [] and len(alpha["v0.10.0"]) == 28 and len(alpha[MAIN]) == 28
    assert "session-affinity-scorer" in alpha["v0.10.0"]
    assert flags.flagset(_rel("v0.10.0")).spec("allow-experimental-plugins")
    assert not flags.flagset(_rel("v0.9.0")).spec("allow-experimental-plugins")


def test_flags_are_pflag_kebab_in_every_release() -> None:
    for tag in _line("llm-d-router").tags:
        table = flags.flagset(_rel(tag))
        assert table.parser == "pflag" and not table.camel and "kubeconfig" not in table.by_name
    counts = {tag: len(flags.flagset(_rel(tag)).by_name) - 5 for tag in _line("llm-d-router").tags}  # - the zap flags
    assert counts == {"v0.5.0": 32, "v0.6.0": 32, "v0.7.0": 32, "v0.8.0": 32, "v0.9.0": 35, "v0.10.0": 38, MAIN: 38}
    assert flags.flagset(_rel("v0.9.0")).spec("model-server-metrics-port")
    assert not flags.flagset(_rel("v0.10.0")).spec("model-server-metrics-port")
    assert flags.window_open("config_required", _rel("v0.6.0"))
    assert not flags.window_open("config_required", _rel("v0.7.0"))
    assert flags.legacy_metric_flags_rejected(_rel("v0.7.0")) and not flags.legacy_metric_flags_rejected(_rel("v0.6.0"))


def test_feature_gates_by_release() -> None:
    assert "dataLayer" in plugins.feature_gates(_rel("v0.9.0"))
    assert "dataLayer" not in plugins.feature_gates(_rel("v0.10.0"))
    assert "enableLegacyMetrics" in plugins.feature_gates(_rel("v0.8.0"))
    assert "enableLegacyMetrics" not in plugins.feature_gates(_rel("v0.9.0"))
    assert sorted(plugins.feature_gates(_rel("v0.10.0"))) == ["flowControl", "haPopulateNonLeaderDatastore"]


def test_references_resolve_the_defaults_the_loader_instantiates() -> None:
    refs = plugins.references(_rel("v0.10.0"))
    by_path = {tuple(r["path"]): r for r in refs}
    assert by_path[("requestHandler", "parsers", "*", "pluginRef")]["registered_types"] is True
    assert by_path[("flowControl", "saturationDetector", "pluginRef")]["implicit"] == ["utilization-detector"]
    assert ("data", "sources", "*", "pluginRef") not in by_path
    registered = plugins.registered(_rel("v0.10.0"))
    for ref in refs:
        for name in ref.get("implicit", []):
            assert ref["role"] in registered[name], (ref["path"], name)


def test_rbac_and_leader_election_of_llm_d_router() -> None:
    v0_8, v0_9 = rbac_needs.needs(_rel("v0.8.0")), rbac_needs.needs(_rel("v0.9.0"))
    objectives = next(w for w in v0_9["watch"] if w["resource"] == "inferenceobjectives")
    assert objectives["group"] == "llm-d.ai" and objectives["fallback_groups"] == ["inference.networking.x-k8s.io"]
    assert next(w for w in v0_8["watch"] if w["resource"] == "inferenceobjectives")["group"] == \
        "inference.networking.x-k8s.io"
    assert v0_9["metrics_auth"] == {"flag": "metrics-endpoint-auth"}
    lease = catalog.document("llm-d-router", "epp_rbac")["leader_election"]["lease_name"]
    assert versions.in_force(lease, _rel("v0.9.0")).endswith(".llm-d.ai")
    assert versions.in_force(lease, _rel("v0.8.0")).endswith(".gateway-api-inference-extension.sigs.k8s.io")


def test_lwepp_watches_only_pools_and_pods_and_needs_no_metrics_auth() -> None:
    for tag in _line("lwepp").tags:
        needs = rbac_needs.needs(_rel(tag, "lwepp"))
        assert sorted(w["resource"] for w in needs["watch"]) == ["inferencepools", "pods"]
        assert needs["metrics_auth"] == "never"
        assert _rel(tag, "lwepp").epc() is None
    assert catalog.document("lwepp", "epp_rbac")["leader_election"]["grants"] == []
    table = flags.flagset(_rel("v1.6.0", "lwepp"))
    own = sorted(name for name, spec in table.by_name.items() if not spec.library)
    assert own == ["endpoint-target-ports", "grpc-health-port", "grpc-port", "health-checking", "metrics-port",
                   "pool-group", "pool-name", "pool-namespace", "secure-serving"]
    assert table.spec("kubeconfig") and not table.spec("config-file") and not table.spec("v")
    assert not flags.window_open("pool_namespace_env", _rel("v1.6.0", "lwepp"))
    health = catalog.document("lwepp", "releases")["health"]["v1.6.0"]["services"]
    assert health["inference-extension"] == "ready" and health["*"] == "unknown"


def test_every_milestone_the_code_asks_for_exists_in_each_line() -> None:
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "lint").rglob("*.py")]
    used = {m for text in sources for m in re.findall(r"""reached\(\s*["'](\w+)["']""", text)}
    used |= {m for text in sources for m in re.findall(r"""milestones\[\s*["'](\w+)["']\]""", text)}
    assert used
    for project in FILES:
        milestones = catalog.document(project, "releases")["milestones"]
        assert used <= set(milestones), project
        for tag in milestones.values():
            assert tag is None or tag in _line(project).tags


def _bounds(node: object, where: str = "") -> list[tuple[str, str]]:
    """Every since/until/removal value under `node`, with where it is."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("since", "until", "removal") and isinstance(value, str):
                found.append((f"{where}/{key}", value))
            found += _bounds(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _bounds(item, f"{where}/{index}")
    return found


def test_every_since_and_until_is_a_release_of_the_line() -> None:
    for project, names in FILES.items():
        tags = set(_line(project).tags)
        bounds = [b for name in names for b in _bounds(catalog.document(project, name), name)]
        # v0.11.0 is the announced removal release of deprecated types: later than every known release.
        assert bounds and [b for b in bounds if b[1] not in tags and b[1] != "v0.11.0"] == [], project
