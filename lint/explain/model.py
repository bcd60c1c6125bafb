"""`gie-lint explain`: what the manifests deploy, and why there are as many replicas as there are.

Pure functions of the engine's result (each scenario's resources and topology): for every
InferencePool the request path (Gateway → HTTPRoute → pool → EPP Service → EPP → model servers, as far
as the files contain it), every workload with its role, replicas (HPA min/max) and where they are set,
leader election and how many EPP replicas are active, and one sentence of why. Several scenarios are
also compared side by side. `model()` is the JSON document (docs/explain-format.md); text and Mermaid
are rendered from it, so the three formats always agree.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gie_lint.engine.run import Run
from gie_lint.explain.graph import graph
from gie_lint.result import ScenarioResult
from gie_lint.rules.api import Scenario
from gie_lint.source.comments import comment_beside
from gie_lint.source.resources import Resource
from gie_lint.topology.model import Workload
from gie_lint.topology.model_servers import pd_role
from gie_lint.topology.replicas import Replicas, where
from gie_lint.topology.stacks import PoolStack

FORMAT_VERSION = 1
FORMATS = ("text", "json", "mermaid")
ROLES = {"model-server": "model server", "endpoint-picker": "endpoint picker", "gateway": "gateway", "other": "other"}
_GATEWAY_IMAGE = re.compile(r"envoyproxy/|/envoy:|istio/proxy|kgateway|agentgateway|nginx-gateway|gateway-proxy")


def _ref(resource: Resource, path: tuple[Any, ...] = ()) -> dict[str, Any]:
    return {"ref": resource.ref, "file": resource.file, "line": resource.locate(path).line}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _stated(resource: Resource, path: tuple[Any, ...], written: bool) -> dict[str, Any] | None:
    """The author's own comment beside a count (`replicas: 3  # <-- 3 vLLM pods`), shown as the stated reason."""
    reason = comment_beside(resource, path) if written else None
    return None if reason is None else {"reason": reason, "at": where(resource, path)}


def _replicas(replicas: Replicas) -> dict[str, Any]:
    entry: dict[str, Any] = {"replicas": replicas.count, "set": replicas.written, "at": replicas.location, "hpa": None,
                             "stated": _stated(replicas.resource, replicas.path, replicas.written)}
    if replicas.hpa is not None:
        hpa = replicas.hpa
        entry["hpa"] = {**_ref(hpa.resource), "min": hpa.min_replicas, "max": hpa.max_replicas,
                        "min_at": hpa.min_location, "max_at": hpa.max_location,
                        "stated": _stated(hpa.resource, ("spec", "maxReplicas"), True)}
    return entry


def _workload(scenario: Scenario, workload: Workload, role: str) -> dict[str, Any]:
    replicas = scenario.topology.replicas_of(workload.resource)
    entry: dict[str, Any] = {"role": role, **_ref(workload.resource), **_replicas(replicas)}
    if role == "endpoint-picker":
        epp = scenario.topology.epp(workload)
        le = epp.leader_election if epp is not None else None
        on = le.on if le is not None else None
        total = replicas.most
        entry["leader_election"] = on
        entry["leader_election_at"] = (where(workload.resource, le.flag.path) if le is not None and le.flag
                                       else None)
        entry["active"] = None if total is None or on is None else (min(total, 1) if on else total)
        entry["standbys"] = None if entry["active"] is None else total - entry["active"]
    if role == "model-server":
        entry["pd_role"] = pd_role(workload)  # llm-d P/D disaggregation: decode, prefill, …; None: no split
    return entry


def _count_text(entry: dict[str, Any]) -> str:
    hpa = entry["hpa"]
    if hpa is not None:
        return f"{hpa['min']}–{hpa['max']} (HPA)"
    return "unknown" if entry["replicas"] is None else str(entry["replicas"])


