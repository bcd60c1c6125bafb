"""GIE052: the EPP's ServiceAccount exists and is the subject of the bindings that carry the EPP's rules.

A binding grants nothing to a pod whose ServiceAccount it does not name (name *and* namespace), and a
roleRef that resolves to nothing grants nothing either. Speaks only when the linted files hold RBAC
for the EPP's account or namespace (lint/topology/rbac.py `present`).
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.rbac.watch import WATCHED
from gie_lint.source.resources import Resource
from gie_lint.topology.rbac import Account, Rbac
from gie_lint.topology.workloads import WORKLOAD_KINDS


def _carries_epp_rules(resolved: Rbac, binding: Resource) -> bool:
    role = resolved.role_of(binding)
    return role is not None and not role.opaque and any(r.resources & WATCHED for r in role.rules)


def _subjects_text(binding: Resource) -> str:
    listed = binding.get("subjects")
    parts = []
    for s in listed if isinstance(listed, list) else []:
        if isinstance(s, dict):
            namespace = s.get("namespace") or (f"{binding.namespace} (the binding's)" if binding.kind == "RoleBinding"
                                               else "<none>")
            parts.append(f"{s.get('kind')} {namespace}/{s.get('name')}")
    return ", ".join(parts) or "no subjects"


def _role_ref_problem(resolved: Rbac, binding: Resource) -> str | None:
    """A roleRef that certainly resolves to nothing (a look-alike role of the files shows the slip)."""
    ref = binding.get("roleRef")
    if not isinstance(ref, dict) or not isinstance(ref.get("name"), str) or not resolved.missing_role(binding):
        return None
    name, kind = ref["name"], ref.get("kind")
    if binding.kind == "ClusterRoleBinding" and kind == "Role":
        return f"a ClusterRoleBinding can only reference a ClusterRole, not Role {name}: the API server rejects it"
    if kind == "Role" and name in resolved.cluster_roles:
        return f"roleRef names Role {name}, but {name} is a ClusterRole: set `kind: ClusterRole`"
    if kind == "ClusterRole" and (binding.namespace, name) in resolved.roles:
        return f"roleRef names ClusterRole {name}, but {name} is a Role: set `kind: Role`"
    elsewhere = sorted(ns for ns, n in resolved.roles if n == name)
    if kind == "Role" and elsewhere:
        return (f"roleRef names Role {name}, which exists only in namespace {', '.join(elsewhere)}; a RoleBinding "
                f"in {binding.namespace} resolves Roles of its own namespace, so it grants nothing")
    return None


@scenario_rule("GIE052", "epp-serviceaccount-binding", Severity.ERROR, kinds=WORKLOAD_KINDS)
def epp_serviceaccount_binding(scenario: Scenario) -> Iterator[Hit]:
    """The EPP's `serviceAccountName` (empty means `default`) exists, is a subject (same name and namespace) of the
    RoleBinding/ClusterRoleBinding carrying the EPP's rules, and their roleRef resolves.

    ## Why it breaks
    RBAC applies to the pod's ServiceAccount only. A binding naming another account, another namespace or a role
    that does not exist grants the EPP nothing, so its informers are forbidden and it never becomes Ready; a
    missing ServiceAccount keeps the pods from being created at all.

    ## Bad
    ```yaml
    # Deployment: serviceAccountName unset (runs as `default`)
    kind: RoleBinding
    subjects: [{kind: ServiceAccount, name: vllm-epp, namespace: inference}]
    ```

    ## Good
    ```yaml
    # Deployment: serviceAccountName: vllm-epp, namespace inference
    kind: RoleBinding
    subjects: [{kind: ServiceAccount, name: vllm-epp, namespace: inference}]
    ```

    ## Fix
    Use the same ServiceAccount name and namespace in the Deployment, the ServiceAccount object and every
    binding subject; point roleRef at the Role or ClusterRole that exists.
    """
    resolved = scenario.topology.rbac
    epps = [(e.workload, resolved.account(e.workload)) for e in scenario.topology.epps]
    unclaimed = _Unclaimed(resolved, [account for _, account in epps])
    for workload, account in epps:
        if not account.judgeable or not resolved.present(workload):
            continue
        reaching = resolved.reaching(account)
        for binding in reaching:
            problem = _role_ref_problem(resolved, binding)
            if problem:
                yield Hit(("roleRef",), f"{problem} (it binds the EPP's ServiceAccount {account})", target=binding)
        yield from _missing_account(resolved, workload.resource, account, reaching)
        if resolved.unknown(workload) or any(_carries_epp_rules(resolved, b) for b in reaching):
            continue
        yield from _unbound(unclaimed, workload.resource, account)


def _missing_account(resolved: Rbac, owner: Resource, account: Account, reaching: list[Resource]) -> Iterator[Hit]:
    if not account.written or account.name == "default" or resolved.has_service_account(account):
        return
    # Only when the files manage this account's RBAC or other accounts of the namespace: else it may be
    # created elsewhere.
    if not reaching and not any(ns == account.namespace for ns, _ in resolved.service_accounts):
        return
    yield Hit(account.path, f"ServiceAccount {account} does not exist in the linted files: the ReplicaSet cannot "
              f"create EPP pods (serviceaccount \"{account.name}\" not found); create it, or name the "
              f"ServiceAccount the bindings use", target=owner)


def _meant_for(binding: Resource, account: Account) -> bool:
    """A binding plausibly written for this account: in its namespace, or a subject of its name or namespace."""
    if binding.kind == "RoleBinding":
        return binding.namespace == account.namespace
    listed = binding.get("subjects")
    return any(isinstance(s, dict) and s.get("kind") == "ServiceAccount"
               and (s.get("name") == account.name or s.get("namespace") == account.namespace)
               for s in (listed if isinstance(listed, list) else []))


class _Unclaimed:
    """Bindings that carry the EPP's rules but reach no EPP of the scenario (found once, on first use)."""

    def __init__(self, resolved: Rbac, accounts: list[Account]) -> None:
        self.resolved, self.accounts = resolved, accounts
        self._found: list[Resource] | None = None

    def bindings(self) -> list[Resource]:
        if self._found is None:
            # A binding that already serves an EPP of the scenario is not another one's.
            served = {id(b) for account in self.accounts for b in self.resolved.reaching(account)}
            self._found = [b for b in self.resolved.bindings
                           if id(b) not in served and _carries_epp_rules(self.resolved, b)]
        return self._found


def _unbound(unclaimed: _Unclaimed, owner: Resource, account: Account) -> Iterator[Hit]:
    """The files bind the EPP's rules, but to some other account."""
    candidates = [b for b in unclaimed.bindings() if _meant_for(b, account)]
    if not candidates:
        return
    listed = "; ".join(f"{b.kind} {b.name} binds {_subjects_text(b)}" for b in candidates[:3])
    message = (f"The EPP runs as ServiceAccount {account}{'' if account.written else ' (serviceAccountName unset)'}, "
               f"but no binding of the EPP's rules names it ({listed}); the rules never apply to the EPP pod. "
               f"Make the subject {{kind: ServiceAccount, name: {account.name}, namespace: {account.namespace}}} "
               f"or set serviceAccountName to the bound account")
    if len(candidates) == 1:
        yield Hit(("subjects",), message, target=candidates[0])
    else:
        yield Hit(account.path, message, target=owner)


