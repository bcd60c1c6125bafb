"""GIE920–GIE921: suppressions that do nothing, reported by the suppression stage (`gie_lint.engine.suppress`)."""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import ANNOTATION, FileHit, RunReport, run_rule


@run_rule("GIE920", "unused-suppression", Severity.WARNING)
def unused_suppression(report: RunReport) -> Iterator[FileHit]:
    """Every suppression (annotation, `# gie-lint: ignore=` comment or config `suppress:` entry) still matches a
    finding.

    ## Why it breaks
    A suppression outlives the problem it excused: the manifest gets fixed, the rule gets smarter, or the object
    is renamed. A stale one silently hides the next, real finding at the same place, and a misspelt rule id
    never suppressed anything. Reporting them keeps every exception deliberate.

    ## Bad
    ```yaml
    metadata:
      name: epp
      annotations:
        gie-lint.io/ignore: "GIE040: active-active on purpose"
    spec:
      replicas: 1
    ```

    ## Good
    ```yaml
    metadata:
      name: epp
      annotations:
        gie-lint.io/ignore: "GIE040: active-active on purpose"
    spec:
      replicas: 3
    ```

    ## Fix
    Delete the suppression (or correct the rule id or name it gives). Suppressions of rules that did not run
    (`--select`/`--ignore`) are not reported.
    """
    for use in report.suppressions:
        if not use.reason or use.matched:
            continue
        if use.rule_id is None:
            message = f"suppression names `{use.rule}`, which is not a gie-lint rule: use a rule id or name"
        elif use.rule_ran:  # a rule that did not run (select/ignore) cannot have matched
            message = f"suppression of {use.rule_id} {use.rule_name} matches no finding: remove it (reason given: " \
                      f"{use.reason})"
        else:
            continue
        yield FileHit(use.file, use.line, use.column, message, resource=use.resource, scenarios=use.scenarios)

@run_rule("GIE921", "suppression-without-reason", Severity.WARNING)
def suppression_without_reason(report: RunReport) -> Iterator[FileHit]:
    """Every suppression says why the finding is intended.

    ## Why it breaks
    A reason turns a silenced finding into a reviewed decision that the next reader can re-check. A suppression
    without one is not applied: the finding is still reported, next to this one.

    ## Bad
    ```yaml
    # gie-lint: ignore=GIE040
    replicas: 3
    ```

    ## Good
    ```yaml
    # gie-lint: ignore=GIE040 active-active on purpose: GKE preferred backends
    replicas: 3
    ```

    ## Fix
    Write the reason after the rule: `# gie-lint: ignore=GIE040 <why>`, `gie-lint.io/ignore: "GIE040: <why>"` or
    `reason:` in a config `suppress:` entry.
    """
    for use in report.suppressions:
        if use.reason:
            continue
        example = {"annotation": f"{ANNOTATION}: \"{use.rule}: <why>\"",
                   "comment": f"# gie-lint: ignore={use.rule} <why>"}.get(use.origin, "reason: <why>")
        yield FileHit(use.file, use.line, use.column, f"suppression of {use.rule} has no reason, so it is not applied: "
                      f"say why the finding is intended (`{example}`)", resource=use.resource, scenarios=use.scenarios)
