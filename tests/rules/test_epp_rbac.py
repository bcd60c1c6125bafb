"""The RBAC resolution (lint/topology/rbac.py) and the GIE041/GIE050/GIE051 severity variants fixtures cannot hold."""

from __future__ import annotations

from pathlib import Path

from gie_lint.engine import run as engine
from gie_lint.releases import versions
from gie_lint.result import Finding, Severity
from gie_lint.source.files import read
from gie_lint.source.resources import extract
from gie_lint.topology import Topology, resolve

EPP = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: epp, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: epp}}}}
  template:
    metadata: {{labels: {{app: epp}}}}
    spec:
      {sa}
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:{tag}
        args: [--pool-name=p, --pool-namespace={ns}{args}]
"""
WATCH = """
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: watch}
rules:
- {apiGroups: ["inference.networking.k8s.io"], resources: [inferencepools], verbs: [get, list, watch]}
- {apiGroups: ["inference.networking.x-k8s.io"], resources: [inferenceobjectives], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
"""


def _binding(kind: str, name: str, role_kind: str, role: str, subject: str, ns: str = "a") -> str:
    meta = f"{{name: {name}, namespace: {ns}}}" if kind == "RoleBinding" else f"{{name: {name}}}"
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {meta}\nsubjects: [{subject}]\n"
            f"roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_kind}, name: {role}}}\n")


def _epp(ns: str = "a", sa: str = "", tag: str = "v1.4.0", args: str = "") -> str:
    return EPP.format(ns=ns, sa=f"serviceAccountName: {sa}" if sa else "", tag=tag, args=args)


def _write(tmp_path: Path, *docs: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text("\n---\n".join(docs))
    return path


def _context(tmp_path: Path, *docs: str, tag: str = "v1.4.0") -> Topology:
    resources = list(extract(read(str(_write(tmp_path, *docs)), {}, None), "default"))
    return resolve(resources, versions.release(tag))


def _findings(tmp_path: Path, *docs: str, tag: str = "v1.4.0") -> list[Finding]:
    spec = engine.ScenarioSpec("t", (str(_write(tmp_path, *docs)),), gie_version=tag)
    return [f for f in engine.run([spec]).result.findings if f.rule_id in ("GIE041", "GIE050", "GIE051", "GIE052")]


def test_allows_honours_wildcards_scopes_and_resource_names(tmp_path: Path) -> None:
    role = """
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
- {apiGroups: ["*"], resources: [inferencepools], verbs: ["*"]}
- {apiGroups: [""], resources: ["*"], verbs: [get]}
- {apiGroups: [""], resources: [pods], resourceNames: [x], verbs: [list, watch]}
"""
    ctx = _context(tmp_path, _epp(sa="epp"), role,
                   _binding("RoleBinding", "b", "ClusterRole", "r", "{kind: ServiceAccount, name: epp}"))
    resolved = ctx.rbac
    workload = ctx.workloads[0]
    assert resolved.allows(workload, "inference.networking.k8s.io", "inferencepools", "watch", "a")
    assert resolved.allows(workload, "", "pods", "get", "a")
    assert not resolved.allows(workload, "", "pods", "list", "a")  # resourceNames never grants list
    assert not resolved.allows(workload, "", "pods", "get", "b")  # a RoleBinding grants in its namespace only
    assert not resolved.allows(workload, "authentication.k8s.io", "tokenreviews", "create", None)


def test_subjects_groups_and_cluster_bindings(tmp_path: Path) -> None:
    ctx = _context(tmp_path, _epp(), WATCH,
                   _binding("ClusterRoleBinding", "c", "ClusterRole", "watch",
                            "{kind: Group, name: 'system:serviceaccounts:a'}"))
    workload = ctx.workloads[0]
    assert ctx.rbac.allows(workload, "", "pods", "list", "anywhere")
    other = _context(tmp_path, _epp(), WATCH, _binding("ClusterRoleBinding", "c", "ClusterRole", "watch",
                                                       "{kind: ServiceAccount, name: default}"))
    assert not other.rbac.allows(other.workloads[0], "", "pods", "list", "a")  # namespace required


def test_aggregated_or_missing_roles_are_unknown(tmp_path: Path) -> None:
    aggregated = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\n" \
                 "aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: y}}]}\nrules: []\n"
    ctx = _context(tmp_path, _epp(), aggregated,
                   _binding("RoleBinding", "b", "ClusterRole", "agg", "{kind: ServiceAccount, name: default}"))
    assert ctx.rbac.unknown(ctx.workloads[0])
    ctx = _context(tmp_path, _epp(), _binding("RoleBinding", "b", "Role", "elsewhere",
                                              "{kind: ServiceAccount, name: default}"))
    assert ctx.rbac.unknown(ctx.workloads[0])
    assert not _findings(tmp_path, _epp(), WATCH.replace("pods", "secrets"), aggregated,
                         _binding("RoleBinding", "b", "ClusterRole", "watch", "{kind: ServiceAccount, name: default}"),
                         _binding("RoleBinding", "b2", "ClusterRole", "agg", "{kind: ServiceAccount, name: default}"))


def test_rewrites_missing_is_a_warning_unless_the_scenario_uses_them(tmp_path: Path) -> None:
    docs = (_epp(args=", --metrics-endpoint-auth=false"), WATCH,
            _binding("RoleBinding", "b", "ClusterRole", "watch", "{kind: ServiceAccount, name: default}"))
    found = _findings(tmp_path, *docs)
    assert [(f.rule_id, f.severity) for f in found] == [("GIE050", Severity.WARNING)]
    assert "inferencemodelrewrites" in found[0].message
    rewrite = ("apiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferenceModelRewrite\n"
               "metadata: {name: r, namespace: a}\nspec: {poolRef: {name: p}}\n")
    found = _findings(tmp_path, *docs, rewrite)
    assert [(f.rule_id, f.severity) for f in found if f.rule_id == "GIE050"] == [("GIE050", Severity.ERROR)]
    assert not _findings(tmp_path, *docs, tag="v1.2.0")  # v1.2.0 ships the CRD but does not watch it


def test_pool_group_follows_the_flag(tmp_path: Path) -> None:
    docs = (_epp(tag="v1.0.0", args=", --pool-group=inference.networking.x-k8s.io, --config-text=x"),
            WATCH.replace('"inference.networking.k8s.io"', '"inference.networking.x-k8s.io"'),
            _binding("RoleBinding", "b", "ClusterRole", "watch", "{kind: ServiceAccount, name: default}"),
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: auth}\nrules:\n"
            "- {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}\n"
            "- {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}\n",
            _binding("ClusterRoleBinding", "auth", "ClusterRole", "auth",
                     "{kind: ServiceAccount, name: default, namespace: a}"))
    assert not _findings(tmp_path, *docs, tag="v1.0.0")


def test_metrics_auth_is_an_error_when_a_monitor_scrapes_the_epp(tmp_path: Path) -> None:
    docs = (_epp(), WATCH.replace("inferenceobjectives", "inferenceobjectives, inferencemodelrewrites"),
            _binding("RoleBinding", "b", "ClusterRole", "watch", "{kind: ServiceAccount, name: default}"))
    assert [(f.rule_id, f.severity) for f in _findings(tmp_path, *docs)] == [("GIE051", Severity.WARNING)]
    monitor = ("apiVersion: monitoring.googleapis.com/v1\nkind: PodMonitoring\nmetadata: {name: m, namespace: a}\n"
               "spec: {selector: {matchLabels: {app: epp}}, endpoints: [{port: 9090}]}\n")
    assert [(f.rule_id, f.severity) for f in _findings(tmp_path, *docs, monitor)] == [("GIE051", Severity.ERROR)]


def test_leader_election_without_events_is_a_warning(tmp_path: Path) -> None:
    lease = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: le, namespace: a}\nrules:\n"
             "- {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}\n")
    docs = (_epp(args=", --metrics-endpoint-auth=false, --ha-enable-leader-election"),
            WATCH.replace("inferenceobjectives", "inferenceobjectives, inferencemodelrewrites"), lease,
            _binding("RoleBinding", "b", "ClusterRole", "watch", "{kind: ServiceAccount, name: default}"),
            _binding("RoleBinding", "le", "Role", "le", "{kind: ServiceAccount, name: default}"))
    found = _findings(tmp_path, *docs)
    assert [(f.rule_id, f.severity) for f in found] == [("GIE041", Severity.WARNING)]
    assert "events" in found[0].message
