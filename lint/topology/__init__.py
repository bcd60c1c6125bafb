"""The topology stage: a scenario's objects resolved once into typed, indexed views (see `resolve`)."""

from gie_lint.topology.resolve import Topology, applied, resolve

__all__ = ["Topology", "applied", "resolve"]
