"""GIE045: a scenario declared `variant_of: <base>` differs from its base only where it says it may.

`.gie-lint.yaml` can declare e.g. the leader-election scenario a variant of the default one with
`allowed_differences: [leader-election]`. The two EPP stacks (pool, EPP Service, EPP Deployment,
ServiceAccount/RBAC, ConfigMap, the model servers the pool selects) are then compared object by
object, and every difference leader election does not explain is reported at the variant's line.
The real case: upstream's leader-election e2e manifest kept `targetPortNumber` and a flat selector
after the default manifest moved to `targetPorts`/`matchLabels` (rules.md H1), and nobody noticed
because the two files were never compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, variants_rule
from gie_lint.shape import JsonPath, dotted
from gie_lint.source.placeholders import unresolved
from gie_lint.source.resources import Resource
from gie_lint.topology.stacks import PoolStack, grants_leases, identity

LEADER_ELECTION = "leader-election"
_PROBES = ("livenessProbe", "readinessProbe")


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "), ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _dotted(path: JsonPath) -> str:
    return dotted(path, "(the object)")


def _unknowable(value: Any) -> bool:
    return isinstance(value, str) and unresolved(value)


def diff(variant: Any, base: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, JsonPath, str, Any, Any]]:
    """(variant location, differing key path, kind, variant value, base value) for every difference.

    kind: "changed", "added" (only in the variant), "removed" (only in the base; located at the parent).
    Two maps with no key in common (a flat selector vs `matchLabels`) are one change, not a cascade."""
    if variant == base or _unknowable(variant) or _unknowable(base):
        return
    if isinstance(variant, dict) and isinstance(base, dict) and (not variant or not base or set(variant) & set(base)):
        for key, value in variant.items():
            if key in base:
                yield from diff(value, base[key], (*path, key))
            else:
                yield (*path, key), (*path, key), "added", value, None
        for key, value in base.items():
            if key not in variant:
                yield path, (*path, key), "removed", None, value
        return
    if isinstance(variant, list) and isinstance(base, list):
        for index in range(min(len(variant), len(base))):
            yield from diff(variant[index], base[index], (*path, index))
        for index in range(len(base), len(variant)):
            yield (*path, index), (*path, index), "added", variant[index], None
        for index in range(len(variant), len(base)):
            yield path, (*path, index), "removed", None, base[index]
        return
    yield path, path, "changed", variant, base


def _le_explains(role: str, key: JsonPath) -> bool:
    """Differences leader election accounts for: EPP replicas, strategy and probe service names.

    (The LE flag itself is taken out of both command lines before comparing.)"""
    if role != "epp":
        return False
    if key[:2] in (("spec", "replicas"), ("spec", "strategy")):
        return True
    return len(key) >= 3 and key[-2:] == ("grpc", "service") and key[-3] in _PROBES


def _without_le_flag(data: dict[str, Any], resource: Resource, scenario: Scenario
                     ) -> tuple[dict[str, Any], JsonPath | None, list[int]]:
    """The object with the LE flag's args items removed, the args path and the kept original indices."""
    epps = scenario.topology.epps_of(resource)
    le = epps[0].leader_election if epps else None
    if le is None or le.flag is None:
        return data, None, []
    args = resource.get(*le.args_path)
    if not isinstance(args, list):
        return data, None, []
    drop = {le.flag.path[-1], le.flag.value_path[-1]} if le.flag.path[:-1] == le.args_path else set()
    kept = [i for i in range(len(args)) if i not in drop]
    copy = json.loads(json.dumps(data))
    node = copy
    for step in le.args_path[:-1]:
        node = node[step]
    node[le.args_path[-1]] = [args[i] for i in kept]
    return copy, le.args_path, kept


def _written(path: JsonPath, args: JsonPath, kept: list[int]) -> JsonPath:
    """A path into the args list without the LE flag, mapped back to the index written in the file."""
    if path[:len(args)] != args or len(path) <= len(args):
        return path
    index = path[len(args)]
    if not isinstance(index, int):
        return path
    return (*args, kept[index] if index < len(kept) else index, *path[len(args) + 1:])


Pair = tuple[str, Resource, Resource]  # (role, variant object, base object)


def _pairs(variant: PoolStack, base: PoolStack) -> tuple[list[Pair], list[tuple[str, Resource]],
                                                       list[tuple[str, Resource]]]:
    """Objects paired by kind/namespace/name (a renamed pool, EPP Service or EPP by role), and the unpaired ones."""
    base_objects = dict((identity(r), (role, r)) for role, r in base.objects())
    pairs, added = [], []
    for role, resource in variant.objects():
        match = base_objects.pop(identity(resource), None)
        if match is not None:
            pairs.append((role, resource, match[1]))
        else:
            added.append((role, resource))
    removed = list(base_objects.values())
    for role in ("pool", "epp-service", "epp"):
        mine = [r for x, r in added if x == role]
        theirs = [r for x, r in removed if x == role]
        if len(mine) == 1 and len(theirs) == 1:
            pairs.append((role, mine[0], theirs[0]))
            added = [(x, r) for x, r in added if r is not mine[0]]
            removed = [(x, r) for x, r in removed if r is not theirs[0]]
    return pairs, added, removed


