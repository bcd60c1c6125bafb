"""Which plugin registry judges a config, and that registry per release (shared by the EndpointPickerConfig rules;
not a rule module)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from lint.releases import plugins as epc_facts
from lint.releases.versions import Release
from lint.rules.api import Scenario
from lint.topology import config_wiring
from lint.topology.configs import EmbeddedConfig
from lint.topology.model import Container

T = TypeVar("T")


class _PerRelease(Generic[T]):
    """A release fact computed once per `Release` object, not once per config and rule (the rules of a scenario
    all ask about its one release). The value is shared: callers only read it."""

    def __init__(self, compute: Callable[[Release], T]) -> None:
        self._compute = compute
        self._last: tuple[Release, T] | None = None

    def __call__(self, release: Release) -> T:
        last = self._last
        if last is None or last[0] is not release:
            last = self._last = (release, self._compute(release))
        return last[1]


registered: _PerRelease[dict[str, list[str]]] = _PerRelease(epc_facts.registered)  # type → roles
references: _PerRelease[list[dict[str, Any]]] = _PerRelease(epc_facts.references)


def roles(release: Release, plugin_type: str) -> list[str] | None:
    """`lint.releases.plugins.roles`, from the memoised registry."""
    return registered(release).get(plugin_type)


def upstream_registry_applies(config: EmbeddedConfig, scenario: Scenario, *, strict: bool = True) -> bool:
    """Does the upstream GIE plugin registry judge this config? (see `config_wiring.upstream_registry_applies`)"""

    def here() -> Iterator[Container]:  # the namespace's EPP containers, read only when no loader is known
        for epp in scenario.topology.epps_in(config.host.namespace):
            yield from epp.workload.containers

    return config_wiring.upstream_registry_applies(config, scenario.topology.wiring, here(), strict=strict)
