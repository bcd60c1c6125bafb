"""The one place that knows where each workload kind keeps its pod templates, and how a pool is written.

Every other module reads pod templates through `pod_templates` (a LeaderWorkerSet has a leader and a
worker template, a CronJob one inside its job template), so a kind added here is seen by the version
choice, the EPP rules, the model-server rules and `explain` alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gie_lint.releases import builds
from gie_lint.shape import JsonPath, dicts
from gie_lint.source.resources import Resource
from gie_lint.topology.model import V1_GROUP, V1ALPHA2, Container, EppRef, Pool, Workload, string_map

# Kind → the paths of its pod templates (the parent of the template's `metadata` and `spec`).
POD_TEMPLATES: dict[str, tuple[JsonPath, ...]] = {
    "Deployment": (("spec", "template"),), "StatefulSet": (("spec", "template"),),
    "ReplicaSet": (("spec", "template"),), "DaemonSet": (("spec", "template"),), "Job": (("spec", "template"),),
    "CronJob": (("spec", "jobTemplate", "spec", "template"),),
    "Pod": ((),),
    "LeaderWorkerSet": (("spec", "leaderWorkerTemplate", "workerTemplate"),
                        ("spec", "leaderWorkerTemplate", "leaderTemplate")),
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATES)
POOL_NAME_FLAGS = ("--pool-name", "-pool-name", "-poolName", "--poolName")  # kebab (v1+) and Go-flag camelCase (v0.x)
DEFAULT_V1ALPHA2_EPP_PORT = 9002


def _entrypoint(container: Container) -> str | None:
    command = container.data.get("command")
    first = command[0] if isinstance(command, list) and command else None
    return first if isinstance(first, str) else None


def _not_an_epp(container: Container) -> bool:
    """A known image or binary of a release line that is not an EPP (the P/D sidecar, a coordinator)."""
    entrypoint = _entrypoint(container)
    role = builds.binary_role(entrypoint) if entrypoint else None
    return builds.is_other_image(container.image) or (role is not None and role != "epp")


def find_epp_container(containers: Iterable[Container]) -> Container | None:
    """The EPP container of a pod: one running an EPP image (or entrypoint) of a known release line, else one
    given a pool-name flag; never a known non-EPP container such as llm-d's P/D disaggregation sidecar."""
    containers = tuple(c for c in containers if not _not_an_epp(c))
    for container in containers:
        if builds.is_epp_image(container.image):
            return container
    for container in containers:
        entrypoint = _entrypoint(container)
        if entrypoint and builds.binary_role(entrypoint) == "epp":
            return container
    for container in containers:
        if any(arg.split("=", 1)[0] in POOL_NAME_FLAGS for _, arg in container.argv()):
            return container
    return None


def pod_templates(resource: Resource) -> Iterator[Workload]:
    """Every pod template of a workload object, with its labels and containers (native sidecars included)."""
    for base in POD_TEMPLATES.get(resource.kind, ()):
        spec = resource.get(*base, "spec")
        if not isinstance(spec, dict):
            continue
        labels = resource.get(*base, "metadata", "labels")
        labels = {k: v for k, v in labels.items() if isinstance(k, str) and isinstance(v, str)} \
            if isinstance(labels, dict) else {}
        pod_spec: JsonPath = (*base, "spec")
        containers = [Container(c, (*pod_spec, "containers", i)) for i, c in dicts(spec.get("containers"))]
        containers += [Container(c, (*pod_spec, "initContainers", i), sidecar=True)
                       for i, c in dicts(spec.get("initContainers")) if c.get("restartPolicy") == "Always"]
        yield Workload(resource, labels, pod_spec, tuple(containers), find_epp_container(containers))


def pool(resource: Resource) -> Pool:
    """An InferencePool of either API version, normalised (selector, target ports, EPP reference)."""
    spec = resource.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if resource.group == V1_GROUP:
        selector = string_map(resource.get("spec", "selector", "matchLabels"))
        listed = spec.get("targetPorts")
        ports = tuple(p.get("number") for p in (listed if isinstance(listed, list) else []) if isinstance(p, dict))
    else:
        selector = string_map(resource.get("spec", "selector"))
        ports = (spec.get("targetPortNumber"),)
    ref = _epp_ref(spec, resource.api_version == V1ALPHA2)
    return Pool(resource, selector, ("spec", "selector"), tuple(p for p in ports if isinstance(p, int)), ref)


def _epp_ref(spec: dict[str, Any], v1alpha2: bool) -> EppRef | None:
    ref = spec.get("endpointPickerRef")
    if isinstance(ref, dict) and isinstance(ref.get("name"), str):
        path: JsonPath = ("spec", "endpointPickerRef")
        number = ref.get("port", {}).get("number") if isinstance(ref.get("port"), dict) else None
        port_path = (*path, "port", "number") if isinstance(number, int) else path
    else:
        ref = spec.get("extensionRef")
        if not (isinstance(ref, dict) and isinstance(ref.get("name"), str)):
            return None
        path = ("spec", "extensionRef")
        # Only v1alpha2 defaults the port; older shapes are not guessed at.
        number = ref.get("portNumber", DEFAULT_V1ALPHA2_EPP_PORT if v1alpha2 else None)
        port_path = (*path, "portNumber") if "portNumber" in ref else path
    kind, group = ref.get("kind") or "Service", ref.get("group") or ""
    return EppRef(ref["name"], number if isinstance(number, int) else None, str(kind), str(group), path, port_path)
