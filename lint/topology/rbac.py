"""The EPP's RBAC, resolved once per scenario: workload → ServiceAccount → bindings → roles → rules.

The RBAC rules (GIE041, GIE050–GIE052) ask one question, "may this workload's ServiceAccount do
verb V on resource R in namespace N?", and all read the same resolution (`Topology.rbac`, built once).
The evaluation follows the Kubernetes RBAC authorizer:

* a RoleBinding grants its role's rules in its own namespace only (it may reference a ClusterRole);
  a ClusterRoleBinding grants them everywhere, and only it grants cluster-scoped resources;
* a RoleBinding ServiceAccount subject without `namespace` means the binding's namespace; a
  ClusterRoleBinding subject must name it;
* groups `system:serviceaccounts[:<ns>]` / `system:authenticated` and user
  `system:serviceaccount:<ns>:<name>` also reach the account;
* `*` matches any group, resource or verb; a rule with `resourceNames` is ignored (it can never grant
  the list/watch an informer needs).

What the linted files cannot show makes the answer unknown rather than "no": a roleRef to a role that
is not in the files, an aggregated ClusterRole, a placeholder. Rules must not fire then (`unknown`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gie_lint.shape import JsonPath
from gie_lint.source.resources import Resource
from gie_lint.topology.eppargs import is_placeholder
from gie_lint.topology.model import Workload

RBAC_GROUP = "rbac.authorization.k8s.io"
_CACHE_KEY = "rbac"
_BINDINGS = ("RoleBinding", "ClusterRoleBinding")
# Roles the API server creates itself: a roleRef to them is not "unresolved" just because the files lack them.
_BUILTIN_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})


@dataclass(frozen=True)
class PolicyRule:
    """One entry of a role's `rules`, where it is written (`("rules", i)` of `role`)."""

    role: Resource
    path: JsonPath
    groups: frozenset[str]
    resources: frozenset[str]
    verbs: frozenset[str]
    named: bool  # has resourceNames: never grants list/watch, ignored

    def grants(self, group: str, resource: str, verb: str) -> bool:
        return (not self.named and _matches(self.groups, group) and _matches(self.resources, resource)
                and _matches(self.verbs, verb))

    def mentions(self, resource: str) -> bool:
        return resource in self.resources


def _matches(values: frozenset[str], wanted: str) -> bool:
    return "*" in values or wanted in values


@dataclass(frozen=True)
class Role:
    resource: Resource
    rules: tuple[PolicyRule, ...]
    opaque: bool  # aggregated ClusterRole or placeholders in its rules: its permissions are unknown


@dataclass(frozen=True)
class Grant:
    """A binding that reaches an account, with the role it resolves to."""

    binding: Resource
    role: Role | None  # None: the roleRef names no role of the linted files
    namespace: str | None  # a RoleBinding's namespace; None for a ClusterRoleBinding (everywhere)

    def applies_in(self, namespace: str | None) -> bool:
        """`namespace` None asks about cluster-scoped resources, which only a ClusterRoleBinding grants."""
        return self.namespace is None or self.namespace == namespace

    @property
    def known(self) -> bool:
        return self.role is not None and not self.role.opaque


