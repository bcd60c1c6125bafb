"""GIE930: one object per identity in a scenario, since its files are applied together.

The topology (`gie_lint.topology.resolve.applied`) keeps the last copy of each identity, as `kubectl apply` of the
files in order leaves it, and builds every view from those; this rule says where the other copies are.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.source.resources import Resource
from gie_lint.topology.model import Duplicate

_NAME = ("metadata", "name")


def _at(resource: Resource) -> str:
    return f"{resource.file}:{resource.locate(_NAME).line}"


def _message(duplicate: Duplicate) -> str:
    copy, first, kept = duplicate.copy, duplicate.first, duplicate.kept
    version = f" (as {first.api_version}, the same API group)" if first.api_version != copy.api_version else ""
    if copy is kept:
        judged = "this copy, the last applied, is the one the cross-object checks judge"
    else:
        judged = f"it is overwritten in turn by {_at(kept)}, the copy the cross-object checks judge"
    return (f"also defined at {_at(first)}{version}: applied together, a later copy overwrites an earlier one; "
            f"{judged} (lint unrelated files with --per-file)")


@scenario_rule("GIE930", "duplicate-object", Severity.ERROR)
def duplicate_object(scenario: Scenario) -> Iterator[Hit]:
    """Each object (API group, kind, namespace, name) is defined once among the files linted together.

    ## Why it breaks
    Applied together, the second object overwrites the first (`kubectl apply` patches the live object into the
    later copy, dropping the fields only the earlier one set), so whatever the earlier copy configured (a
    Gateway's listeners, an EPP's flags, a pool's selector) silently never takes effect.

    One object: the API group counts, not the version (`apps/v1` and `apps/v1beta2` name one Deployment); the
    namespace is the one the object lands in (written, else the scenario's `--namespace`, default `default`;
    none for cluster-scoped kinds). Objects without a name (`generateName`) never collide, and a file named
    twice on the command line is read once.

    Each later copy is reported once, at its name, with the file and line of the first copy. Like `kubectl
    apply` of the files in order, gie-lint keeps the last copy: the cross-object checks judge that one only and
    never mix two copies, while the per-object checks (schemas) judge every copy, since each is applied. Folders
    of unrelated test files often reuse a name on purpose: lint those with `--per-file`.

    ## Bad
    ```yaml
    # gateway-a.yaml
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: gateway, namespace: istio-system}
    ---
    # gateway-b.yaml: the same Gateway again, with other listeners
    apiVersion: gateway.networking.k8s.io/v1beta1
    kind: Gateway
    metadata: {name: gateway, namespace: istio-system}
    ```

    ## Good
    ```yaml
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: gateway, namespace: istio-system}
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: gateway-b, namespace: istio-system}
    ```

    ## Fix
    Keep one copy (merge what both configure into it), give one copy another name or namespace, or, for a folder
    of files meant to be applied one at a time, lint each file as its own scenario: `gie-lint check --per-file
    DIR` (config: `per_file: true`).
    """
    for duplicate in scenario.topology.duplicates:
        yield Hit(_NAME, _message(duplicate), target=duplicate.copy)
