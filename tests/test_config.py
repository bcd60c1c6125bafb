"""Config: pyproject [tool.gie-lint], select/ignore/severity/exclude, CLI overrides, errors with lines, --show."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from gie_lint.settings import config

from tests.reporting_helpers import BAD_POOL, ROOT, isolated, run  # noqa: F401

LEGACY_POOL = BAD_POOL.replace("targetPorts: [{number: 8000}]", "targetPortNumber: 8000")  # GIE002 + GIE005


def _ids(capsys, *argv: str) -> list[str]:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *argv, "--format", "json")
    assert err == "", err
    return sorted(f["rule_id"] for f in json.loads(out)["findings"])


def test_schema_copy_is_current() -> None:
    shipped = ROOT / "schemas" / "gie-lint-config.schema.json"
    assert shipped.read_bytes() == config.SCHEMA_FILE.read_bytes(), "run `make schemas`"
    jsonschema.Draft202012Validator.check_schema(json.loads(shipped.read_text()))


def test_pyproject_table_is_found_and_used(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(LEGACY_POOL)
    (isolated / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.gie-lint]\ngie_version = "v1.5.0"\n'
                                             'ignore = ["GIE002"]\n\n[tool.gie-lint.severity]\nGIE005 = "warning"\n')
    (isolated / "sub").mkdir()
    assert config.find(isolated / "sub") == isolated / "pyproject.toml"
    code, out, _ = run(capsys, "check", "pool.yaml", "--format", "json")
    data = json.loads(out)
    assert code == 0  # GIE005 is only a warning now
    assert [(f["rule_id"], f["severity"]) for f in data["findings"]] == [("GIE005", "warning")]
    assert data["scenarios"][0]["gie_version"] == "v1.5.0"


def test_yaml_config_wins_over_pyproject_in_the_same_folder(isolated: Path) -> None:
    (isolated / "pyproject.toml").write_text('[tool.gie-lint]\ngie_version = "v1.0.0"\n')
    (isolated / ".gie-lint.yaml").write_text("gie_version: v1.5.0\n")
    assert config.find(isolated) == isolated / ".gie-lint.yaml"


def test_pyproject_without_table_is_skipped(isolated: Path) -> None:
    (isolated / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert config.find(isolated) is None or config.find(isolated) != isolated / "pyproject.toml"


def test_pyproject_errors_name_the_line(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(LEGACY_POOL)
    (isolated / "pyproject.toml").write_text('[tool.gie-lint]\ngie_version = "v1.5.0"\nselect = ["GIE0"]\n'
                                             'bogus = 1\n')
    code, out, err = run(capsys, "check", "pool.yaml")
    assert code == 2 and out == ""
    assert err.startswith("gie-lint: pyproject.toml:4:1: invalid config at bogus"), err


def test_select_ignore_prefixes_and_names(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(LEGACY_POOL)
    base = ["check", "pool.yaml", "--gie-version", "v1.5.0"]
    assert _ids(capsys, *base) == ["GIE002", "GIE005"]
    assert _ids(capsys, *base, "--select", "GIE00") == ["GIE002", "GIE005"]
    assert _ids(capsys, *base, "--select", "pool-v1-shape") == ["GIE002"]
    assert _ids(capsys, *base, "--ignore", "GIE002,pool-epp-ref-port-required") == []
    (isolated / ".gie-lint.yaml").write_text("ignore: [GIE005]\nseverity: {GIE002: info}\n")
    code, out, _ = run(capsys, *base, "--format", "json")
    assert code == 0
    assert [(f["rule_id"], f["severity"]) for f in json.loads(out)["findings"]] == [("GIE002", "info")]
    assert _ids(capsys, *base, "--ignore", "GIE002") == ["GIE005"]  # the flag replaces the config's list


def test_unknown_rule_tokens_are_errors_with_lines(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(LEGACY_POOL)
    code, _, err = run(capsys, "check", "pool.yaml", "--select", "GIE7")
    assert code == 2 and "GIE7" in err
    (isolated / ".gie-lint.yaml").write_text("gie_version: v1.5.0\nignore:\n  - GIE002\n  - no-such-rule\n")
    code, _, err = run(capsys, "check", "pool.yaml")
    assert code == 2 and err.startswith("gie-lint: .gie-lint.yaml:4: ignore: `no-such-rule` names no rule"), err
    (isolated / ".gie-lint.yaml").write_text("severity: {GIE002: fatal}\n")
    code, _, err = run(capsys, "check", "pool.yaml")
    assert code == 2 and ".gie-lint.yaml:1:" in err and "severity.GIE002" in err, err


def test_exclude_applies_to_discovered_files_only(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for name in ("deploy/pool.yaml", "deploy/vendor/pool.yaml", "deploy/skip.tmpl.yaml"):
        (isolated / name).parent.mkdir(parents=True, exist_ok=True)
        (isolated / name).write_text(LEGACY_POOL)
    (isolated / ".gie-lint.yaml").write_text("gie_version: v1.5.0\nexclude: [vendor/, '*.tmpl.yaml']\n")

    def files(*argv: str) -> list[str]:
        _, out, _ = run(capsys, "check", *argv, "--format", "json")
        return json.loads(out)["scenarios"][0]["files"]

    assert files("deploy") == ["deploy/pool.yaml"]
    assert files("deploy", "deploy/vendor/pool.yaml") == ["deploy/pool.yaml", "deploy/vendor/pool.yaml"]
    assert files("deploy", "--exclude", "pool.yaml") == ["deploy/skip.tmpl.yaml"]  # replaces the config's


def test_config_show(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated / ".gie-lint.yaml").write_text("gie_version: v1.5.0\nselect: [GIE0]\nseverity: {GIE040: error}\n"
                                             "suppress:\n  - {rule: GIE040, name: epp, reason: active-active}\n")
    code, out, err = run(capsys, "config", "--show", "--ignore", "GIE040", "--namespace", "llm")
    assert (code, err) == (0, "")
    lines = dict(line.split(":", 1) for line in out.splitlines() if not line.startswith("#"))
    assert lines["gie_version"] == ' "v1.5.0"  # .gie-lint.yaml:1'
    assert lines["select"] == ' ["GIE0"]  # .gie-lint.yaml:2'
    assert lines["ignore"] == ' ["GIE040"]  # --ignore'
    assert lines["namespace"] == ' "llm"  # --namespace'
    assert lines["severity"] == ' {"GIE040": "error"}  # .gie-lint.yaml:3'
    assert '"reason": "active-active"' in lines["suppress"]
    assert lines["kubernetes_version"].endswith("# default: newest bundled")
    assert "GIE040" not in out.splitlines()[-1] and "GIE005" in out.splitlines()[-1]


def test_config_shows_by_default(isolated: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "config")
    assert code == 0 and "gie_version:" in out


@pytest.mark.parametrize("entry", ["{rule: GIE040}", "{rule: GIE040, reason: ''}", "{rule: GIE040, reason: x, pod: y}"])
def test_config_suppress_entries_are_validated(isolated: Path, capsys, entry: str) -> None:  # type: ignore[no-untyped-def]
    (isolated / "pool.yaml").write_text(LEGACY_POOL)
    (isolated / ".gie-lint.yaml").write_text(f"suppress:\n  - {entry}\n")
    code, _, err = run(capsys, "check", "pool.yaml")
    assert code == 2 and ".gie-lint.yaml:2:" in err, err


@pytest.mark.parametrize(("text", "expected"), [
    ("scenarios:\n  a:\n    paths: [x]\n    bogus: 1\n",
     ".gie-lint.yml:4:5: invalid config at scenarios.a.bogus: unknown key `bogus`: remove it; unknown key `paths`: "
     "remove it or rename it to `files` (allowed here: allowed_differences, description, files,"),
    ("scenarios:\n  a:\n    filez: [x]\n",
     ".gie-lint.yml:3:5: invalid config at scenarios.a.filez: unknown key `filez`: remove it or rename it to `files`"),
    ("gie_version: v1,5\n",
     ".gie-lint.yml:1:1: invalid config at gie_version: `v1,5` is not a version like v1.5.0 or 1.5 "
     "(did you mean v1.5.0?)"),
    ("variables:\n  1x: a\n", ".gie-lint.yml:2:3: invalid config at variables.1x: `1x` is not a variable name"),
    ("suppress:\n- rule: GIE040\n",
     ".gie-lint.yml:2:3: invalid config at suppress[0]: missing required key `reason`: add it under `suppress[0]`"),
    ("severity:\n  GIE040: fatal\n",
     ".gie-lint.yml:2:3: invalid config at severity.GIE040: `fatal` is not one of error, warning, info"),
    ("per_file: yes please\n", "invalid config at per_file: `yes please` is not of type boolean: write true/false"),
])
def test_config_errors_are_worded_for_humans(isolated: Path, capsys, text: str,  # type: ignore[no-untyped-def]
                                             expected: str) -> None:
    (isolated / ".gie-lint.yml").write_text(text)  # the .yml spelling is found as well
    code, out, err = run(capsys, "check")
    assert code == 2 and out == "" and len(err.splitlines()) == 1, err
    assert expected in err and "Additional properties" not in err and "does not match" not in err, err


def test_every_config_pattern_has_a_human_form() -> None:
    from gie_lint.settings import problems

    def patterns(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
            return found.union(*(patterns(value) for value in node.values()))
        return set().union(*(patterns(value) for value in node)) if isinstance(node, list) else set()

    assert patterns(json.loads(config.SCHEMA_FILE.read_text())) == set(problems.FORMS)


@pytest.mark.parametrize(("text", "expected"), [
    ('[project]\nname = "x"\n\n[tool.gie-lint\ngie_version = "v1.5.0"\n',
     "pyproject.toml:4:15: invalid TOML: Expected ']' at the end of a table declaration"),
    ('[tool.gie-lint]\ngie_version = "v1.5.0\n', "pyproject.toml:2:22: invalid TOML: Illegal character"),
])
def test_a_broken_pyproject_table_is_an_error_not_ignored(isolated: Path, capsys,  # type: ignore[no-untyped-def]
                                                          text: str, expected: str) -> None:
    (isolated / "pyproject.toml").write_text(text)
    assert config.find(isolated) == isolated / "pyproject.toml"
    code, out, err = run(capsys, "check")
    assert code == 2 and out == "" and err.startswith(f"gie-lint: {expected}") and err.count("\n") == 1, err


def test_broken_toml_elsewhere_is_not_our_business(isolated: Path) -> None:
    (isolated / "pyproject.toml").write_text('[tool.black\nline-length = 1\n')  # no gie-lint table meant
    assert config.find(isolated) is None or config.find(isolated) != isolated / "pyproject.toml"