def _lease_rbac(resource: Resource, scenario: Scenario) -> bool:
    """A lease Role, or a binding of one (what leader election adds)."""
    if resource.kind in ("Role", "ClusterRole"):
        return grants_leases(resource)
    role = scenario.topology.rbac.role_of(resource)
    return role is not None and grants_leases(role.resource)


@variants_rule("GIE045", "variant-drift", Severity.WARNING)
def variant_drift(variant: Scenario, base: Scenario) -> Iterator[Hit]:
    """A scenario declared `variant_of` another differs from it only in its `allowed_differences` (for
    leader-election: EPP replicas, the LE flag, probe service names, strategy, lease RBAC).

    ## Why it breaks
    A variant manifest kept next to the default one (an HA EPP, a leader-election e2e setup) is edited less
    often and drifts: upstream's leader-election e2e pool kept `targetPortNumber` and a flat selector after the
    default manifest moved to v1 `targetPorts`/`matchLabels`, so the variant was rejected by the v1 CRD for ten
    months. Comparing the two stacks object by object catches that.

    ## Bad
    ```yaml
    # default: targetPorts: [{number: 8000}]
    # leader-election variant:
    targetPortNumber: 8000
    ```

    ## Good
    ```yaml
    # both scenarios:
    targetPorts: [{number: 8000}]
    ```

    ## Fix
    Apply the change to both scenarios' manifests (or share the file), so the variant differs only in what its
    allowed differences cover.
    """
    vctx, bctx = variant, base
    allow_le = LEADER_ELECTION in variant.allowed_differences
    name = base.name
    base_stacks = bctx.topology.stacks
    for vstack in vctx.topology.stacks:
        bstack = next((s for s in base_stacks if identity(s.pool.resource) == identity(vstack.pool.resource)), None)
        if bstack is None and len(base_stacks) == 1 and len(vctx.topology.stacks) == 1:
            bstack = base_stacks[0]
        if bstack is None:
            continue  # a pool only the variant has: nothing to compare it with
        pairs, added, removed = _pairs(vstack, bstack)
        if vstack.pool.resource.get("spec", "selector") != bstack.pool.resource.get("spec", "selector"):
            # The selector difference is reported on the pool; which model servers it selects follows from it.
            added = [(role, r) for role, r in added if role != "model-server"]
            removed = [(role, r) for role, r in removed if role != "model-server"]
        for role, mine, theirs in pairs:
            yield from _compare(role, mine, theirs, vctx, bctx, allow_le, name)
        for role, resource in added:
            if allow_le and role == "rbac" and _lease_rbac(resource, vctx):
                continue
            yield Hit((), f"{resource.ref} is part of this pool's stack here but not in scenario `{name}`; "
                      f"leader election does not explain it: add it to `{name}` too, or remove it here",
                      target=resource)
        for role, resource in removed:
            if allow_le and role == "rbac" and _lease_rbac(resource, bctx):
                continue
            yield Hit(("metadata",), f"scenario `{name}` has {resource.ref} ({resource.file}:"
                      f"{resource.locate(()).line}) in this pool's stack, but this scenario has not; leader "
                      f"election does not explain it", target=vstack.pool.resource)


def _compare(role: str, mine: Resource, theirs: Resource, vctx: Scenario, bctx: Scenario, allow_le: bool,
             name: str) -> Iterator[Hit]:
    v_data, v_args, v_kept = _without_le_flag(mine.data, mine, vctx) if allow_le else (mine.data, None, [])
    b_data = _without_le_flag(theirs.data, theirs, bctx)[0] if allow_le else theirs.data
    for at, key, kind, value, other in diff(v_data, b_data):
        if allow_le and _le_explains(role, key):
            continue
        if v_args is not None:
            at, key = _written(at, v_args, v_kept), _written(key, v_args, v_kept)
        there = f"{theirs.file}:{theirs.locate(key if kind != 'added' else key[:-1]).line}"
        if kind == "changed":
            text = f"`{_dotted(key)}` is {_show(value)} here but {_show(other)} in scenario `{name}` ({there})"
        elif kind == "added":
            text = f"`{_dotted(key)}` is set here but not in scenario `{name}` ({theirs.ref}, {there})"
        else:
            text = f"scenario `{name}` sets `{_dotted(key)}: {_show(other)}` ({there}), this scenario does not"
        reason = "leader election does not explain this difference" if allow_le else \
            "the variant allows no differences"
        yield Hit(at, f"{text}; {reason}: make both scenarios agree", target=mine)


