"""GIE050–GIE052: what the EPP's ServiceAccount may do, read from the scenario's RBAC (lint/topology/rbac.py).

The rules speak only when the linted files hold the EPP's RBAC: some role bound to its account that
grants what an EPP watches (pods, pools, objectives…). With none, the permissions are defined
elsewhere and nothing can be said. When part of the account's permissions is invisible (a roleRef to
a role outside the files, an aggregated ClusterRole, placeholders) the rules stay silent too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gie_lint.releases import rbac_needs
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_RBAC050, APPLIES_RBAC051
from gie_lint.shape import strings
from gie_lint.source.resources import Resource
from gie_lint.topology.eppargs import EppArgs
from gie_lint.topology.epps import Epp, pool_namespace, watched_pool_group
from gie_lint.topology.model import Container, Workload, string_map
from gie_lint.topology.rbac import Account, PolicyRule, Rbac
from gie_lint.topology.workloads import WORKLOAD_KINDS

WATCHED = frozenset({"pods", "inferencepools", "inferencemodels", "inferenceobjectives", "inferencemodelrewrites"})


@dataclass(frozen=True)
class JudgedEpp:
    """An EPP of the scenario whose RBAC the files define, with its account and the scenario's RBAC."""

    epp: Epp
    account: Account
    rbac: Rbac

    @property
    def workload(self) -> Workload:
        return self.epp.workload

    @property
    def container(self) -> Container:
        return self.epp.container

    @property
    def args(self) -> EppArgs:
        return self.epp.args

    @property
    def who(self) -> str:
        return f"The EPP's ServiceAccount {self.account}"


def watch_rules(resolved: Rbac, workload: Workload) -> list[PolicyRule]:
    """Rules bound to the account (any namespace) that grant something an EPP watches."""
    return [r for r in resolved.bound_rules(workload) if r.resources & (WATCHED | {"*"})]


def judged_epps(scenario: Scenario) -> Iterator[JudgedEpp]:
    """EPP workloads whose account is bound, in the linted files, to the EPP's watch RBAC."""
    resolved = scenario.topology.rbac
    for epp in scenario.topology.epps:
        workload = epp.workload
        if not resolved.present(workload) or resolved.unknown(workload):
            continue
        if not watch_rules(resolved, workload):
            continue  # the EPP's RBAC is not among the linted files (or not bound to it: GIE052)
        if any(not flag.known and not flag.ignored for flag in epp.args.flags):
            continue  # the EPP exits on the unknown flag before RBAC matters (reported by the flag rules)
        yield JudgedEpp(epp, resolved.account(workload), resolved)


def verbs_missing(epp: JudgedEpp, group: str, resource: str, verbs: list[str], namespace: str | None) -> list[str]:
    return [v for v in verbs if not epp.rbac.allows(epp.workload, group, resource, v, namespace)]


def group_text(group: str) -> str:
    return group or '"" (core)'


def rule_text(group: str, resource: str, verbs: list[str]) -> str:
    return f'{{apiGroups: ["{group}"], resources: [{resource}], verbs: [{", ".join(verbs)}]}}'


def _anchor(epp: JudgedEpp, resource: str, was: str | None) -> tuple[PolicyRule | None, str]:
    """Where to point: a rule naming the resource (wrong group or verbs), else its predecessor, else the role."""
    rules = watch_rules(epp.rbac, epp.workload)
    for wanted in (resource, was):
        for rule in rules:
            if wanted and rule.mentions(wanted):
                groups = ", ".join(sorted(group_text(g) for g in rule.groups))
                note = (f"; {rule.role.kind} {rule.role.name} grants {wanted} in {groups} with verbs "
                        f"{', '.join(sorted(rule.verbs))}") if wanted == resource else \
                    f"; {rule.role.kind} {rule.role.name} still grants {wanted}, which {resource} replaced"
                return rule, note
    return (rules[0] if rules else None), ""


# GIE050 ---------------------------------------------------------------------------------------------

def _kind_in_use(scenario: Scenario, kind: str, plural: str, group: str) -> bool:
    """Does the scenario show the CRD installed (objects of the kind, or the CRD itself)?"""
    topology = scenario.topology
    return topology.has_kind(kind) or topology.named("CustomResourceDefinition", "", f"{plural}.{group}") is not None


