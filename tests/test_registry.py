"""The registry and the rule API: where each rule lives, how docs are read, and fidelity to ../shared/rules.md."""

from __future__ import annotations

import re

import pytest
from gie_lint.result import Severity
from gie_lint.rules.api import Rule, ScenarioRule, scenario_rule
from gie_lint.rules.docs import parse_docs
from gie_lint.rules.registry import all_rules, lookup, matching, module_of, selected

from tests.conftest import ROOT, SHARED, need_shared

# Every rule id and the module that declares it. Moving or adding a rule changes this table on purpose:
# the layout is part of the design (a rule's group says what it checks).
MODULES = {
    "gie_lint.rules.source.reading": "GIE900 GIE901 GIE902 GIE903 GIE904 GIE905 GIE906",
    "gie_lint.rules.schema.pool": "GIE001 GIE002 GIE003",
    "gie_lint.rules.schema.pool_refs": "GIE005 GIE006 GIE007",
    "gie_lint.rules.schema.objective": "GIE004 GIE080 GIE082",
    "gie_lint.rules.schema.generic": "GIE910 GIE911 GIE912",
    "gie_lint.rules.pool.selector": "GIE010",
    "gie_lint.rules.pool.servers": "GIE011 GIE012 GIE013",
    "gie_lint.rules.pool.app_protocol": "GIE014",
    "gie_lint.rules.pool.epp_ref": "GIE020 GIE021 GIE022 GIE024",
    "gie_lint.rules.epp.wiring": "GIE023 GIE025 GIE026",
    "gie_lint.rules.epp.flags": "GIE030 GIE031 GIE032 GIE033",
    "gie_lint.rules.epp.standalone": "GIE038",
    "gie_lint.rules.epp.container": "GIE034 GIE035 GIE037",
    "gie_lint.rules.epp.health": "GIE036",
    "gie_lint.rules.replicas.leader_election": "GIE040 GIE042 GIE043 GIE044",
    "gie_lint.rules.replicas.hpa_with_le": "GIE047",
    "gie_lint.rules.replicas.variant_drift": "GIE045",
    "gie_lint.rules.replicas.model_servers": "GIE046",
    "gie_lint.rules.rbac.leases": "GIE041",
    "gie_lint.rules.rbac.watch": "GIE050 GIE051",
    "gie_lint.rules.rbac.binding": "GIE052",
    "gie_lint.rules.config.schema": "GIE060 GIE061",
    "gie_lint.rules.config.plugins": "GIE062 GIE063 GIE067",
    "gie_lint.rules.config.refs": "GIE064 GIE065",
    "gie_lint.rules.config.values": "GIE066 GIE068",
    "gie_lint.rules.routing.routes": "GIE070 GIE071 GIE072 GIE073",
    "gie_lint.rules.routing.objectives": "GIE081 GIE083",
    "gie_lint.rules.run.suppressions": "GIE920 GIE921",
    "gie_lint.rules.run.identities": "GIE930",
    "gie_lint.rules.run.crashed": "GIE999",
}

DOC = '''Checks a thing.

## Why it breaks
Because.

## Bad
```yaml
a: 1
```

## Good
```yaml
a: 2
```

## Fix
Change it.
'''


def test_every_rule_id_maps_to_its_module() -> None:
    expected = {rule_id: module for module, ids in MODULES.items() for rule_id in ids.split()}
    found = {rule.id: module_of(rule) for rule in all_rules()}
    assert found == expected


def test_docs_sections_are_read_from_the_docstring() -> None:
    docs = parse_docs(DOC, "here")
    assert (docs.summary, docs.why, docs.bad, docs.good, docs.fix) == ("Checks a thing.", "Because.", "a: 1", "a: 2",
                                                                      "Change it.")


@pytest.mark.parametrize("broken", [DOC.replace("## Fix\nChange it.\n", ""), DOC.replace("```yaml\na: 1\n```", "a: 1"),
                                    DOC.replace("## Why it breaks", "## Why"), "", None])
def test_incomplete_docs_are_a_declaration_error(broken: str | None) -> None:
    with pytest.raises(ValueError, match="here"):
        parse_docs(broken, "here")


def test_decorator_declares_a_typed_rule_and_rejects_bad_ids() -> None:
    def check(scenario: object) -> list[object]:
        return []

    check.__doc__ = DOC
    rule = scenario_rule("GIE998", "a-test-rule", Severity.INFO, kinds=("Pod",))(check)  # type: ignore[arg-type]
    assert isinstance(rule, ScenarioRule) and rule.scope == "scenario" and rule.kinds == {"Pod"}
    assert rule.info.why == "Because."
    with pytest.raises(ValueError):
        scenario_rule("X1", "Bad Name", Severity.ERROR)(check)  # type: ignore[arg-type]


def test_lookup_and_selection() -> None:
    assert lookup("gie040").name == "epp-replicas-without-le" and lookup("epp-replicas-without-le").id == "GIE040"
    with pytest.raises(KeyError, match="did you mean"):
        lookup("epp-replica-without-le")
    assert {r.id for r in matching(["GIE04"])} == {"GIE040", "GIE041", "GIE042", "GIE043", "GIE044", "GIE045",
                                                    "GIE046", "GIE047"}
    assert [r.id for r in selected(["GIE04"], ["GIE045", "epp-le-rbac"])] == ["GIE040", "GIE042", "GIE043",
                                                                            "GIE044", "GIE046", "GIE047"]


def test_only_rule_objects_are_registered() -> None:
    assert all(isinstance(rule, Rule) and rule.scope for rule in all_rules())


# Ids the project added in gaps of the catalog's numbering (§4.5 leader election and replicas); like the
# GIE9xx range they must stay absent from the catalog, so a later catalog entry cannot collide unnoticed.
PROJECT_IDS = {"GIE045", "GIE046", "GIE047"}


def test_catalog_ids_names_and_severities_match() -> None:
    catalog = SHARED / "rules.md"
    need_shared(catalog)
    rows = dict((m.group(1), (m.group(2), m.group(3))) for m in re.finditer(
        r"^\| (GIE\d{3}) \| ([a-z0-9-]+) \| ([a-z/→]+) \|", catalog.read_text(), re.M))
    assert len(rows) > 50
    for rule in all_rules():
        if rule.id >= "GIE900" or rule.id in PROJECT_IDS:
            assert rule.id not in rows  # our own range stays clear of the catalog's
            continue
        name, severity = rows[rule.id]
        assert rule.name == name, rule.id
        assert str(rule.severity) == re.split(r"[→/]", severity)[0], rule.id


def test_the_readme_states_the_registered_rule_count() -> None:
    counts = re.findall(r"lists all (\d+) rules", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert counts == [str(len(all_rules()))]


def test_rule_pages_in_the_terminal_never_split_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """`--ha-enable-leader-election` wrapped at a hyphen can be neither copied nor grepped."""
    from gie_lint.cli.main import main

    split = []
    for rule in all_rules():
        assert main(["rule", rule.id]) == 0
        prose = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("    ")]
        split += [f"{rule.id}: {line}" for line in prose if re.search(r"[\w`]-$", line)]
    assert split == []
