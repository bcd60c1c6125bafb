"""The EPP's RBAC, resolved once per scenario: workload → ServiceAccount → bindings → roles → rules.

The RBAC rules (GIE041, GIE050–GIE052) ask one question, "may this workload's ServiceAccount do
verb V on resource R in namespace N?", and all read the same resolution (`of(context)`, cached on the
topology). The evaluation follows the Kubernetes RBAC authorizer:

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

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources as package_files
from typing import Any

import yaml

from lint.releases.versions import Release, parse
from lint.schema.violation import JsonPath
from lint.source.resources import Resource
from lint.topology.eppargs import EppArgs, env_value, is_placeholder, resolve
from lint.topology.model import Container, Workload

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
    """The scenario's RBAC objects, indexed; per-account answers are computed once."""

    roles: dict[tuple[str, str], Role] = field(default_factory=dict)  # (namespace, name)
    cluster_roles: dict[str, Role] = field(default_factory=dict)
    bindings: list[Resource] = field(default_factory=list)
    service_accounts: set[tuple[str, str]] = field(default_factory=set)
    _grants: dict[tuple[str, str], list[Grant]] = field(default_factory=dict)

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
            if kind == "Group" and name in ("system:serviceaccounts", "system:authenticated",
                                            f"system:serviceaccounts:{account.namespace}"):
                return True
            if kind == "User" and name == f"system:serviceaccount:{account.namespace}:{account.name}":
                return True
        return False

    def grants(self, account: Account) -> list[Grant]:
        key = (account.namespace, account.name)
        if key not in self._grants:
            self._grants[key] = [
                Grant(b, self.role_of(b), b.namespace if b.kind == "RoleBinding" else None)
                for b in self.bindings if self.reaches(b, account)]
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
        return any(_placeholder_subject(b) for b in self.bindings
                   if b.kind == "ClusterRoleBinding" or b.namespace == account.namespace)

    def present(self, workload: Workload) -> bool:
        """Do the linted files hold RBAC for this account or its namespace at all?"""
        account = self.account(workload)
        if self.grants(account):
            return True
        if any(ns == account.namespace for ns, _ in self.roles):
            return True
        # A binding in the namespace, or one naming an account of that namespace or of that name.
        return any((b.kind == "RoleBinding" and b.namespace == account.namespace)
                   or any(s.get("namespace") == account.namespace
                          or (s.get("kind") == "ServiceAccount" and s.get("name") == account.name)
                          for s in _subjects(b)) for b in self.bindings)

    def has_service_account(self, account: Account) -> bool:
        return (account.namespace, account.name) in self.service_accounts


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
        elif resource.kind == "ClusterRole":
            rbac.cluster_roles[resource.name] = _role(resource)
        elif resource.kind in _BINDINGS:
            rbac.bindings.append(resource)
    return rbac


def of(context: Any) -> Rbac:
    """The scenario's resolution, built on first use and cached on its topology."""
    memo: dict[str, Any] = context.topology.memo
    if _CACHE_KEY not in memo:
        memo[_CACHE_KEY] = build(context.resources)
    resolved: Rbac = memo[_CACHE_KEY]
    return resolved


# --- what the EPP needs (lint/releases/data/epp_rbac.yaml) ---------------------------------------------------

@functools.cache
def needs_table() -> dict[str, Any]:
    text = package_files.files("lint.releases.data").joinpath("epp_rbac.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def needs(release: Release) -> dict[str, Any]:
    """The entry of `releases` in force for `release` (the newest not newer than it)."""
    entries = sorted(needs_table()["releases"].items(), key=lambda kv: parse(kv[0]))
    chosen: dict[str, Any] = entries[0][1]
    for tag, entry in entries:
        if release.at_least(tag):
            chosen = entry
    return chosen


def pool_namespace(workload: Workload, container: Container, args: EppArgs) -> str | None:
    """The namespace the EPP watches its pool (and holds its lease) in; None when unknowable.

    `--pool-namespace` as given; else the release default: `default` before v1.1, and from v1.1 the
    container's `NAMESPACE` env var (usually the pod's own namespace via the downward API), then `default`.
    """
    if args.opaque:
        return None
    value = args.value("pool-namespace")
    if value:
        return resolve(value, workload, container)
    if value is None:
        return None
    found, known = env_value(workload, container, "NAMESPACE")
    if not known:
        return None
    return resolve(found, workload, container) if found else "default"


def watched_pool_group(workload: Workload, container: Container, args: EppArgs, release: Release) -> str | None:
    """The API group the EPP lists pools in: `--pool-group` where the release has it, else the release's."""
    if args.opaque:
        return None
    fallback: str = needs(release)["pool_group"]
    if args.flagset.spec("pool-group") is None:
        return fallback
    value = args.value("pool-group")
    return resolve(value, workload, container) if value else fallback
