"""GIE060–GIE061: the EndpointPickerConfig header and its strict fields, per release.

The EPP decodes its config strictly (unknown or duplicate fields are fatal) and only at startup, so a
typo here is a crash-looping EPP, found only after the rollout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gie_lint.releases import versions
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, config_rule
from gie_lint.rules.applies import APPLIES_CONFIG
from gie_lint.shape import as_list
from gie_lint.topology.configs import EmbeddedConfig, elided

LLMD_EPC_API_VERSION = "llm-d.ai/v1alpha1"


def _accepted_api_versions(release: versions.Release, spec: dict[str, Any]) -> list[str]:
    accepted = list(spec["epc_api_versions"])
    if release.reached("epp_moved_to_llm_d_router"):  # the EPP moved to llm-d-router, which also reads its own group
        accepted.append(LLMD_EPC_API_VERSION)
    return accepted


@config_rule("GIE060", "epc-apiversion-kind", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_apiversion_kind(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """`inference.networking.x-k8s.io/v1alpha1` EndpointPickerConfig (llm-d-router also accepts
    `llm-d.ai/v1alpha1`).

    ## Why it breaks
    The EPP's decoder has no other group/version/kind registered ("no kind … is registered"), so loading the
    config fails and the EPP exits.

    ## Bad
    ```yaml
    apiVersion: config.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    ```

    ## Good
    ```yaml
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    ```

    ## Fix
    Set `apiVersion: inference.networking.x-k8s.io/v1alpha1` and `kind: EndpointPickerConfig`.
    """
    spec = scenario.release.epc()
    if spec is None or not isinstance(config.data, dict):
        return
    accepted = _accepted_api_versions(scenario.release, spec)
    api_version, kind = config.data.get("apiVersion"), config.data.get("kind")
    if api_version not in accepted:
        where = ("apiVersion",) if "apiVersion" in config.data else ()
        written = f"`{api_version}`" if api_version is not None else "no apiVersion"
        yield Hit(where, f"EndpointPickerConfig with {written}: the EPP of {scenario.release.label} decodes only "
                         f"{' or '.join(f'`{a}`' for a in accepted)}; set `apiVersion: {accepted[0]}`")
    if kind != spec["epc_kind"]:
        where = ("kind",) if "kind" in config.data else ()
        yield Hit(where, f"the config's kind must be `{spec['epc_kind']}` (found {kind!r})")


def _unknown_keys(node: Any, allowed: list[str], path: tuple[str | int, ...], what: str,
                  scenario: Scenario) -> Iterator[Hit]:
    if not isinstance(node, dict):
        return
    renames = versions.epc_renames() if not path else {}
    for key in node:
        if key in allowed:
            continue
        message = f"unknown field `{key}` in {what}: the EPP of {scenario.release.label} decodes its config " \
                  f"strictly and exits; allowed: {', '.join(allowed)}"
        rename = renames.get(key, {})
        if rename.get("replaced_by") and scenario.release.at_least(rename["since"]):
            message = f"`{key}` was renamed `{rename['replaced_by']}` in {rename['since']}: " + message
        elif rename.get("replaces") and not scenario.release.at_least(rename["since"]):
            message = f"`{key}` arrives in {rename['since']} (before it, `{rename['replaces']}`): " + message
        yield Hit((*path, key), message)


@config_rule("GIE061", "epc-strict-schema", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_strict_schema(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Only known fields for that version (`data` vs `dataLayer`, `featureGates`, `parser`, …).

    ## Why it breaks
    The EPP decodes the config strictly; an unknown field (such as `data:` after its v1.5.0 rename to
    `dataLayer:`) makes it exit at startup.

    ## Bad
    ```yaml
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    data:
      sources: []
    ```

    ## Good
    ```yaml
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    dataLayer:
      sources: []
    ```

    ## Fix
    Use the field names of your release (see the release notes in the message).
    """
    spec = scenario.release.epc()
    if spec is None:
        return
    if config.error is not None:
        yield Hit(("<error>",), f"the EndpointPickerConfig is not valid YAML ({config.error}); the EPP cannot start")
        return
    data = config.data
    if not isinstance(data, dict):
        return
    yield from _unknown_keys(data, spec["fields"], (), "the EndpointPickerConfig", scenario)
    for field, item_fields, what in (("plugins", spec["plugin_fields"], "a plugin"),
                                     ("schedulingProfiles", spec["profile_fields"], "a scheduling profile")):
        items = data.get(field)
        if elided(items):
            continue
        if items is not None and not isinstance(items, list):
            yield Hit((field,), f"`{field}` must be a list")
            continue
        for index, item in enumerate(as_list(items)):
            if elided(item):
                continue
            if not isinstance(item, dict):
                yield Hit((field, index), f"each `{field}` entry must be a mapping")
                continue
            yield from _unknown_keys(item, item_fields, (field, index), what, scenario)
            if field == "schedulingProfiles":
                for ref_index, ref in enumerate(as_list(item.get("plugins"))):
                    yield from _unknown_keys(ref, spec["profile_plugin_fields"],
                                             (field, index, "plugins", ref_index), "a profile's plugin reference",
                                             scenario)


