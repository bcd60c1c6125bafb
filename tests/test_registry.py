"""The registry: complete, documented, and faithful to the product's rule catalog (../shared/rules.md)."""

from __future__ import annotations

import re

import pytest

from lint.result import Severity
from lint.rules.api import Rule, all_rules
from tests.conftest import SHARED


def test_ids_and_names_unique_and_sorted() -> None:
    rules = all_rules()
    assert [r.id for r in rules] == sorted({r.id for r in rules})
    assert len({r.name for r in rules}) == len(rules)


def test_every_rule_documented() -> None:
    for rule in all_rules():
        for part in ("summary", "rationale", "bad", "good", "fix"):
            assert len(getattr(rule, part).strip()) >= 10, (rule.id, part)
        assert rule.scope == "source" or rule.check is not None, rule.id


def test_malformed_declaration_rejected() -> None:
    with pytest.raises(ValueError):
        Rule(id="X1", name="Bad Name", severity=Severity.ERROR, scope="resource", summary="s", rationale="r",
             bad="b", good="g", fix="f")
    with pytest.raises(ValueError):
        Rule(id="GIE999", name="no-docs", severity=Severity.ERROR, scope="resource", summary=" ", rationale="r",
             bad="b", good="g", fix="f")


# Ids the project added in gaps of the catalog's numbering (§4.5 leader election and replicas); like the
# GIE9xx range they must stay absent from the catalog, so a later catalog entry cannot collide unnoticed.
PROJECT_IDS = {"GIE045", "GIE046", "GIE047"}


def test_catalog_ids_names_and_severities_match() -> None:
    catalog = SHARED / "rules.md"
    if not catalog.is_file():
        pytest.skip("../shared/rules.md not present")
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
