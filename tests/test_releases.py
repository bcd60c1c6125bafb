"""Release data: validated at load time, consistent with the shipped schemas, and the only source of versions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from gie_lint.releases import catalog, flags, plugins, rbac_needs, versions

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = ("releases", "epp_flags", "epc_plugins", "epp_rbac")


@pytest.mark.parametrize("line", catalog.LINES)
def test_every_data_file_loads_and_matches_its_schema(line: str) -> None:
    shipped = [name for name in DATA_FILES if catalog.has(line, name)]
    assert {"releases", "epp_flags", "epp_rbac"} <= set(shipped)
    for name in shipped:
        assert catalog.document(line, name)


def test_a_bad_entry_is_reported_at_its_file_and_line() -> None:
    text = (ROOT / "lint/releases/data/gie/epc_plugins.yaml").read_text(encoding="utf-8")
    good = "queue-scorer: {roles: [scorer], since: v0.5.1}"
    broken = text.replace(good, good.replace("v0.5.1", "0.5"))
    assert broken != text
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if row.strip().startswith("queue-scorer:"))
    with pytest.raises(catalog.ReleaseDataError, match=rf"^x/epc_plugins\.yaml:{line}: plugins/queue-scorer/since: "):
        catalog.validated(broken, "epc_plugins", "x/epc_plugins.yaml")


def test_an_unknown_key_is_refused() -> None:
    text = (ROOT / "lint/releases/data/gie/epp_flags.yaml").read_text(encoding="utf-8")
    with pytest.raises(catalog.ReleaseDataError, match=r"^f:\d+: flags/pool-name: .*removed"):
        catalog.validated(text.replace("pool-name: {type: string,", "pool-name: {removed: v1.0.0, type: string,"),
                          "epp_flags", "f")


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(catalog.ReleaseDataError, match=r"^f:3: expected the node content"):
        catalog.validated("a: 1\nb: [\n", "epp_rbac", "f")


def test_releases_agree_with_the_shipped_schemas() -> None:
    """Each release whose install ships the line's own CRDs has its schema folder, and no folder is extra."""
    index = json.loads((ROOT / "schemas/index.json").read_text(encoding="utf-8"))
    for project in catalog.LINES:
        line = versions.line(project)
        shipped = {facts["crds"][project] if "crds" in facts else tag
                   for tag, facts in line.entries.items() if "crds" not in facts or project in facts["crds"]}
        main = [tag for tag, facts in line.entries.items() if facts.get("branch") == "main"]
        folders = {main[0] if main and key.startswith("main-") else key for key in index.get(project, {})}
        assert folders == shipped, project  # `main-<commit>` is the folder of the line's main entry


def test_windows_are_since_inclusive_until_exclusive() -> None:
    v1_0, v1_4, v1_5 = (versions.release(t) for t in ("v1.0.0", "v1.4.0", "v1.5.0"))
    entry = {"since": "v1.0.0", "until": "v1.5.0"}
    assert versions.in_window(entry, v1_0) and versions.in_window(entry, v1_4)
    assert not versions.in_window(entry, v1_5) and not versions.in_window(entry, versions.release("v0.5.1"))
    assert versions.in_force({"v1.0.0": "a", "v1.4.0": "b"}, v1_4) == "b"
    assert versions.in_force({"v1.4.0": "b"}, v1_0) is None


def test_a_tag_between_releases_is_judged_by_the_older_one() -> None:
    assert versions.release("v1.4.7").tag == "v1.4.0"
    assert versions.release("1.5").tag == "v1.5.0"
    with pytest.raises(versions.VersionError):
        versions.release("v0.2.0")


def test_every_since_and_until_in_the_data_is_a_known_release_or_a_later_one() -> None:
    """A window bound that is no release of the line (say v0.5.0 where v0.5.1 is meant) shifts verdicts."""
    tags = set(versions.known())
    bounds: list[tuple[str, str]] = []

    def collect(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("since", "until") and isinstance(value, str):
                    bounds.append((where + "/" + key, value))
                collect(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                collect(item, f"{where}/{index}")

    for name in DATA_FILES:
        collect(catalog.document("gie", name), name)
    assert bounds and [b for b in bounds if b[1] not in tags] == []


def test_rules_name_milestones_not_tags() -> None:
    """Version facts live in the data: code asks `release.reached(milestone)`, and every milestone exists."""
    sources = {p: p.read_text(encoding="utf-8") for p in (ROOT / "lint").rglob("*.py")}
    literal = re.compile(r"""(at_least|parse)\(\s*["']v?\d+\.\d+""")
    assert [str(p) for p, text in sources.items() if literal.search(text)] == []
    used = {m for text in sources.values() for m in re.findall(r"""reached\(\s*["'](\w+)["']""", text)}
    assert used and used <= set(versions.line().milestones)


def test_facts_by_release() -> None:
    v0_5, v1_0, v1_6 = (versions.release(t) for t in ("v0.5.1", "v1.0.0", "v1.6.0"))
    assert flags.flagset(v0_5).camel and not flags.flagset(v1_0).camel
    assert flags.flagset(v0_5).spec("config-file") and not flags.flagset(versions.release("v0.4.0")).spec("config-file")
    assert "kv-cache-scorer" in plugins.registered(v0_5) and "kv-cache-scorer" not in plugins.registered(v1_0)
    assert rbac_needs.needs(v0_5)["metrics_auth"] == "always"
    assert rbac_needs.needs(v1_6)["metrics_auth"] == {"flag": "metrics-endpoint-auth"}
    moved = "epp_moved_to_llm_d_router"
    assert v1_6.reached(moved) and not versions.release("v1.5.0").reached(moved)
