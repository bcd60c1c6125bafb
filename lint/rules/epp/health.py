"""GIE036: the EPP's gRPC probes name services its health server answers (per release line and leader election)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gie_lint.releases import catalog, versions
from gie_lint.releases.versions import Release
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_EPP
from gie_lint.rules.epp.container import grpc_probes
from gie_lint.topology import eppargs
from gie_lint.topology.epps import Epp
from gie_lint.topology.workloads import WORKLOAD_KINDS

# GIE036 ---------------------------------------------------------------------------------------------

_READINESS_OK = ("readiness", "", "envoy.service.ext_proc.v3.ExternalProcessor")


@scenario_rule("GIE036", "epp-probe-service-names", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_probe_service_names(scenario: Scenario) -> Iterator[Hit]:
    """With leader election, liveness probes service `liveness` and readiness probes `readiness`.

    ## Why it breaks
    With --ha-enable-leader-election the health server answers `liveness` on every replica, `readiness` (and
    `""` / the ext_proc service name) only on the synced leader, and SERVICE_UNKNOWN for any other name. A
    liveness probe on anything but `liveness` restarts non-leaders forever.

    ## Bad
    ```yaml
    livenessProbe: {grpc: {port: 9003, service: envoy.service.ext_proc.v3.ExternalProcessor}}
    ```

    ## Good
    ```yaml
    livenessProbe: {grpc: {port: 9003, service: liveness}}
    readinessProbe: {grpc: {port: 9003, service: readiness}}
    ```

    ## Fix
    Use `liveness` for the liveness probe and `readiness` for the readiness probe.
    """
    for epp in scenario.topology.readable_epps():
        health = _health(epp.release)
        if health is not None:
            yield from _by_health_table(epp, health)
            continue
        workload, container, args = epp.workload, epp.container, epp.args
        if not epp.release.reached("health_services_split") or not args.enabled("ha-enable-leader-election"):
            continue  # v0.x accepts any service name
        for probe, grpc in grpc_probes(container):
            service = grpc.get("service", "")
            if not isinstance(service, str) or eppargs.is_placeholder(service):
                continue
            where = (*container.path, probe, "grpc", "service") if "service" in grpc else \
                (*container.path, probe, "grpc")
            if probe == "livenessProbe" and service != "liveness":
                why = "unknown to the health server (SERVICE_UNKNOWN, even on the leader)" \
                    if service not in _READINESS_OK else "NOT_SERVING on non-leaders, so they restart forever"
                yield Hit(where, f"with leader election, liveness service `{service}` is {why}; use "
                          "`service: liveness`", target=workload.resource)
            elif probe != "livenessProbe" and service not in (*_READINESS_OK, "liveness"):
                yield Hit(where, f"with leader election, {probe} service `{service}` is unknown to the health "
                          "server (SERVICE_UNKNOWN, even on the leader); use `service: readiness`",
                          target=workload.resource)


def _health(release: Release) -> dict[str, Any] | None:
    """The release's gRPC health table (data: `health` in the line's releases.yaml), when its line records one."""
    table = catalog.document(release.line.project, "releases").get("health")
    found: dict[str, Any] | None = versions.in_force(table, release) if table else None
    return found


def _by_health_table(epp: Epp, health: dict[str, Any]) -> Iterator[Hit]:
    """Probe services judged by what the release's health server answers for each name (`*`: any other)."""
    workload, container = epp.workload, epp.container
    le = epp.leader_election.on
    if le is None:
        return
    services: dict[str, str] = health.get("le_services", health["services"]) if le else health["services"]
    for probe, grpc in grpc_probes(container):
        service = grpc.get("service", "")
        if not isinstance(service, str) or eppargs.is_placeholder(service):
            continue
        verdict = services.get(service, services.get("*", "unknown"))
        where = (*container.path, probe, "grpc", "service") if "service" in grpc else (*container.path, probe, "grpc")
        answered = ", ".join(f"`{name}`" for name in services if name not in ("*", ""))
        if verdict == "unknown":
            yield Hit(where, f"{probe} service `{service}` is unknown to the health server of {epp.release.label} "
                      f"(SERVICE_UNKNOWN), so the probe always fails; it answers {answered or 'the empty name'}",
                      target=workload.resource)
        elif verdict == "leader" and probe == "livenessProbe":
            yield Hit(where, f"with leader election, liveness service `{service}` is NOT_SERVING on non-leaders "
                      f"of {epp.release.label}, so they restart forever; use `service: liveness`",
                      target=workload.resource)
