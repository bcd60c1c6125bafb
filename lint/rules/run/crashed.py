"""GIE999: a rule that failed on unexpected input reports that, instead of crashing the run."""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import FileHit, RunReport, run_rule


@run_rule("GIE999", "rule-crashed", Severity.WARNING)
def rule_crashed(report: RunReport) -> Iterator[FileHit]:
    """Every rule finishes on every object; if one fails on unexpected input, that is reported.

    ## Why it breaks
    Manifests are untrusted and rules read values no schema has vouched for. A failing rule must not hide the
    other findings or end the run with a traceback; it says which object it could not check.

    ## Bad
    ```yaml
    (an object shaped so oddly that a rule fails on it: a gie-lint bug)
    ```

    ## Good
    ```yaml
    (every rule checks the object)
    ```

    ## Fix
    Report the manifest to the gie-lint maintainers; the other findings of the run are complete.
    """
    for crash in report.crashes:
        yield FileHit(crash.file, crash.line, crash.column,
                      f"{crash.rule_id} {crash.rule_name} could not check this object ({crash.error}); it was not "
                      "fully checked: please report this with the manifest", resource=crash.resource,
                      scenarios=(crash.scenario,))
