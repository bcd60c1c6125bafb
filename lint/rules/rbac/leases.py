"""GIE041: an EPP with leader election on may manage its lease (and record events) in the pool namespace.

The lease lives in the pool namespace (`controller_manager.go`: lease namespace = pool namespace), so
the grant must apply there. Like the other RBAC rules this speaks only when the linted files hold the
EPP's RBAC (rules/epp_rbac.py `judged_epps`).
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.releases import rbac_needs
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_LE
from gie_lint.rules.rbac.watch import judged_epps, rule_text, verbs_missing
from gie_lint.topology.epps import pool_namespace
from gie_lint.topology.workloads import WORKLOAD_KINDS


@scenario_rule("GIE041", "epp-le-rbac", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_LE)
def epp_le_rbac(scenario: Scenario) -> Iterator[Hit]:
    """With `--ha-enable-leader-election`, the EPP's ServiceAccount may manage coordination.k8s.io leases (upstream
    grants get/list/watch/create/update/patch/delete) and create/patch events in the pool namespace.

    ## Why it breaks
    controller-runtime's leader election keeps a Lease in the pool namespace. Without get, create and update on
    it no replica ever acquires it, so none becomes leader and the EPP is never Ready (only those verbs are
    reported). Without the events grant the election works but its events are rejected (reported as a warning).

    ## Bad
    ```yaml
    args: [--ha-enable-leader-election]
    # no Role with coordination.k8s.io leases bound to the EPP's account
    ```

    ## Good
    ```yaml
    kind: Role
    rules:
    - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, list, watch, create, update, patch, delete]}
    - {apiGroups: [""], resources: [events], verbs: [create, patch]}
    ```

    ## Fix
    Add a Role with these rules in the pool namespace and bind it to the EPP's ServiceAccount.
    """
    spec = rbac_needs.needs_table()["leader_election"]
    for epp in judged_epps(scenario):
        if epp.args.opaque or not epp.args.enabled(spec["flag"]):
            continue
        namespace = pool_namespace(epp.epp).value
        if namespace is None:
            continue
        gaps = []  # (need, verbs missing)
        for need in spec["grants"]:
            missing = verbs_missing(epp, need["group"], need["resource"], need.get("essential", need["verbs"]),
                                    namespace)
            if missing:
                gaps.append((need, missing))
        if not gaps:
            continue
        # The lease decides (error); events alone are best effort (the data marks them a warning).
        fatal = [g for g in gaps if "severity" not in g[0]]
        severity = None if fatal else Severity.parse(gaps[0][0]["severity"])
        effect = ("the lease cannot be taken and renewed, so no replica stays leader and the EPP is not Ready" if fatal
                  else "the lease works, but its events are rejected and logged")
        flag = epp.args.get(spec["flag"])
        missing_text = " and ".join(f"{'/'.join(verbs)} {need['resource']}"
                                    f"{'.' + need['group'] if need['group'] else ''}" for need, verbs in gaps)
        text = (f"leader election is on (`{flag.written if flag else '--' + spec['flag']}`), but the EPP's "
                f"ServiceAccount {epp.account} may not {missing_text} in the pool namespace {namespace}: {effect}; "
                f"grant {'; '.join(rule_text(n['group'], n['resource'], n['verbs']) for n, _ in gaps)} there")
        resource = (fatal or gaps)[0][0]["resource"]
        rule = next((r for r in epp.rbac.bound_rules(epp.workload) if r.mentions(resource)), None)
        if rule is not None:
            yield Hit(rule.path, text, severity=severity, target=rule.role)
        elif flag is not None:
            yield Hit(flag.path, text, severity=severity, target=epp.workload.resource)