def _why(pool: dict[str, Any]) -> str:
    servers = [w for w in pool["workloads"] if w["role"] == "model-server"]
    epps = [w for w in pool["workloads"] if w["role"] == "endpoint-picker"]
    parts = []
    counts = [w["hpa"]["max"] if w["hpa"] else w["replicas"] for w in servers]
    if not servers:
        parts.append("the pool selects no pod template in these files, so the EPP has no endpoints from them")
    elif any(c is None for c in counts):
        parts.append("the model-server replica count cannot be known from the files")
    elif any(w["hpa"] for w in servers):
        parts.append(f"an HPA scales the model servers ({', '.join(_count_text(w) for w in servers)} replicas), "
                     f"so the EPP chooses among that many endpoints")
    elif sum(counts) == 1:
        parts.append("1 model-server replica leaves the EPP nothing to choose from")
    else:
        total = sum(counts)
        parts.append(f"{total} model-server replicas give the EPP {total} endpoints to choose from")
    if not epps:
        parts.append("the EPP is not among these files")
    for epp in epps:
        total, on = (epp["hpa"]["max"] if epp["hpa"] else epp["replicas"]), epp["leader_election"]
        if total is None or on is None:
            parts.append("the EPP replica count or its leader election cannot be known from the files")
        elif epp["hpa"] and on:
            parts.append("an HPA scales an EPP with leader election, which only adds standbys (GIE047)")
        elif on and total > 1:
            parts.append(f"{total} EPP replicas with leader election are 1 active scheduler (the lease holder) and "
                         f"{_plural(total - 1, 'standby')} for failover")
        elif on:
            parts.append("1 EPP replica with leader election schedules once it holds the lease, with no standby")
        elif total == 1:
            parts.append("1 EPP replica is the recommended single active scheduler")
        else:
            parts.append(f"{total} EPP replicas without leader election are {total} independent schedulers, each "
                         f"with its own prefix-cache view (GIE040)")
    return "; ".join(parts)


def _pool(scenario: Scenario, stack: PoolStack) -> dict[str, Any]:
    path = [{"role": "gateway", **_ref(g)} for g in stack.gateways]
    path += [{"role": "route", **_ref(r)} for r in stack.routes]
    path.append({"role": "pool", **_ref(stack.pool.resource)})
    if stack.epp_service is not None:
        path.append({"role": "epp-service", **_ref(stack.epp_service)})
    path += [{"role": "endpoint-picker", **_ref(w.resource)} for w in stack.epps]
    path += [{"role": "model-server", **_ref(w.resource)} for w in stack.model_servers]
    workloads = [_workload(scenario, w, "model-server") for w in stack.model_servers]
    workloads += [_workload(scenario, w, "endpoint-picker") for w in stack.epps]
    entry = {**_ref(stack.pool.resource), "path": path, "workloads": workloads}
    entry["why"] = _why(entry)
    return entry


def _scenario(result: ScenarioResult, scenario: Scenario) -> dict[str, Any]:
    pools = [_pool(scenario, s) for s in scenario.topology.stacks]
    placed = {(w["ref"]) for p in pools for w in p["workloads"]}
    others = []
    seen: set[str] = set()
    for workload in scenario.topology.workloads:
        ref = workload.resource.ref
        if ref in placed or ref in seen:
            continue
        seen.add(ref)
        images = " ".join(c.image for c in workload.containers)
        role = "endpoint-picker" if workload.epp else "gateway" if _GATEWAY_IMAGE.search(images) else "other"
        others.append(_workload(scenario, workload, role))
    request = graph(scenario)
    return {"name": result.name, "gie_version": result.gie_version, "pools": pools,
            "other_workloads": others, "note": None if pools else "no InferencePool in this scenario",
            "graph": {"nodes": request["nodes"], "edges": request["edges"]}, "unresolved": request["unresolved"]}


def _differences(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per workload (by ref), the replica and leader-election facts that are not the same in every scenario."""
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for scenario in scenarios:
        for workload in [w for p in scenario["pools"] for w in p["workloads"]] + scenario["other_workloads"]:
            rows.setdefault(workload["ref"], {}).setdefault(scenario["name"], workload)
    found = []
    for ref, by_scenario in rows.items():
        for key, label in (("replicas", "replicas"), ("hpa", "autoscaler"), ("leader_election", "leader election"),
                           ("active", "active EPP replicas"), ("standbys", "EPP standbys")):
            # The workloads' own values, so types match the rest of the document: replicas and the EPP
            # counts are ints (null when unknowable), leader election a bool; the HPA row is rendered below.
            values = {name: w.get(key) for name, w in by_scenario.items()}
            shown = dict(values)
            if len(by_scenario) < len(scenarios) and key == "replicas":
                shown = {**{s["name"]: None for s in scenarios}, **shown}
            elif len({json.dumps(v, sort_keys=True) for v in values.values()}) <= 1:
                continue
            at = {name: (w["at"] if key == "replicas" else w.get("leader_election_at") if key == "leader_election"
                         else None) for name, w in by_scenario.items()}
            if key == "hpa":
                shown = {name: (f"{v['min']}–{v['max']}" if v else None) for name, v in values.items()}
            found.append({"workload": ref, "what": label, "values": shown, "at": at})
    return found


def model(run: Run) -> dict[str, Any]:
    """The JSON document (stable: see docs/explain-format.md)."""
    scenarios = [_scenario(r, s) for r, s in zip(run.result.scenarios, run.scenarios, strict=True)]
    return {"version": FORMAT_VERSION, "scenarios": scenarios,
            "differences": _differences(scenarios) if len(scenarios) > 1 else []}
