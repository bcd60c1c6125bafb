"""GIE920–GIE921: suppressions that do nothing, reported by the suppression stage (`lint.engine.suppress`)."""

from __future__ import annotations

from lint.result import Severity
from lint.rules.api import Rule

UNUSED_SUPPRESSION = Rule(
    id="GIE920", name="unused-suppression", severity=Severity.WARNING, scope="source",
    summary="Every suppression (annotation, `# gie-lint: ignore=` comment or config `suppress:` entry) "
            "still matches a finding.",
    rationale="A suppression outlives the problem it excused: the manifest gets fixed, the rule gets smarter, "
              "or the object is renamed. A stale one silently hides the next, real finding at the same place, "
              "and a misspelt rule id never suppressed anything. Reporting them keeps every exception deliberate.",
    bad="metadata:\n  name: epp\n  annotations:\n    gie-lint.io/ignore: \"GIE040: active-active on purpose\"\n"
        "spec:\n  replicas: 1",
    good="metadata:\n  name: epp\n  annotations:\n    gie-lint.io/ignore: \"GIE040: active-active on purpose\"\n"
         "spec:\n  replicas: 3",
    fix="Delete the suppression (or correct the rule id or name it gives). Suppressions of rules that did not run "
        "(`--select`/`--ignore`) are not reported.",
)

SUPPRESSION_WITHOUT_REASON = Rule(
    id="GIE921", name="suppression-without-reason", severity=Severity.WARNING, scope="source",
    summary="Every suppression says why the finding is intended.",
    rationale="A reason turns a silenced finding into a reviewed decision that the next reader can re-check. "
              "A suppression without one is not applied: the finding is still reported, next to this one.",
    bad="# gie-lint: ignore=GIE040\nreplicas: 3",
    good="# gie-lint: ignore=GIE040 active-active on purpose: GKE preferred backends\nreplicas: 3",
    fix="Write the reason after the rule: `# gie-lint: ignore=GIE040 <why>`, `gie-lint.io/ignore: \"GIE040: <why>\"` "
        "or `reason:` in a config `suppress:` entry.",
)
