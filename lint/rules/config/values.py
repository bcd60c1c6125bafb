"""GIE066, GIE068: EndpointPickerConfig values the EPP of a release rejects (feature gates, weight types)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from gie_lint.releases import plugins as epc_facts
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, config_rule
from gie_lint.rules.applies import APPLIES_CONFIG
from gie_lint.source.placeholders import unresolved
from gie_lint.topology import epc_view
from gie_lint.topology.configs import EmbeddedConfig

# GIE066 ---------------------------------------------------------------------------------------------

def _gate_message(gate: str, scenario: Scenario) -> str:
    release = scenario.release
    known = epc_facts.feature_gates(release)
    base = f"feature gate `{gate}` is not registered in the EPP of {release.label}, which exits at startup " \
           f"(\"feature gate '{gate}' is unknown or unregistered\")"
    entry = epc_facts.feature_gate_entry(gate, release)
    if entry is not None and "until" in entry and release.at_least(entry["until"]):
        return f"{base}: it was removed in {entry['until']}; drop it"
    if entry is not None and not release.at_least(entry["since"]):
        return f"{base}: it arrives in {entry['since']}; drop it or upgrade the EPP"
    close = difflib.get_close_matches(gate, known, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`?" if close else f"registered: {', '.join(known)}"
    return f"{base}; {hint}"


@config_rule("GIE066", "epc-feature-gates", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_feature_gates(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Every `featureGates` entry is registered in the EPP of that release.

    ## Why it breaks
    The loader checks each gate against the registered ones and stops with "feature gate … is unknown or
    unregistered". The set changed: `prepareDataPlugins` exists only in v1.3–v1.4, `enableLegacyMetrics` only
    from v1.5.0.

    ## Bad
    ```yaml
    featureGates:
    - prepareDataPlugins   # on v1.5.0+
    ```

    ## Good
    ```yaml
    featureGates:
    - flowControl
    ```

    ## Fix
    Use only the gates of your release (the message lists them or names the change).
    """
    spec = scenario.release.epc()
    if spec is None or "featureGates" not in spec["fields"] or not isinstance(config.data, dict):
        return  # on releases without the field, GIE061 reports it
    known = epc_facts.feature_gates(scenario.release)
    for path, gate in epc_view.walk(config.data, ["featureGates", "*"]):
        if isinstance(gate, str) and gate not in known and not unresolved(gate):
            yield Hit(path, _gate_message(gate, scenario))


# GIE068 ---------------------------------------------------------------------------------------------

@config_rule("GIE068", "epc-weight-type", Severity.ERROR,
    applies=APPLIES_CONFIG)
def epc_weight_type(config: EmbeddedConfig, scenario: Scenario) -> Iterator[Hit]:
    """Profile plugin weights are numbers, and whole numbers up to v1.3.x.

    ## Why it breaks
    Until v1.4.0 `weight` is an `*int`: decoding `0.5` fails and the EPP exits. From v1.4.0 it is a `*float64`.
    A quoted weight is a string and fails on every release.

    ## Bad
    ```yaml
    # GIE v1.3.0
    plugins:
    - pluginRef: queue-scorer
      weight: 0.5
    ```

    ## Good
    ```yaml
    # GIE v1.3.0
    plugins:
    - pluginRef: queue-scorer
      weight: 1
    ```

    ## Fix
    Use whole-number weights on releases before v1.4.0, and never quote them.
    """
    if scenario.release.epc() is None or not isinstance(config.data, dict):
        return
    floats_since = epc_facts.fact("float_weights_since", scenario.release)
    floats = floats_since is None or scenario.release.at_least(floats_since)
    for path, weight in epc_view.walk(config.data, ["schedulingProfiles", "*", "plugins", "*", "weight"]):
        if weight is None or isinstance(weight, bool) or isinstance(weight, int):
            if isinstance(weight, bool):
                yield Hit(path, f"`weight: {weight}` is a boolean; the weight is a number; write e.g. `weight: 1`")
            continue
        if isinstance(weight, float):
            if not floats and not weight.is_integer():
                yield Hit(path, f"`weight: {weight}` is fractional, but the EPP of {scenario.release.label} decodes "
                                f"weights as integers (fractions from {floats_since}) and "
                                f"exits; use a whole number (scale the other weights)")
            continue
        if isinstance(weight, str) and unresolved(weight):
            continue
        yield Hit(path, f"`weight: {weight!r}` is not a number; the strict decoder rejects it and the EPP exits; "
                        f"write it unquoted, e.g. `weight: 2`")


