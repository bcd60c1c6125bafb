"""GIE062, GIE063, GIE067: the `plugins[]` of an EndpointPickerConfig against the release's plugin registry.

The EPP instantiates every declared plugin at startup through the factory registered for its `type`; an
unregistered type or a repeated name stops it, and a factory that discards its `parameters` silently
drops the tuning. The registry is the upstream GIE EPP's: configs loaded by other images (llm-d builds
register many more types) are not judged against it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from lint.releases import plugins as epc_facts
from lint.releases import versions
from lint.result import Severity
from lint.rules.api import Hit, Rule
from lint.source.placeholders import unresolved
from lint.topology.config_wiring import upstream_registry_applies

# GIE062 ---------------------------------------------------------------------------------------------

def _unregistered_message(plugin_type: str, release: versions.Release) -> str:
    tag = release.tag
    entry = epc_facts.plugin_entry(plugin_type)
    base = f"plugin type `{plugin_type}` is not registered in the EPP of GIE {tag}, which exits at startup " \
           f"(\"plugin type '{plugin_type}' is not registered\")"
    if entry is not None and "removed" in entry and release.at_least(entry["removed"]):
        replacement = entry.get("replaced_by")
        instead = f"; use `{replacement}` instead" if replacement else ""
        return f"{base}: it was removed in {entry['removed']}{instead}"
    if entry is not None and not release.at_least(entry["since"]):
        return f"{base}: it arrives in {entry['since']}; use a type of {tag} or upgrade the EPP"
    close = difflib.get_close_matches(plugin_type, list(epc_facts.registered(release)), n=1, cutoff=0.75)
    return f"{base}; did you mean `{close[0]}`?" if close else f"{base}; use one of the types registered in {tag}"


def _check_type_known(config: Any, context: Any) -> Iterator[Hit]:
    if context.release.epc() is None or not upstream_registry_applies(config, context):
        return
    known = epc_facts.registered(context.release)
    for decl in epc_facts.plugin_decls(config.data):
        if decl.type not in known and not unresolved(decl.type):
            yield Hit((*decl.path, "type"), _unregistered_message(decl.type, context.release))


EPC_PLUGIN_TYPE_KNOWN = Rule(
    id="GIE062", name="epc-plugin-type-known", severity=Severity.ERROR, scope="config",
    summary="Every `plugins[].type` is registered in the EPP of that release.",
    rationale="The loader looks each type up in the plugin registry and stops with \"plugin type … is not "
              "registered\" when it is missing, so the EPP never starts. Types were renamed across releases "
              "(`kv-cache-scorer` became `kv-cache-utilization-scorer` in v1.0.0, `model-server-protocol-metrics` "
              "became `core-metrics-extractor` in v1.5.0). Configs loaded by non-upstream images (llm-d) are not "
              "judged, since those register more types.",
    bad="plugins:\n- type: kv-cache-scorer   # on v1.0.0+",
    good="plugins:\n- type: kv-cache-utilization-scorer",
    fix="Use the type name registered by your EPP release (the message names the replacement of a renamed type).",
    check=_check_type_known,
)


# GIE063 ---------------------------------------------------------------------------------------------

def _check_name_unique(config: Any, context: Any) -> Iterator[Hit]:
    if context.release.epc() is None:
        return
    first: dict[str, epc_facts.PluginDecl] = {}
    for decl in epc_facts.plugin_decls(config.data):
        if unresolved(decl.name):
            continue
        earlier = first.setdefault(decl.name, decl)
        if earlier is decl:
            continue
        how = "" if decl.named else " (no `name`: it defaults to the type)"
        yield Hit((*decl.path, "name" if decl.named else "type"),
                  f"plugin name `{decl.name}`{how} is already used by plugins[{earlier.index}]; the EPP rejects "
                  f"duplicate plugin names at startup; give this entry a distinct `name`")


EPC_PLUGIN_NAME_UNIQUE = Rule(
    id="GIE063", name="epc-plugin-name-unique", severity=Severity.ERROR, scope="config",
    summary="Effective plugin names (the `name`, or the `type` when no name is given) are unique.",
    rationale="Plugins are instantiated into a map by name and referenced by it; the loader rejects a second "
              "plugin with the same name, so the EPP exits. Two entries of the same type without names collide.",
    bad="plugins:\n- type: prefix-cache-scorer\n- type: prefix-cache-scorer",
    good="plugins:\n- type: prefix-cache-scorer\n- type: prefix-cache-scorer\n  name: prefix-cache-scorer-2",
    fix="Give every plugin instance a distinct `name` and reference it by that name.",
    check=_check_name_unique,
)


# GIE067 ---------------------------------------------------------------------------------------------

def _check_ignored_parameters(config: Any, context: Any) -> Iterator[Hit]:
    if context.release.epc() is None:
        return
    # A known non-upstream loader may carry another factory; a config with no known loader gets the release's.
    if not upstream_registry_applies(config, context, strict=False):
        return
    ignored = epc_facts.fact("ignored_parameters")
    for decl in epc_facts.plugin_decls(config.data):
        entry = ignored.get(decl.type)
        parameters = decl.data.get("parameters")
        if entry is None or not context.release.at_least(entry["since"]) or not parameters:
            continue
        keys = ", ".join(f"`{k}`" for k in parameters) if isinstance(parameters, dict) else "they"
        yield Hit((*decl.path, "parameters"),
                  f"`{decl.type}` ignores its `parameters` from {entry['since']} on, so {keys} have no effect on "
                  f"GIE {context.release.tag}; move them to an `{entry['moved_to']}` plugin")


EPC_IGNORED_PARAMETERS = Rule(
    id="GIE067", name="epc-ignored-parameters", severity=Severity.WARNING, scope="config",
    summary="No `parameters` on a plugin whose factory ignores them (e.g. `prefix-cache-scorer` from v1.5.0).",
    rationale="Since v1.5.0 the prefix-cache scorer's factory discards its parameters: the block size, match "
              "depth and LRU capacity now configure `approx-prefix-cache-producer`. The EPP starts normally and "
              "the tuning is silently lost.",
    bad="plugins:\n- type: prefix-cache-scorer\n  parameters:\n    blockSizeTokens: 5",
    good="plugins:\n- type: approx-prefix-cache-producer\n  parameters:\n    blockSizeTokens: 5\n"
         "- type: prefix-cache-scorer",
    fix="Move the parameters to the plugin that reads them now (the message names it).",
    check=_check_ignored_parameters,
)
