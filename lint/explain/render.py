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
    return lines


def text(doc: dict[str, Any]) -> str:
    out: list[str] = []
    for scenario in doc["scenarios"]:
        out.append(f"scenario {scenario['name']} (GIE {scenario['gie_version']})")
        if scenario["note"]:
            out.append(f"  {scenario['note']}")
        for pool in scenario["pools"]:
            out.append(f"  {pool['ref']} ({pool['file']}:{pool['line']})")
            out.append("    request path: " + " → ".join(step["ref"] for step in pool["path"]))
            for workload in pool["workloads"]:
                out += _workload_lines(workload, "    ")
            out.append(f"    why: {pool['why']}.")
        if scenario["other_workloads"]:
            out.append("  other workloads:")
            for workload in scenario["other_workloads"]:
                out += _workload_lines(workload, "    ")
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


def mermaid(doc: dict[str, Any]) -> str:
    out = ["flowchart LR"]
    for s_index, scenario in enumerate(doc["scenarios"]):
        out.append(f"  subgraph s{s_index}[{_label('scenario ' + scenario['name'])}]")
        if not scenario["pools"]:
            out.append(f"    s{s_index}_none[{_label(scenario['note'])}]")
        ids: dict[str, str] = {}
        for p_index, pool in enumerate(scenario["pools"]):
            workloads = {w["ref"]: w for w in pool["workloads"]}
            previous: list[str] = []
            for role in ("gateway", "route", "pool", "epp-service", "endpoint-picker", "model-server"):
                step_ids = []
                for step in [x for x in pool["path"] if x["role"] == role]:
                    node = ids.setdefault(step["ref"], f"s{s_index}_n{len(ids)}")
                    label = step["ref"]
                    if step["ref"] in workloads:
                        w = workloads[step["ref"]]
                        count = _count_text(w)
                        label += f"\n{count} {'replica' if count == '1' else 'replicas'}"
                        if w["role"] == "endpoint-picker":
                            label += "\n" + _le_text(w)
                    out.append(f"    {node}[{_label(label)}]")
                    step_ids.append(node)
                if step_ids:
                    out += [f"    {a} --> {b}" for a in previous for b in step_ids]
                    previous = step_ids
            out.append(f"    %% pool {p_index}: {pool['why'].replace(chr(10), ' ')}")
        out.append("  end")
    return "\n".join(out) + "\n"


def render(run: Run, fmt: str) -> str:
    doc = model(run)
    if fmt == "json":
        return encodable(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if fmt == "mermaid":
        return encodable(mermaid(doc))
    return text(doc)
