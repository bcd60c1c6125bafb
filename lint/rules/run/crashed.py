"""GIE999: a rule that failed on unexpected input reports that, instead of crashing the run."""

from __future__ import annotations

from lint.result import Severity
from lint.rules.api import Rule

RULE_CRASHED = Rule(
    id="GIE999", name="rule-crashed", severity=Severity.WARNING, scope="source",
    summary="Every rule finishes on every object; if one fails on unexpected input, that is reported.",
    rationale="Manifests are untrusted and rules read values no schema has vouched for. A failing rule must not "
              "hide the other findings or end the run with a traceback; it says which object it could not check.",
    bad="(an object shaped so oddly that a rule fails on it: a gie-lint bug)",
    good="(every rule checks the object)",
    fix="Report the manifest to the gie-lint maintainers; the other findings of the run are complete.",
)
