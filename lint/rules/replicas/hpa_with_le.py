"""GIE047: an HPA on a leader-election EPP adds standbys, not capacity."""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_LE
from gie_lint.rules.replicas.leader_election import _LE, epp_objects
from gie_lint.topology.workloads import WORKLOAD_KINDS

# GIE047 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE047", "epp-hpa-with-le", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_LE)
def epp_hpa_with_le(scenario: Scenario) -> Iterator[Hit]:
    """No HorizontalPodAutoscaler scales an EPP that runs with leader election.

    ## Why it breaks
    With leader election exactly one EPP replica is Ready and schedules every request; the others wait for the
    lease. Scaling out adds standbys, not throughput, and the idle standbys dilute the utilisation the HPA
    averages, so it reacts to the wrong signal.

    ## Bad
    ```yaml
    kind: HorizontalPodAutoscaler
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: my-epp}
    # my-epp args: --ha-enable-leader-election
    ```

    ## Good
    ```yaml
    # no HPA on the EPP; fixed replicas: 3 with leader election (1 active, 2 standbys)
    ```

    ## Fix
    Delete the HPA, set a fixed replica count for failover, and size the EPP's CPU for the load.
    """
    for epp, replicas in epp_objects(scenario):
        workload, le = epp.workload, epp.leader_election
        if le.on is True and replicas.hpa is not None:
            yield Hit(("spec", "scaleTargetRef"), f"this HPA scales EPP {workload.resource.ref}, which runs with "
                      f"{_LE}: only the leader schedules, so added replicas are standbys, not capacity; remove the "
                      f"HPA and set a fixed spec.replicas (2-3 for failover), and give the EPP more CPU instead",
                      target=replicas.hpa.resource)