@scenario_rule("GIE050", "epp-rbac-watch", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_RBAC050)
def epp_rbac_watch(scenario: Scenario) -> Iterator[Hit]:
    """The EPP's ServiceAccount may get/list/watch, in the pool namespace, everything its release watches: pods,
    inferencepools in the group it watches pools in, and inferencemodels (v0.x), inferenceobjectives (v1.x) and
    inferencemodelrewrites (v1.3+).

    ## Why it breaks
    The EPP reads these through informers. A forbidden list/watch keeps the cache from syncing, so the EPP never
    becomes Ready (or its manager exits). The classic case is a pool moved to inference.networking.k8s.io/v1
    while the Role still grants inferencepools only in the x-k8s group. From v1.1 objectives and rewrites are
    watched only when their CRD is installed: without such objects in the files a missing grant is a warning.

    ## Bad
    ```yaml
    # pool: inference.networking.k8s.io/v1
    rules:
    - {apiGroups: [inference.networking.x-k8s.io], resources: [inferencepools], verbs: [get, watch, list]}
    ```

    ## Good
    ```yaml
    rules:
    - {apiGroups: [inference.networking.k8s.io], resources: [inferencepools], verbs: [get, watch, list]}
    ```

    ## Fix
    Add the missing rule to a Role in the pool namespace (or a ClusterRole) bound to the EPP's ServiceAccount.
    """
    verbs: list[str] = rbac_needs.needs_table()["watch_verbs"]
    for epp in judged_epps(scenario):
        table = rbac_needs.needs(epp.epp.release)
        namespace = pool_namespace(epp.epp).value
        if namespace is None:
            continue
        pool_group = watched_pool_group(epp.epp)
        pool_name = epp.args.value("pool-name")
        named = scenario.topology.pools_named(namespace, pool_name) if pool_name is not None else []
        pool = named[0] if named else None
        standalone = bool(epp.args.value("endpoint-selector"))
        for need in table["watch"]:
            if "modes" in need and ("standalone" if standalone else "pool") not in need["modes"]:
                continue  # e.g. standalone mode (--endpoint-selector) watches no pools or objectives
            group = pool_group if need["group"] == "pool" else need["group"]
            if group is None or (need["group"] == "pool" and pool is not None and pool.resource.group != group):
                continue  # unknowable, or the EPP watches another group than its pool's (a different defect)
            resource = need["resource"]
            missing = verbs_missing(epp, group, resource, verbs, namespace)
            if missing and any(not verbs_missing(epp, g, resource, verbs, namespace)
                               for g in need.get("fallback_groups", ())):
                continue  # the EPP falls back to the older group, which is granted
            if not missing:
                continue
            severity = None
            condition = ""
            if need["when"] == "installed" and not _kind_in_use(scenario, need.get("kind", ""), resource, group):
                severity = Severity.WARNING
                condition = f" once the {need.get('kind', resource)} CRD is installed (the standard install ships it)"
            rule, note = _anchor(epp, resource, need.get("was"))
            if rule is None:
                continue
            elsewhere = [v for v in missing if any(r.grants(group, resource, v) for r in epp.rbac.bound_rules(
                epp.workload))]
            where = f" (it is granted only in another namespace; the EPP watches {namespace})" if elsewhere else ""
            yield Hit(rule.path, f"{epp.who} may not {'/'.join(missing)} {resource} in group "
                      f"{group_text(group)} in namespace {namespace}{where}{note}. Its informer is forbidden"
                      f"{condition}, the cache never syncs and the EPP never becomes Ready; grant "
                      f"{rule_text(group, resource, verbs)} in namespace {namespace}",
                      severity=severity, target=rule.role)


# GIE051 ---------------------------------------------------------------------------------------------

_MONITOR_KINDS = ("ServiceMonitor", "PodMonitor", "PodMonitoring", "ClusterPodMonitoring")


