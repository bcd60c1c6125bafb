"""`gie-lint versions`: every release line and release gie-lint knows, and the schema versions it bundles."""

from __future__ import annotations

import json
from typing import Any

from gie_lint.releases import builds
from gie_lint.schema import catalog


def _release_rows() -> list[dict[str, Any]]:
    rows = []
    for line in builds.lines():
        newest = line.newest()
        for tag in line.tags:
            facts = line.entries[tag]
            release = line.release(tag)
            api = builds.gie_api_of(release)
            rows.append({"line": line.project, "name": line.name, "release": tag, "date": facts.get("date", ""),
                         "branch": facts.get("branch", ""), "newest": release == newest,
                         "gie_api": api.tag if api is not None else None,
                         "config_api_versions": list((release.epc() or {}).get("epc_api_versions", []))})
    return rows


def data() -> dict[str, Any]:
    index = catalog.Index(catalog.schemas_dir())
    return {"releases": _release_rows(),
            "gateway_api": sorted(index.data.get("gateway-api", {}), key=catalog.tag_key),
            "kubernetes": catalog.resolve_kubernetes_version(None)[0]}


def render(fmt: str) -> str:
    found = data()
    if fmt == "json":
        return json.dumps(found, indent=2, sort_keys=True) + "\n"
    out, current = [], None
    for row in found["releases"]:
        if row["line"] != current:
            current = row["line"]
            out.append(f"{row['name']} ({row['line']}):")
        notes = [n for n in (row["date"], "main branch" if row["branch"] == "main" else "",
                             f"GIE API {row['gie_api']}" if row["gie_api"] and row["line"] != "gie" else "",
                             "newest" if row["newest"] else "") if n]
        config = ", ".join(row["config_api_versions"]) or "no EndpointPickerConfig"
        out.append(f"  {row['release']:<14} {' · '.join(notes)}; config: {config}")
    out.append(f"Gateway API schemas: {', '.join(found['gateway_api'])} (standard and experimental)")
    out.append(f"Kubernetes schemas: up to {found['kubernetes']}")
    return "\n".join(out) + "\n"
