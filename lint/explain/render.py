"""`gie-lint explain` rendered as text or Mermaid, from the document `gie_lint.explain.model` builds.

Both read only the document, so text, JSON and Mermaid always agree.
"""

from __future__ import annotations

import json
from typing import Any

from gie_lint.engine.run import Run
from gie_lint.explain.model import ROLES, _count_text, _plural, model
from gie_lint.shape import encodable, printable

FORMATS = ("text", "json", "mermaid")


def _le_text(w: dict[str, Any]) -> str:
    if w["leader_election"] is None:
        return "leader election unknown"
    total = w["active"] + w["standbys"] if w["active"] is not None else None
    if w["leader_election"]:
        return f"leader election on: {w['active']} of {total} active; {_plural(w['standbys'], 'standby')}"
    return f"leader election off: {w['active']} of {total} active"


def _workload_lines(w: dict[str, Any], indent: str) -> list[str]:
    count = _count_text(w)
    unit = "replica" if count == "1" else "replicas"
    role = f" ({w['pd_role']})" if w.get("pd_role") else ""
    lines = [f"{indent}{ROLES[w['role']]:<16} {w['ref']}{role}: {count} {unit} ({w['at']})"]
    if w["hpa"]:
        hpa = w["hpa"]
        lines.append(f"{indent}{'':<16} HPA {hpa['ref']}: min {hpa['min']} ({hpa['min_at']}), max {hpa['max']} "
                     f"({hpa['max_at']})")
    if w["role"] == "endpoint-picker":
        at = f" ({w['leader_election_at']})" if w["leader_election_at"] else ""
        lines.append(f"{indent}{'':<16} {_le_text(w)}{at}")
    for stated in (w["stated"], w["hpa"] and w["hpa"]["stated"]):
        if stated:
            lines.append(f"{indent}{'':<16} stated ({stated['at']}): {stated['reason']}")
    return lines


def _listener_text(node: dict[str, Any]) -> str:
    port = f":{node['port']}" if node["port"] is not None else ""
    return f"{node['ref']} listener {node['name']} ({node['protocol']}{port})"


def _front_lines(scenario: dict[str, Any], pool: dict[str, Any]) -> list[str]:
    """One line per way in: listener → route → this pool (fan-in), with the route's other pools (fan-out)."""
    nodes = {n["id"]: n for n in scenario["graph"]["nodes"]}
    edges = scenario["graph"]["edges"]
    lines = []
    for into in [e for e in edges if e["to"] == pool["ref"] and e["via"] == "backendRef"]:
        route = into["from"]
        notes = [f"weight {into['weight']}"] if "weight" in into else []
        others = [e["to"] for e in edges if e["from"] == route and e["via"] == "backendRef" and e["to"] != pool["ref"]]
        if others:
            notes.append("also to " + ", ".join(others))
        suffix = f" ({'; '.join(notes)})" if notes else ""
        listeners = [e["from"] for e in edges if e["to"] == route and e["via"] == "parentRef"]
        lines += [f"{_listener_text(nodes[listener])} → {route}{suffix}" for listener in listeners]
        if not listeners:
            lines.append(f"{route}{suffix}; no Gateway listener among these files takes it")
    return lines


def _behind_lines(scenario: dict[str, Any], pool: dict[str, Any]) -> list[str]:
    edges = scenario["graph"]["edges"]
    lines = []
    for service in [e["to"] for e in edges if e["from"] == pool["ref"] and e["via"] == "endpointPickerRef"]:
        epps = [e["to"] for e in edges if e["from"] == service and e["via"] == "selector"]
        lines.append(f"endpoint picker: {service} → {', '.join(epps) or 'no EPP pod template'}")
    if not lines:
        lines.append("endpoint picker: none resolved among these files")
    servers = [e["to"] for e in edges if e["from"] == pool["ref"] and e["via"] == "selector"]
    shared = {e["to"] for e in edges if e["to"] in servers and e["via"] == "selector" and e["from"] != pool["ref"]}
    named = [f"{s} (also in another pool)" if s in shared else s for s in servers]
    lines.append(f"model servers: {', '.join(named) or 'none selected among these files'}")
    return lines


def _pool_lines(scenario: dict[str, Any], pool: dict[str, Any]) -> list[str]:
    out = [f"  {pool['ref']} ({pool['file']}:{pool['line']})"]
    front = _front_lines(scenario, pool)
    if len(front) == 1:
        out.append(f"    in front: {front[0]}")
    elif front:
        out.append(f"    in front ({len(front)} ways in):")
        out += [f"      {line}" for line in front]
    else:
        out.append("    in front: no route among these files resolves to this pool")
    out += [f"    {line}" for line in _behind_lines(scenario, pool)]
    for workload in pool["workloads"]:
        out += _workload_lines(workload, "    ")
    out.append(f"    why: {pool['why']}.")
    return out


