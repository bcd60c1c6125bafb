"""Which plugin registry judges a config (shared by the EndpointPickerConfig rules; not a rule module). The registry
of each release is `gie_lint.releases.plugins`, computed once per release there."""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.rules.api import Scenario
from gie_lint.topology import config_wiring
from gie_lint.topology.configs import EmbeddedConfig
from gie_lint.topology.model import Container


def upstream_registry_applies(config: EmbeddedConfig, scenario: Scenario, *, strict: bool = True) -> bool:
    """Does the upstream GIE plugin registry judge this config? (see `config_wiring.upstream_registry_applies`)"""

    def here() -> Iterator[Container]:  # the namespace's EPP containers, read only when no loader is known
        for epp in scenario.topology.epps_in(config.host.namespace):
            yield from epp.workload.containers

    return config_wiring.upstream_registry_applies(config, scenario.topology.wiring, here(), strict=strict)
