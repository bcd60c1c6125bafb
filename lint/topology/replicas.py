"""How many pods each workload runs, and where that number comes from (spec.replicas, a default, an HPA).

Resolved once per scenario into `Topology.replicas`: the replica rules (GIE040–GIE047) and
`gie-lint explain` all read the same answer. A HorizontalPodAutoscaler takes over `spec.replicas`
of the workload its `scaleTargetRef` names (same namespace, kind and name), so it is part of the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gie_lint.shape import JsonPath
from gie_lint.source.resources import Resource
from gie_lint.topology.model import Workload

HPA = "HorizontalPodAutoscaler"
# Kinds whose pod count is `spec.replicas` (defaulting to 1); a LeaderWorkerSet counts groups.
_SCALED = {"Deployment", "StatefulSet", "ReplicaSet", "LeaderWorkerSet"}


@dataclass(frozen=True)
class Autoscaler:
    """An HPA resolved to its target: `min_replicas` defaults to 1 (autoscaling/v2), `max_replicas` is required."""

    resource: Resource
    min_replicas: int | None  # None: written but unknowable (a placeholder)
    max_replicas: int | None
    min_written: bool

    @property
    def max_location(self) -> str:
        return where(self.resource, ("spec", "maxReplicas"))

    @property
    def min_location(self) -> str:
        return where(self.resource, ("spec", "minReplicas")) if self.min_written else "not set: defaults to 1"


@dataclass(frozen=True)
class Replicas:
    """A workload's replica count with its provenance."""

    resource: Resource
    count: int | None  # None: unknowable (placeholder, DaemonSet: one per node)
    written: bool  # spec.replicas is in the file
    path: JsonPath  # where to point: ("spec", "replicas") when written, else ("spec",)
    note: str  # how the number came about, e.g. "not set: Kubernetes defaults to 1"
    hpa: Autoscaler | None = None

    @property
    def location(self) -> str:
        """`file:line` of spec.replicas, or the note when it is not written."""
        return where(self.resource, self.path) if self.written else self.note

    @property
    def most(self) -> int | None:
        """The most pods this workload may run: the HPA's maxReplicas when one scales it."""
        if self.hpa is not None:
            return self.hpa.max_replicas
        return self.count

    @property
    def least(self) -> int | None:
        if self.hpa is not None:
            return self.hpa.min_replicas
        return self.count


def where(resource: Resource, path: JsonPath, seen_from: str | None = None) -> str:
    """`file:line` of `path`; just `line N` when read from a finding in the same file."""
    line = resource.locate(path).line
    return f"line {line}" if resource.file == seen_from else f"{resource.file}:{line}"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def autoscalers(resources: Iterable[Resource]) -> list[Autoscaler]:
    found = []
    for resource in resources:
        if resource.kind != HPA or not resource.api_version.startswith("autoscaling/"):
            continue
        written = resource.get("spec", "minReplicas") is not None
        minimum = _int(resource.get("spec", "minReplicas")) if written else 1
        found.append(Autoscaler(resource, minimum, _int(resource.get("spec", "maxReplicas")), written))
    return found


def _target(hpa: Autoscaler) -> tuple[str, str, str] | None:
    ref = hpa.resource.get("spec", "scaleTargetRef")
    if not isinstance(ref, dict) or not isinstance(ref.get("kind"), str) or not isinstance(ref.get("name"), str):
        return None
    return hpa.resource.namespace, ref["kind"], ref["name"]


def count(resource: Resource, hpa: Autoscaler | None) -> Replicas:
    """The replicas of one workload object, given the HPA that scales it (if any)."""
    kind = resource.kind
    if kind in _SCALED:
        value = resource.get("spec", "replicas")
        if value is None:
            note = "not set: Kubernetes defaults to 1"
            if hpa is not None:
                note = "not set: the HorizontalPodAutoscaler sets it"
            return Replicas(resource, 1, False, ("spec",), note, hpa)
        return Replicas(resource, _int(value), True, ("spec", "replicas"), "spec.replicas", hpa)
    if kind == "Pod":
        return Replicas(resource, 1, False, ("spec",), "a bare Pod: one replica", hpa)
    if kind in ("Job", "CronJob"):
        job: JsonPath = ("spec",) if kind == "Job" else ("spec", "jobTemplate", "spec")
        value = resource.get(*job, "parallelism")
        if value is None:
            return Replicas(resource, 1, False, job, "not set: a Job runs 1 pod at a time", hpa)
        written: JsonPath = (*job, "parallelism")
        return Replicas(resource, _int(value), True, written, ".".join(map(str, written)), hpa)
    if kind == "DaemonSet":
        return Replicas(resource, None, False, ("spec",), "a DaemonSet: one pod per eligible node", hpa)
    return Replicas(resource, None, False, ("spec",), f"a {kind}: its pod count is not in the manifest", hpa)


def replica_table(workloads: Iterable[Workload], autoscalers_: Iterable[Autoscaler]) -> dict[int, Replicas]:
    """Every workload object's replicas, by id() of the object (an HPA scales the object its target names)."""
    hpas: dict[tuple[str, str, str], Autoscaler] = {}
    for hpa in autoscalers_:
        key = _target(hpa)
        if key is not None:
            hpas.setdefault(key, hpa)  # two HPAs on one target fight; the first is reported
    table: dict[int, Replicas] = {}
    for workload in workloads:
        resource = workload.resource
        if id(resource) not in table:
            table[id(resource)] = count(resource, hpas.get((resource.namespace, resource.kind, resource.name)))
    return table
