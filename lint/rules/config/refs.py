"""GIE064, GIE065: references between EndpointPickerConfig parts, and the scheduling-profile structure.

Profiles, the parser, the saturation detector, the data layer and flow-control bands all name plugins
declared under `plugins[]`. The loader resolves each name at startup and validates the profile layout
(one handler, at most one picker per profile); any failure stops the EPP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gie_lint.releases import plugins as epc_facts
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, config_rule
from gie_lint.rules.applies import APPLIES_CONFIG
from gie_lint.rules.config.scope import upstream_registry_applies
from gie_lint.source.placeholders import unresolved
from gie_lint.topology import epc_view
from gie_lint.topology.configs import EmbeddedConfig

SINGLE_HANDLER = "single-profile-handler"


def _dotted(pattern: list[str]) -> str:
    return ".".join("[]" if part == "*" else part for part in pattern).replace(".[]", "[]")


def _role_of(decl: epc_view.PluginDecl | None, scenario: Scenario, applies: bool) -> list[str] | None:
    """The roles of a declared plugin, when the upstream registry judges this config and knows the type."""
    if decl is None or not applies:
        return None
    return epc_facts.roles(scenario.release, decl.type)


# GIE064 ---------------------------------------------------------------------------------------------

@config_rule("GIE064", "epc-ref-defined", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_ref_defined(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Every `pluginRef`, `*PolicyRef` and parser/saturation-detector/data-layer reference names a declared plugin
    of the right kind.

    ## Why it breaks
    References are resolved by plugin name (the `name`, or the type when no name is given) when the config is
    loaded; a name that is not declared, or a plugin of the wrong kind (say, a scorer as the parser), fails
    validation and the EPP exits.

    ## Bad
    ```yaml
    plugins:
    - type: kv-cache-utilization-scorer
    schedulingProfiles:
    - name: default
      plugins:
      - pluginRef: kv-cache-scorer
    ```

    ## Good
    ```yaml
    plugins:
    - type: kv-cache-utilization-scorer
    schedulingProfiles:
    - name: default
      plugins:
      - pluginRef: kv-cache-utilization-scorer
    ```

    ## Fix
    Reference the declared plugin's name, or declare the plugin under `plugins`.
    """
    spec = scenario.release.epc()
    if spec is None or not isinstance(config.data, dict):
        return
    decls = {d.name: d for d in epc_view.plugin_decls(config.data)}
    complete = epc_view.plugins_complete(config.data)
    applies = upstream_registry_applies(config, scenario)
    for reference in epc_facts.references(scenario.release):
        if reference["path"][0] not in spec["fields"]:
            continue  # the section itself is unknown in this release: GIE061
        for path, value in epc_view.walk(config.data, reference["path"]):
            if not isinstance(value, str) or unresolved(value):
                continue
            where = _dotted(reference["path"])
            decl = decls.get(value)
            if decl is None:
                if complete:
                    defined = ", ".join(f"`{n}`" for n in decls) or "none"
                    yield Hit(path, f"`{where}` names `{value}`, but no plugin of that name is declared (declared: "
                                    f"{defined}); the EPP exits at startup; declare it under `plugins` or "
                                    f"reference a declared name")
                continue
            roles, wanted = _role_of(decl, scenario, applies), reference["role"]
            if wanted and roles is not None and wanted not in roles:
                yield Hit(path, f"`{where}` needs a {wanted} plugin, but `{value}` is a `{decl.type}` "
                                f"({', '.join(roles)}); the EPP rejects the config; reference a {wanted}")


# GIE065 ---------------------------------------------------------------------------------------------

def _profile_names(profiles: list[tuple[Any, dict[str, Any]]]) -> Iterator[Hit]:
    seen: set[str] = set()
    for path, profile in profiles:
        name = profile.get("name")
        if not isinstance(name, str) or not name.strip():
            yield Hit((*path, "name") if "name" in profile else path,
                      "a scheduling profile needs a non-empty `name`; the EPP rejects the config")
        elif name in seen:
            yield Hit((*path, "name"), f"scheduling profile name `{name}` is used twice; profile names must be "
                                       f"unique or the EPP rejects the config")
        elif not unresolved(name):
            seen.add(name)


@config_rule("GIE065", "epc-profile-structure", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_profile_structure(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Unique non-empty profile names; one profile handler; at most one picker per profile; several profiles need a
    handler other than `single-profile-handler`.

    ## Why it breaks
    The loader validates the scheduling layout: duplicate or empty profile names, two handlers, two pickers in a
    profile, several profiles with no handler or with `single-profile-handler`, or a handler listed inside a
    profile all fail, and the EPP exits. A profile without a picker is fine: `max-score-picker` is added.

    ## Bad
    ```yaml
    schedulingProfiles:
    - name: default
      plugins:
      - pluginRef: max-score-picker
      - pluginRef: random-picker
    ```

    ## Good
    ```yaml
    schedulingProfiles:
    - name: default
      plugins:
      - pluginRef: max-score-picker
    ```

    ## Fix
    Keep one handler in `plugins`, one picker per profile, and unique profile names.
    """
    if scenario.release.epc() is None or not isinstance(config.data, dict):
        return
    data = config.data
    profiles = epc_view.profiles(data)
    yield from _profile_names(profiles)
    applies = upstream_registry_applies(config, scenario)
    decls = epc_view.plugin_decls(data)
    by_name = {d.name: d for d in decls}

    def has(decl: epc_view.PluginDecl | None, role: str) -> bool:
        return role in (_role_of(decl, scenario, applies) or [])

    handlers = [d for d in decls if has(d, "profile-handler")]
    for extra in handlers[1:]:
        yield Hit((*extra.path, "type"), f"a second profile handler (`{extra.name}`; the first is "
                                         f"`{handlers[0].name}`): the EPP accepts exactly one; remove one")
    listed = data.get("schedulingProfiles")
    whole = isinstance(listed, list) and len(profiles) == len(listed)  # nothing elided
    if whole and len(profiles) > 1 and len(handlers) == 1 and handlers[0].type == SINGLE_HANDLER:
        yield Hit((*handlers[0].path, "type"),
                  f"`{SINGLE_HANDLER}` runs exactly one profile, but {len(profiles)} are defined; the EPP rejects "
                  f"the config; use a handler that chooses between profiles")
    all_known = applies and epc_view.plugins_complete(data) and all(
        epc_facts.roles(scenario.release, d.type) is not None for d in decls)
    if whole and len(profiles) > 1 and not handlers and all_known:
        yield Hit(("schedulingProfiles",), f"{len(profiles)} scheduling profiles but no profile handler plugin: "
                                           f"the EPP cannot choose between them and rejects the config; declare a "
                                           f"multi-profile handler")
    for path, profile in profiles:
        pickers: list[str] = []
        for ref_path, ref in epc_view.walk(profile, ["plugins", "*", "pluginRef"], path):
            decl = by_name.get(ref) if isinstance(ref, str) else None
            if has(decl, "profile-handler"):
                yield Hit(ref_path, f"profile handler `{ref}` is listed inside a profile; handlers are used by the "
                                    f"scheduler itself, profiles take filters, scorers and a picker; remove it here")
            if has(decl, "picker"):
                pickers.append(str(ref))
                if len(pickers) == 2:
                    yield Hit(ref_path, f"a second picker (`{ref}`; the first is `{pickers[0]}`) in profile "
                                        f"`{profile.get('name')}`: a profile takes at most one picker; remove one")


