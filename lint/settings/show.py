"""`gie-lint config --show`: every effective setting and where it came from (flag, config file:line, default)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from gie_lint.rules import registry
from gie_lint.settings import config


def render(cfg: config.Config, cli_vars: Mapping[str, str], args: argparse.Namespace) -> str:
    origin = cfg.origins

    def pick(flag: str, flag_value: Any, key: str, value: Any, default: str) -> tuple[Any, str]:
        if flag_value is not None:
            return flag_value, flag
        if key in origin:
            return value, origin[key]
        return None, default

    def comma(values: list[str] | None) -> list[str] | None:
        return None if values is None else [t.strip() for v in values for t in v.split(",") if t.strip()]

    rows: list[tuple[str, Any, str]] = [("config", config.display(cfg.path) if cfg.path else None,
                                         "--config" if args.config else ("found" if cfg.path else "none found"))]
    rows.append(("gie_version", *pick("--gie-version", args.gie_version, "gie_version", cfg.gie_version,
                                      "default: from the EPP image tag, else the newest release")))
    rows.append(("llm_d_router_version", *pick("--llm-d-router-version", args.llm_d_router_version,
                                               "llm_d_router_version", cfg.llm_d_router_version,
                                               "default: each llm-d-router EPP by its image tag")))
    rows.append(("kubernetes_version", *pick("--kubernetes-version", args.kubernetes_version, "kubernetes_version",
                                             cfg.kubernetes_version, "default: newest bundled")))
    rows.append(("gateway_api_version", *pick("--gateway-api-version", args.gateway_api_version, "gateway_api_version",
                                              cfg.gateway_api_version, "default: newest bundled")))
    channel = pick("--gateway-api-channel", args.gateway_api_channel, "gateway_api_channel", cfg.gateway_api_channel,
                   "default")
    rows.append(("gateway_api_channel", channel[0] or "standard", channel[1]))
    namespace = pick("--namespace", args.namespace, "namespace", cfg.namespace, "default")
    rows.append(("namespace", namespace[0] or "default", namespace[1]))
    variables = {**cfg.variables, **cli_vars}
    rows.append(("variables", variables, "--var and " + origin["variables"] if cli_vars and "variables" in origin
                 else "--var" if cli_vars else origin.get("variables", "default")))
    select = pick("--select", comma(args.select), "select", list(cfg.select or ()), "default: every rule")
    ignore = pick("--ignore", comma(args.ignore), "ignore", list(cfg.ignore), "default")
    rows.append(("select", select[0], select[1]))
    rows.append(("ignore", ignore[0] or [], ignore[1]))
    rows.append(("severity", {k: str(v) for k, v in cfg.severity.items()}, origin.get("severity", "default")))
    exclude = pick("--exclude", args.exclude, "exclude", list(cfg.exclude), "default")
    rows.append(("exclude", exclude[0] or [], exclude[1]))
    rows.append(("templates", list(cfg.templates), origin.get("templates", "default: placeholders by evidence")))
    per_file = pick("--per-file" if args.per_file else "--no-per-file", args.per_file, "per_file", cfg.per_file,
                    "default: off")
    rows.append(("per_file", bool(per_file[0]), per_file[1]))
    rows.append(("suppress", [_suppression(s) for s in cfg.suppress], origin.get("suppress", "default")))
    rows.append(("scenarios", {name: list(s.files) for name, s in cfg.scenarios.items()},
                 origin.get("scenarios", "default")))
    chosen = registry.selected(select[0] if select[0] is not None else None, ignore[0] or ())
    lines = [f"{key}: {_value(value)}  # {where}" for key, value, where in rows]
    lines.append(f"# effective rules: {len(chosen)} ({', '.join(r.id for r in chosen)})")
    return "\n".join(lines) + "\n"


def _suppression(entry: Any) -> dict[str, str]:
    fields = {"rule": entry.rule, "kind": entry.kind, "namespace": entry.namespace, "name": entry.name,
              "reason": entry.reason}
    return {k: v for k, v in fields.items() if v is not None}


def _value(value: Any) -> str:
    """Flow-style YAML (JSON is valid YAML): one line per setting, unambiguous."""
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)
