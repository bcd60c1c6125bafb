"""Which release judges an EndpointPickerConfig: the release of the EPPs that load it.

An llm-d-router EPP decodes its config with llm-d-router's fields and plugin registry, a GIE EPP with GIE's; so a
config is judged by the release of its loaders (or, when no loader is known, of the EPPs of its namespace), and
by its own `apiVersion` when no EPP is in the set. When EPPs of different releases load it, no single release
judges it and the release-dependent config rules stay silent (None).
"""

from __future__ import annotations

from collections.abc import Iterable

from gie_lint.releases import builds, plugins
from gie_lint.releases.versions import Release
from gie_lint.topology import epc_view
from gie_lint.topology.configs import EmbeddedConfig
from gie_lint.topology.epps import Epp
from gie_lint.topology.resolve import Topology


def _one(epps: Iterable[Epp]) -> tuple[bool, Release | None]:
    """(any EPP, their release when they agree and each is known: an EPP of a known line whose release its image
    does not say (`:${TAG}`, older than the data) could accept what any one release's facts reject)."""
    epps = list(epps)
    releases = {epp.release for epp in epps}
    unknown = any(e.build is not None and e.build.line is not None and not e.build.known for e in epps)
    return bool(releases), (next(iter(releases)) if len(releases) == 1 and not unknown else None)


def config_release(topology: Topology, config: EmbeddedConfig, fallback: Release) -> Release | None:
    loaders = topology.wiring.consumers(config)
    if loaders:
        found, release = _one(epp for workload, _ in loaders if (epp := topology.epp(workload)) is not None)
        # a loader no release line knows (`$EPP_IMAGE`, a private build): the scenario's release judges it
        return release if found else fallback
    found, release = _one(topology.epps_in(config.host.namespace))
    if found:
        return release
    return _by_evidence(config, fallback)


def _by_evidence(config: EmbeddedConfig, fallback: Release) -> Release:
    """No EPP in the set: the config's own evidence. An apiVersion (`llm-d.ai/v1alpha1`), a top-level field
    (`requestHandler`) or a plugin type that only another line's newest release knows names that line."""
    data = config.data if isinstance(config.data, dict) else {}
    mine = fallback.epc() or {}
    types = {d.type for d in epc_view.plugin_decls(data)}
    known_here = set(plugins.registered(fallback))
    for line in builds.lines()[1:]:
        newest = line.newest()
        spec = newest.epc()
        if not spec:
            continue
        api = data.get("apiVersion")
        if api in spec["epc_api_versions"] and api not in mine.get("epc_api_versions", ()):
            return newest
        if any(key in spec["fields"] and key not in mine.get("fields", ()) for key in data):
            return newest
        if (types - known_here) & set(plugins.registered(newest)):
            return newest
    return fallback