class _Monitors:
    """Monitors by the namespaces they watch (`namespaceSelector.matchNames`, else their own)."""

    def __init__(self, monitors: Iterable[Resource]) -> None:
        self.everywhere: list[Resource] = []
        self.by_namespace: dict[str, list[Resource]] = {}
        for monitor in monitors:
            if monitor.kind == "ClusterPodMonitoring":
                self.everywhere.append(monitor)
                continue
            names = monitor.get("spec", "namespaceSelector", "matchNames")
            for namespace in set(strings(names)) if isinstance(names, list) else {monitor.namespace}:
                self.by_namespace.setdefault(namespace, []).append(monitor)

    def near(self, namespace: str) -> list[Resource]:
        return self.everywhere + self.by_namespace.get(namespace, [])


def _targets(monitor: Resource, epp: JudgedEpp, scenario: Scenario) -> bool:
    """A ServiceMonitor selecting a Service of the EPP's pods, or a PodMonitoring selecting the pods."""
    selector = string_map(monitor.get("spec", "selector", "matchLabels"))
    if not selector:
        return False
    names = monitor.get("spec", "namespaceSelector", "matchNames")
    namespaces = set(strings(names)) if isinstance(names, list) else {monitor.namespace}
    if monitor.kind in ("PodMonitoring", "ClusterPodMonitoring", "PodMonitor"):
        near = monitor.kind == "ClusterPodMonitoring" or epp.workload.namespace in namespaces
        return near and selector.items() <= epp.workload.labels.items()
    for service in scenario.topology.services_in(epp.workload.namespace):
        labels = string_map(service.get("metadata", "labels")) or {}
        if epp.workload.namespace in namespaces and selector.items() <= labels.items() \
                and epp.workload in scenario.topology.epp_workloads(service):
            return True
    return False


@scenario_rule("GIE051", "epp-rbac-metrics-auth", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_RBAC051)
def epp_rbac_metrics_auth(scenario: Scenario) -> Iterator[Hit]:
    """With metrics authentication on (always before v1.1; `--metrics-endpoint-auth`, default true, from v1.1), the
    EPP's ServiceAccount may create tokenreviews and subjectaccessreviews.

    ## Why it breaks
    The EPP protects /metrics with controller-runtime's authn/authz filter, which asks the API server about
    every caller. Without these cluster-wide grants each scrape fails with 401/403/500 and the EPP exports
    nothing. It is an error when a ServiceMonitor or PodMonitoring in the files targets the EPP.

    ## Bad
    ```yaml
    # EPP bound only to a Role with pods and inferencepools; no tokenreviews grant
    ```

    ## Good
    ```yaml
    kind: ClusterRole
    rules:
    - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
    - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
    ```

    ## Fix
    Bind a ClusterRole with these two rules to the EPP's ServiceAccount through a ClusterRoleBinding, or turn
    metrics authentication off with `--metrics-endpoint-auth=false` (v1.1+).
    """
    grants: list[dict[str, Any]] = rbac_needs.needs_table()["metrics_auth_grants"]
    monitors = _Monitors(scenario.topology.of_kind(*_MONITOR_KINDS))
    for epp in judged_epps(scenario):
        mode = rbac_needs.needs(epp.epp.release)["metrics_auth"]
        if mode == "never":
            continue  # this EPP (lwepp) serves /metrics without authentication
        if isinstance(mode, dict) and (epp.args.opaque or not epp.args.enabled(mode["flag"])):
            continue  # auth is switched off, or the command line cannot be read
        missing = [g for g in grants if verbs_missing(epp, g["group"], g["resource"], g["verbs"], None)]
        if not missing:
            continue
        scraped = any(_targets(m, epp, scenario) for m in monitors.near(epp.workload.namespace))
        what = " and ".join(f"{g['verbs'][0]} {g['resource']}.{g['group']}" for g in missing)
        off = " or pass `--metrics-endpoint-auth=false`" if isinstance(mode, dict) else ""
        yield Hit(epp.account.path, f"{epp.who} may not {what} (cluster-wide: only a ClusterRoleBinding grants "
                  f"them). The EPP authenticates every /metrics request with them, so scrapes get 401/403/500"
                  f"{' and the monitor targeting it fails' if scraped else ''}; bind a ClusterRole granting "
                  f"{'; '.join(rule_text(g['group'], g['resource'], g['verbs']) for g in missing)}{off}",
                  severity=Severity.ERROR if scraped else None, target=epp.workload.resource)