@dataclass(frozen=True)
class Account:
    """The ServiceAccount a pod template runs as (`serviceAccountName`, empty → `default`)."""

    namespace: str
    name: str
    path: JsonPath  # where it is written, or the pod spec when it is not (the default)
    written: bool

    @property
    def judgeable(self) -> bool:
        return not is_placeholder(self.name) and not is_placeholder(self.namespace)

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass
class Rbac:
    """The scenario's RBAC objects, indexed by what the questions look up (subjects, namespaces, names)."""

    roles: dict[tuple[str, str], Role] = field(default_factory=dict)  # (namespace, name)
    cluster_roles: dict[str, Role] = field(default_factory=dict)
    bindings: list[Resource] = field(default_factory=list)
    service_accounts: set[tuple[str, str]] = field(default_factory=set)
    # Subject indexes: a binding is listed under every subject that may reach an account.
    _by_account: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _by_group: dict[str, list[int]] = field(default_factory=dict)
    _by_user: dict[str, list[int]] = field(default_factory=dict)
    # What `present` and `unknown` ask, per namespace / name.
    _role_namespaces: set[str] = field(default_factory=set)
    _binding_namespaces: set[str] = field(default_factory=set)  # of RoleBindings
    _subject_namespaces: set[str] = field(default_factory=set)
    _subject_accounts: set[str] = field(default_factory=set)  # ServiceAccount subject names
    _placeholder_namespaces: set[str] = field(default_factory=set)  # RoleBindings with placeholder subjects
    _placeholder_cluster: bool = False  # a ClusterRoleBinding with placeholder subjects
    _grants: dict[tuple[str, str], list[Grant]] = field(default_factory=dict)

    def add_binding(self, binding: Resource) -> None:
        index = len(self.bindings)
        self.bindings.append(binding)
        if binding.kind == "RoleBinding":
            self._binding_namespaces.add(binding.namespace)
        for subject in _subjects(binding):
            kind, name, namespace = subject.get("kind"), subject.get("name"), subject.get("namespace")
            if isinstance(namespace, str) and namespace:
                self._subject_namespaces.add(namespace)
            if not isinstance(name, str):
                continue
            if kind == "ServiceAccount":
                self._subject_accounts.add(name)
                effective = namespace or (binding.namespace if binding.kind == "RoleBinding" else "")
                if isinstance(effective, str):
                    self._by_account.setdefault((effective, name), []).append(index)
            elif kind == "Group":
                self._by_group.setdefault(name, []).append(index)
            elif kind == "User":
                self._by_user.setdefault(name, []).append(index)
        if _placeholder_subject(binding):
            if binding.kind == "ClusterRoleBinding":
                self._placeholder_cluster = True
            else:
                self._placeholder_namespaces.add(binding.namespace)

    # --- resolution -----------------------------------------------------------------------------

    @staticmethod
    def account(workload: Workload) -> Account:
        spec = workload.resource.get(*workload.pod_spec_path)
        spec = spec if isinstance(spec, dict) else {}
        for key in ("serviceAccountName", "serviceAccount"):  # the second is the deprecated alias
            value = spec.get(key)
            if isinstance(value, str) and value:
                return Account(workload.namespace, value, (*workload.pod_spec_path, key), True)
        return Account(workload.namespace, "default", workload.pod_spec_path, False)

    def role_of(self, binding: Resource) -> Role | None:
        ref = binding.get("roleRef")
        if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
            return None
        if ref.get("kind") == "ClusterRole":
            return self.cluster_roles.get(ref["name"])
        if ref.get("kind") == "Role" and binding.kind == "RoleBinding":
            return self.roles.get((binding.namespace, ref["name"]))
        return None

    def missing_role(self, binding: Resource) -> bool:
        """The roleRef names a role the files lack (built-in ClusterRoles excepted)."""
        ref = binding.get("roleRef")
        if not isinstance(ref, dict) or not isinstance(ref.get("name"), str) or is_placeholder(ref["name"]):
            return False
        name = ref["name"]
        if ref.get("kind") == "ClusterRole" and (name in _BUILTIN_CLUSTER_ROLES or name.startswith("system:")):
            return False
        return self.role_of(binding) is None

    @staticmethod
    def reaches(binding: Resource, account: Account) -> bool:
        """Does one of the binding's subjects denote the account?"""
        for subject in _subjects(binding):
            kind, name = subject.get("kind"), subject.get("name")
            namespace = subject.get("namespace") or (binding.namespace if binding.kind == "RoleBinding" else "")
            if kind == "ServiceAccount" and name == account.name and namespace == account.namespace:
                return True
            if kind == "Group" and name in _groups(account):
                return True
            if kind == "User" and name == _user(account):
                return True
        return False

    def reaching(self, account: Account) -> list[Resource]:
        """The bindings with a subject that denotes the account, in file order (from the subject indexes)."""
        found = set(self._by_account.get((account.namespace, account.name), ()))
        for group in _groups(account):
            found.update(self._by_group.get(group, ()))
        found.update(self._by_user.get(_user(account), ()))
        return [self.bindings[i] for i in sorted(found)]

    def grants(self, account: Account) -> list[Grant]:
        key = (account.namespace, account.name)
        if key not in self._grants:
            self._grants[key] = [
                Grant(b, self.role_of(b), b.namespace if b.kind == "RoleBinding" else None)
                for b in self.reaching(account)]
        return self._grants[key]

    # --- questions ------------------------------------------------------------------------------

    def allows(self, workload: Workload, api_group: str, resource: str, verb: str, namespace: str | None) -> bool:
        """Effective permission of the workload's ServiceAccount (`namespace` None: cluster-scoped)."""
        return any(rule.grants(api_group, resource, verb) for rule in self.rules_in(workload, namespace))

    def rules_in(self, workload: Workload, namespace: str | None) -> list[PolicyRule]:
        """Every rule of a known role bound to the workload's account that applies in `namespace`."""
        return [rule for grant in self.grants(self.account(workload))
                if grant.known and grant.applies_in(namespace) and grant.role is not None
                for rule in grant.role.rules]

    def bound_rules(self, workload: Workload) -> list[PolicyRule]:
        """Every rule of a known role bound to the workload's account, in any namespace."""
        return [rule for grant in self.grants(self.account(workload)) if grant.known and grant.role is not None
                for rule in grant.role.rules]

    def unknown(self, workload: Workload) -> bool:
        """Some of the account's permissions are invisible: a role outside the files, aggregation, placeholders."""
        account = self.account(workload)
        if not account.judgeable:
            return True
        if any(not grant.known for grant in self.grants(account)):
            return True
        # A binding whose subjects are placeholders may or may not reach the account.
        return self._placeholder_cluster or account.namespace in self._placeholder_namespaces

    def present(self, workload: Workload) -> bool:
        """Do the linted files hold RBAC for this account or its namespace at all?"""
        account = self.account(workload)
        return bool(self.grants(account)) or account.namespace in self._role_namespaces \
            or account.namespace in self._binding_namespaces or account.namespace in self._subject_namespaces \
            or account.name in self._subject_accounts

    def has_service_account(self, account: Account) -> bool:
        return (account.namespace, account.name) in self.service_accounts