def text(doc: dict[str, Any]) -> str:
    out: list[str] = []
    for scenario in doc["scenarios"]:
        out.append(f"scenario {scenario['name']} (GIE {scenario['gie_version']})")
        if scenario["note"]:
            out.append(f"  {scenario['note']}")
        for pool in scenario["pools"]:
            out += _pool_lines(scenario, pool)
        if scenario["other_workloads"]:
            out.append("  other workloads:")
            for workload in scenario["other_workloads"]:
                out += _workload_lines(workload, "    ")
        if scenario["unresolved"]:
            out.append("  unresolved references (not drawn):")
            out += [f"    {u['from']} {u['reference']} ({u['file']}:{u['line']}): {u['why']}"
                    for u in scenario["unresolved"]]
        out.append("")
    if doc["differences"]:
        names = [s["name"] for s in doc["scenarios"]]
        workloads = {(s["name"], w["ref"]): w for s in doc["scenarios"]
                     for w in [w for p in s["pools"] for w in p["workloads"]] + s["other_workloads"]}
        out.append(f"differences ({' | '.join(names)}):")
        for row in doc["differences"]:
            cells = []
            for name in names:
                at = row["at"].get(name)
                cells.append(_difference_cell(row, name, workloads.get((name, row["workload"]))) +
                             (f" ({at})" if at else ""))
            out.append(f"  {row['workload']} {row['what']}: " + " | ".join(cells))
        out.append("")
    return "\n".join(printable(line) for line in out)  # nothing from a manifest moves the cursor


def _difference_cell(row: dict[str, Any], name: str, workload: dict[str, Any] | None) -> str:
    """One scenario's value in a differences row: `absent` where the workload is not there, `unknown` for an
    unknowable value, `none` for no autoscaler."""
    if name not in row["at"]:
        return "absent"
    if row["what"] == "replicas" and workload is not None:
        return _count_text(workload)  # as the workload line shows it: `1–4 (HPA)` when an HPA scales it
    value = row["values"].get(name)
    if value is None:
        return "none" if row["what"] == "autoscaler" else "unknown"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _label(text_: str) -> str:
    """A Mermaid node label: quoted, with quotes and markup characters as entity codes."""
    escaped = text_.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return '"' + escaped.replace("\n", "<br/>") + '"'


def _node_label(node: dict[str, Any], workloads: dict[str, dict[str, Any]]) -> str:
    if node["role"] == "listener":
        port = f" :{node['port']}" if node["port"] is not None else ""
        return f"listener {node['name']}\n{node['protocol']}{port}"
    label = str(node["ref"])
    w = workloads.get(node["ref"])
    if w is not None:
        count = _count_text(w)
        label += f"\n{count} {'replica' if count == '1' else 'replicas'}"
        if w["role"] == "endpoint-picker":
            label += "\n" + _le_text(w)
    return label


def _comment(text_: str) -> str:
    """A Mermaid `%%` comment: one line, so nothing from a manifest becomes a statement."""
    return " ".join(text_.split())


def mermaid(doc: dict[str, Any]) -> str:
    """The request graph of each scenario: exactly its resolved edges, each labelled with the reference."""
    out = ["flowchart LR"]
    for s_index, scenario in enumerate(doc["scenarios"]):
        out.append(f"  subgraph s{s_index}[{_label('scenario ' + scenario['name'])}]")
        if not scenario["pools"]:
            out.append(f"    s{s_index}_none[{_label(scenario['note'])}]")
        workloads = {w["ref"]: w for p in scenario["pools"] for w in p["workloads"]}
        ids: dict[str, str] = {}
        for node in scenario["graph"]["nodes"]:
            ids[node["id"]] = f"s{s_index}_n{len(ids)}"
            out.append(f"    {ids[node['id']]}[{_label(_node_label(node, workloads))}]")
        for edge in scenario["graph"]["edges"]:
            via = edge["via"] + (f" {edge['weight']}" if "weight" in edge else "")
            out.append(f"    {ids[edge['from']]} -->|{_label(via)}| {ids[edge['to']]}")
        for p_index, pool in enumerate(scenario["pools"]):
            out.append(f"    %% pool {p_index}: {_comment(pool['why'])}")
        for item in scenario["unresolved"]:
            out.append(f"    %% unresolved, not drawn: {_comment(item['from'] + ' ' + item['reference'])}: "
                       f"{_comment(item['why'])}")
        out.append("  end")
    return "\n".join(out) + "\n"


def render(run: Run, fmt: str) -> str:
    doc = model(run)
    if fmt == "json":
        return encodable(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if fmt == "mermaid":
        return encodable(mermaid(doc))
    return text(doc)
