"""GIE062, GIE063, GIE067: the `plugins[]` of an EndpointPickerConfig against the release's plugin registry.

The EPP instantiates every declared plugin at startup through the factory registered for its `type`; an
unregistered type or a repeated name stops it, and a factory that discards its `parameters` silently
drops the tuning. The registry is the upstream GIE EPP's: configs loaded by other images (llm-d builds
register many more types) are not judged against it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from gie_lint.releases import plugins as epc_facts
from gie_lint.releases import versions
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, config_rule
from gie_lint.rules.applies import APPLIES_CONFIG
from gie_lint.rules.config.scope import upstream_registry_applies
from gie_lint.source.placeholders import unresolved
from gie_lint.topology import epc_view
from gie_lint.topology.configs import EmbeddedConfig

# GIE062 ---------------------------------------------------------------------------------------------

def _unregistered_message(plugin_type: str, release: versions.Release) -> str:
    tag = release.tag
    entry = epc_facts.plugin_entry(plugin_type, release)
    base = f"plugin type `{plugin_type}` is not registered in the EPP of {release.label}, which exits at startup " \
           f"(\"plugin type '{plugin_type}' is not registered\")"
    if entry is not None and "until" in entry and release.at_least(entry["until"]):
        replacement = entry.get("replaced_by")
        instead = f"; use `{replacement}` instead" if replacement else ""
        return f"{base}: it was removed in {entry['until']}{instead}"
    if entry is not None and not release.at_least(entry["since"]):
        return f"{base}: it arrives in {entry['since']}; use a type of {tag} or upgrade the EPP"
    close = difflib.get_close_matches(plugin_type, list(epc_facts.registered(release)), n=1, cutoff=0.75)
    return f"{base}; did you mean `{close[0]}`?" if close else f"{base}; use one of the types registered in {tag}"


@config_rule("GIE062", "epc-plugin-type-known", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_plugin_type_known(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Every `plugins[].type` is registered in the EPP of that release.

    ## Why it breaks
    The loader looks each type up in the plugin registry and stops with "plugin type … is not registered" when
    it is missing, so the EPP never starts. Types were renamed across releases (`kv-cache-scorer` became
    `kv-cache-utilization-scorer` in v1.0.0, `model-server-protocol-metrics` became `core-metrics-extractor` in
    v1.5.0). Configs loaded by non-upstream images (llm-d) are not judged, since those register more types.

    ## Bad
    ```yaml
    plugins:
    - type: kv-cache-scorer   # on v1.0.0+
    ```

    ## Good
    ```yaml
    plugins:
    - type: kv-cache-utilization-scorer
    ```

    ## Fix
    Use the type name registered by your EPP release (the message names the replacement of a renamed type).
    """
    if scenario.release.epc() is None or not upstream_registry_applies(config, scenario):
        return
    known = epc_facts.registered(scenario.release)
    for decl in epc_view.plugin_decls(config.data):
        if decl.type not in known and not unresolved(decl.type):
            yield Hit((*decl.path, "type"), _unregistered_message(decl.type, scenario.release))


# GIE063 ---------------------------------------------------------------------------------------------

@config_rule("GIE063", "epc-plugin-name-unique", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_plugin_name_unique(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Effective plugin names (the `name`, or the `type` when no name is given) are unique.

    ## Why it breaks
    Plugins are instantiated into a map by name and referenced by it; the loader rejects a second plugin with
    the same name, so the EPP exits. Two entries of the same type without names collide.

    ## Bad
    ```yaml
    plugins:
    - type: prefix-cache-scorer
    - type: prefix-cache-scorer
    ```

    ## Good
    ```yaml
    plugins:
    - type: prefix-cache-scorer
    - type: prefix-cache-scorer
      name: prefix-cache-scorer-2
    ```

    ## Fix
    Give every plugin instance a distinct `name` and reference it by that name.
    """
    if scenario.release.epc() is None:
        return
    first: dict[str, epc_view.PluginDecl] = {}
    for decl in epc_view.plugin_decls(config.data):
        if unresolved(decl.name):
            continue
        earlier = first.setdefault(decl.name, decl)
        if earlier is decl:
            continue
        how = "" if decl.named else " (no `name`: it defaults to the type)"
        yield Hit((*decl.path, "name" if decl.named else "type"),
                  f"plugin name `{decl.name}`{how} is already used by plugins[{earlier.index}]; the EPP rejects "
                  f"duplicate plugin names at startup; give this entry a distinct `name`")


# GIE067 ---------------------------------------------------------------------------------------------

@config_rule("GIE067", "epc-ignored-parameters", Severity.WARNING,
    applies=APPLIES_CONFIG)
def epc_ignored_parameters(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """No `parameters` on a plugin whose factory ignores them (e.g. `prefix-cache-scorer` from v1.5.0).

    ## Why it breaks
    Since v1.5.0 the prefix-cache scorer's factory discards its parameters: the block size, match depth and LRU
    capacity now configure `approx-prefix-cache-producer`. The EPP starts normally and the tuning is silently
    lost.

    ## Bad
    ```yaml
    plugins:
    - type: prefix-cache-scorer
      parameters:
        blockSizeTokens: 5
    ```

    ## Good
    ```yaml
    plugins:
    - type: approx-prefix-cache-producer
      parameters:
        blockSizeTokens: 5
    - type: prefix-cache-scorer
    ```

    ## Fix
    Move the parameters to the plugin that reads them now (the message names it).
    """
    if scenario.release.epc() is None:
        return
    # A known non-upstream loader may carry another factory; a config with no known loader gets the release's.
    if not upstream_registry_applies(config, scenario, strict=False):
        return
    ignored = epc_facts.fact("ignored_parameters", scenario.release) or {}
    for decl in epc_view.plugin_decls(config.data):
        entry = ignored.get(decl.type)
        parameters = decl.data.get("parameters")
        if entry is None or not versions.in_window(entry, scenario.release) or not parameters:
            continue
        keys = ", ".join(f"`{k}`" for k in parameters) if isinstance(parameters, dict) else "they"
        yield Hit((*decl.path, "parameters"),
                  f"`{decl.type}` ignores its `parameters` from {entry['since']} on, so {keys} have no effect on "
                  f"{scenario.release.label}; move them to an `{entry['moved_to']}` plugin")


