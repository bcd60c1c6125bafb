"""Suppressions: annotations (object and pod template), comments, config entries; reasons; GIE920/921; reporting."""

from __future__ import annotations

import json
from pathlib import Path

from gie_lint.engine import suppress

from tests.reporting_helpers import BAD_POOL, isolated, run  # noqa: F401

ARGS = ("--gie-version", "v1.5.0", "--format", "json")


def _annotated(value: str) -> str:
    return BAD_POOL.replace("  name: portless\n",
                            f"  name: portless\n  annotations:\n    gie-lint.io/ignore: {value}\n")


def _check(capsys, *argv: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "check", *argv, *ARGS)
    assert err == "", err
    return code, json.loads(out)


def test_annotation_with_reason_suppresses(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(_annotated('"GIE002: not this one; GIE005: the port comes from a patch"'))
    code, data = _check(capsys, "pool.yaml")
    assert code == 0
    assert [f["rule_id"] for f in data["findings"]] == ["GIE920"]  # the GIE002 entry matched nothing
    (entry,) = data["suppressed"]
    assert (entry["rule_id"], entry["reason"]) == ("GIE005", "the port comes from a patch")
    assert entry["suppressed_by"] == "annotation at pool.yaml:6"
    assert data["summary"]["suppressed"] == 1


def test_annotation_entries_split_by_newlines_and_names(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(_annotated("|\n      pool-epp-ref-port-required: patched\n      "))
    code, data = _check(capsys, "pool.yaml")
    assert code == 0 and data["findings"] == [] and len(data["suppressed"]) == 1


def test_pod_template_annotation(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    finding_free = (isolated / "deploy.yaml")
    finding_free.write_text("""apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        gie-lint.io/ignore: "GIE040: active-active on purpose"
    spec:
      containers: [{name: web, image: nginx}]
""")
    code, data = _check(capsys, "deploy.yaml", "--fail-on", "info")
    # GIE040 does not fire on a non-EPP Deployment: the suppression is reported as unused, at its line.
    assert [(f["rule_id"], f["line"]) for f in data["findings"]] == [("GIE920", 10)]
    assert code == 1


def test_comment_on_the_line_and_above(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    same_line = BAD_POOL.replace("  endpointPickerRef:\n", "  endpointPickerRef:  # gie-lint: ignore=GIE005 patched\n")
    above = BAD_POOL.replace("  endpointPickerRef:\n", "  # gie-lint: ignore=GIE005 patched later\n"
                             "  # (the port comes from kustomize)\n  endpointPickerRef:\n")
    for text in (same_line, above):
        (isolated / "pool.yaml").write_text(text)
        code, data = _check(capsys, "pool.yaml")
        assert code == 0 and data["findings"] == [], data["findings"]
        assert data["suppressed"][0]["suppressed_by"].startswith("comment at pool.yaml:")


def test_comment_does_not_reach_further_lines(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    text = BAD_POOL.replace("  selector:", "  # gie-lint: ignore=GIE005 wrong place\n  selector:")
    (isolated / "pool.yaml").write_text(text)
    code, data = _check(capsys, "pool.yaml")
    assert code == 1
    assert sorted(f["rule_id"] for f in data["findings"]) == ["GIE005", "GIE920"]


def test_config_entries(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(BAD_POOL)
    (isolated / ".gie-lint.yaml").write_text(
        "suppress:\n"
        "  - {rule: GIE005, kind: InferencePool, namespace: default, name: 'port*', reason: patched in prod}\n"
        "  - {rule: GIE005, kind: InferencePool, name: other, reason: stale}\n")
    code, data = _check(capsys, "pool.yaml")
    assert code == 0
    assert data["suppressed"][0]["suppressed_by"] == "config at .gie-lint.yaml:2"
    (unused,) = data["findings"]
    assert (unused["rule_id"], unused["file"], unused["line"]) == ("GIE920", ".gie-lint.yaml", 3)


def test_missing_reason_is_reported_and_not_applied(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(_annotated('"GIE005"'))
    code, data = _check(capsys, "pool.yaml")
    assert code == 1
    assert sorted(f["rule_id"] for f in data["findings"]) == ["GIE005", "GIE921"]
    assert data["suppressed"] == []


def test_unused_is_silent_for_rules_that_did_not_run(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(_annotated('"GIE040: not an EPP"'))
    code, data = _check(capsys, "pool.yaml", "--select", "GIE0,GIE92", "--ignore", "GIE040")
    assert [f["rule_id"] for f in data["findings"]] == ["GIE005"]


def test_text_summary_and_show_suppressed(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(_annotated('"GIE005: patched"'))
    code, out, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0")
    assert code == 0
    assert out.splitlines()[-1] == ("1 file, 1 resource checked: 0 findings (0 errors, 0 warnings, 0 info; "
                                    "1 suppressed)")
    assert "suppressed by" not in out
    _, shown, _ = run(capsys, "check", "pool.yaml", "--gie-version", "v1.5.0", "--show-suppressed")
    assert "pool.yaml:10:3: error GIE005 pool-epp-ref-port-required:" in shown
    assert "(suppressed by annotation at pool.yaml:6: patched)" in shown


def test_comment_parser_details() -> None:
    lines = ["a: 1  # gie-lint: ignore=GIE001,pool-v1-shape reason here  # other comment",
             "b: 'x#gie-lint: ignore=GIE002 not a comment'",
             "# gie-lint: ignore=GIE003",
             "",
             "c: 1"]
    found = suppress.from_comments("f.yaml", lines)
    assert [(s.rule, s.reason, s.line, s.column, sorted(s.lines)) for s in found] == [
        ("GIE001", "reason here", 1, 7, [1]), ("pool-v1-shape", "reason here", 1, 7, [1]), ("GIE003", "", 3, 1, [3, 5])]
