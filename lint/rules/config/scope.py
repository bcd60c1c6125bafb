"""Which plugin registry judges a config (shared by the EndpointPickerConfig rules; not a rule module)."""

from __future__ import annotations

from lint.rules.api import Scenario
from lint.topology import config_wiring
from lint.topology.configs import EmbeddedConfig


def upstream_registry_applies(config: EmbeddedConfig, scenario: Scenario, *, strict: bool = True) -> bool:
    """Does the upstream GIE plugin registry judge this config? (see `config_wiring.upstream_registry_applies`)"""
    here = [c for epp in scenario.topology.epps_in(config.host.namespace) for c in epp.workload.containers]
    return config_wiring.upstream_registry_applies(config, scenario.topology.wiring, here, strict=strict)