def _groups(account: Account) -> tuple[str, ...]:
    return "system:serviceaccounts", "system:authenticated", f"system:serviceaccounts:{account.namespace}"


def _user(account: Account) -> str:
    return f"system:serviceaccount:{account.namespace}:{account.name}"


def _subjects(binding: Resource) -> list[dict[str, Any]]:
    listed = binding.get("subjects")
    return [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []


def _placeholder_subject(binding: Resource) -> bool:
    return any(isinstance(v, str) and is_placeholder(v) for s in _subjects(binding) for v in s.values())


def _strings(value: Any) -> tuple[frozenset[str], bool]:
    """A list of strings, and whether any holds a placeholder."""
    items = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    return frozenset(items), any(is_placeholder(v) for v in items)


def _role(resource: Resource) -> Role:
    listed = resource.get("rules")
    rules, opaque = [], resource.get("aggregationRule") is not None
    for index, item in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(item, dict):
            continue
        groups, p1 = _strings(item.get("apiGroups"))
        kinds, p2 = _strings(item.get("resources"))
        verbs, p3 = _strings(item.get("verbs"))
        opaque = opaque or p1 or p2 or p3
        rules.append(PolicyRule(resource, ("rules", index), groups, kinds, verbs, bool(item.get("resourceNames"))))
    return Role(resource, tuple(rules), opaque or is_placeholder(resource.name))


def build(resources: Iterable[Resource]) -> Rbac:
    rbac = Rbac()
    for resource in resources:
        if resource.kind == "ServiceAccount" and resource.api_version == "v1":
            rbac.service_accounts.add((resource.namespace, resource.name))
        elif resource.group != RBAC_GROUP:
            continue
        elif resource.kind == "Role":
            rbac.roles[(resource.namespace, resource.name)] = _role(resource)
            rbac._role_namespaces.add(resource.namespace)
        elif resource.kind == "ClusterRole":
            rbac.cluster_roles[resource.name] = _role(resource)
        elif resource.kind in _BINDINGS:
            rbac.add_binding(resource)
    return rbac
