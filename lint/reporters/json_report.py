"""JSON: a stable, documented document for tools (see docs/json-format.md).

`format_version` bumps on breaking change.
"""

from __future__ import annotations

import json
from typing import Any

from gie_lint import __version__
from gie_lint.reporters import DEFAULT_OPTIONS, Options
from gie_lint.result import Finding, RunResult

FORMAT_VERSION = 1


def as_data(result: RunResult) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "gie-lint", "version": __version__},
        "scenarios": [
            {
                "name": s.name,
                "gie_version": s.gie_version,
                "gie_version_reason": s.gie_version_reason,
                "kubernetes_version": s.kubernetes_version,
                "gateway_api_version": s.gateway_api_version,
                "gateway_api_channel": s.gateway_api_channel,
                "gateway_api_reason": s.gateway_api_reason,
                "namespace": s.namespace,
                "files": list(s.files),
                "resources": len(s.objects),
                "findings": len(s.findings),
                "epps": [{"resource": e.resource, "file": e.file, "line": e.line, "release": e.release,
                          "reason": e.reason} for e in s.epps],
            }
            for s in result.scenarios
        ],
        "findings": [_finding(f) for f in result.findings],
        "suppressed": [{**_finding(s.finding), "reason": s.reason, "suppressed_by": s.by} for s in result.suppressed],
        "summary": {"files": result.files, "resources": result.resources, **result.counts(),
                    "suppressed": len(result.suppressed)},
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {"rule_id": f.rule_id, "rule_name": f.rule_name, "severity": str(f.severity), "message": f.message,
            "file": f.file, "line": f.line, "column": f.column, "resource": f.resource}


def render(result: RunResult, options: Options = DEFAULT_OPTIONS) -> str:
    return json.dumps(as_data(result), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
