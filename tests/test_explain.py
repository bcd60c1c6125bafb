"""`gie-lint explain` on the reference system: why are there 3 replicas, in text, JSON and Mermaid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from gie_lint.cli import main as cli

from tests.conftest import ROOT


def _line(path: str, pattern: str) -> int:
    """The 1-based line of the first line of `path` matching `pattern` (so the test follows the files)."""
    for number, line in enumerate((ROOT / path).read_text().splitlines(), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


SIM = f"examples/vllm/sim-deployment.yaml:{_line('examples/vllm/sim-deployment.yaml', r'^  replicas: 3')}"
EPP = f"examples/epp/deployment.yaml:{_line('examples/epp/deployment.yaml', r'^  replicas: 1')}"
EPP_LE = f"examples/epp-leader-election/deployment.yaml:" \
         f"{_line('examples/epp-leader-election/deployment.yaml', r'^  replicas: 3')}"
LE_FLAG = f"examples/epp-leader-election/deployment.yaml:" \
          f"{_line('examples/epp-leader-election/deployment.yaml', r'- --ha-enable-leader-election')}"


def _explain(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    monkeypatch.chdir(ROOT)
    assert cli.main(["explain", *argv]) == 0
    return capsys.readouterr().out


def test_text_answers_why_three_replicas(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _explain(capsys, monkeypatch)
    default, le = out.split("scenario leader-election")
    assert f"model server     Deployment default/vllm-qwen3-sim: 3 replicas ({SIM})" in default
    assert f"endpoint picker  Deployment default/vllm-qwen3-sim-epp: 1 replica ({EPP})" in default
    assert "leader election off: 1 of 1 active" in default
    assert "why: 3 model-server replicas give the EPP 3 endpoints to choose from; 1 EPP replica is the " \
           "recommended single active scheduler." in default
    assert "in front: Gateway default/inference-gateway listener http (HTTP:80) → HTTPRoute default/vllm-qwen3-sim\n"\
           "    endpoint picker: Service default/vllm-qwen3-sim-epp → Deployment default/vllm-qwen3-sim-epp\n" \
           "    model servers: Deployment default/vllm-qwen3-sim\n" in default
    # The reason the examples' author wrote above `replicas: 3`, shown next to the derived one.
    assert f"stated ({SIM}): Three replicas give the EPP a real choice" in default
    assert f"3 replicas ({EPP_LE})" in le
    assert f"leader election on: 1 of 3 active; 2 standbys ({LE_FLAG})" in le
    assert f"replicas: 1 ({EPP}) | 3 ({EPP_LE})" in le  # the differences section, side by side


def test_json_is_stable_and_located(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    doc = json.loads(_explain(capsys, monkeypatch, "--format", "json"))
    assert doc["version"] == 1 and [s["name"] for s in doc["scenarios"]] == ["default", "leader-election"]
    default, le = ([w for p in s["pools"] for w in p["workloads"]] for s in doc["scenarios"])
    assert [(w["role"], w["replicas"], w["at"]) for w in default] == [
        ("model-server", 3, SIM), ("endpoint-picker", 1, EPP)]
    epp = le[1]
    assert (epp["replicas"], epp["at"], epp["leader_election"], epp["active"], epp["standbys"]) == \
        (3, EPP_LE, True, 1, 2)
    assert [step["role"] for step in doc["scenarios"][0]["pools"][0]["path"]] == [
        "gateway", "route", "pool", "epp-service", "endpoint-picker", "model-server"]
    assert {"workload": "Deployment default/vllm-qwen3-sim-epp", "what": "replicas",
            "values": {"default": 1, "leader-election": 3}, "at": {"default": EPP, "leader-election": EPP_LE}} \
        in doc["differences"]
    counts = {"replicas", "active EPP replicas", "EPP standbys"}
    assert all(type(v) is int for row in doc["differences"] if row["what"] in counts for v in row["values"].values())


def test_mermaid_renders_the_topology(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _explain(capsys, monkeypatch, "--format", "mermaid", "--scenario", "leader-election")
    assert out.startswith("flowchart LR\n") and out.count("subgraph") == 1
    assert '["Deployment default/vllm-qwen3-sim-epp<br/>3 replicas<br/>leader election on: 1 of 3 active; ' \
           '2 standbys"]' in out
    assert re.search(r'^    s0_n\d+ -->\|"backendRef"\| s0_n\d+$', out, re.MULTILINE)


def test_mermaid_escapes_labels() -> None:
    from gie_lint.explain.render import _label

    assert _label('a "b" <c>\nd') == '"a #quot;b#quot; #lt;c#gt;<br/>d"'


def test_scenario_without_pool_says_so(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _explain(capsys, monkeypatch, "examples/vllm/sim-deployment.yaml")
    assert "no InferencePool in this scenario" in out
    assert f"Deployment default/vllm-qwen3-sim: 3 replicas ({SIM})" in out


def test_hpa_min_max(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fixture = ROOT / "tests/rules/fixtures/GIE040.yaml"
    doc = json.loads(_explain(capsys, monkeypatch, str(fixture), "--format", "json"))
    epp_b = next(w for w in doc["scenarios"][0]["other_workloads"] if w["ref"].endswith("/epp-b"))
    hpa_line = _line("tests/rules/fixtures/GIE040.yaml", r"maxReplicas: 4")
    assert (epp_b["hpa"]["min"], epp_b["hpa"]["max"], epp_b["hpa"]["max_at"]) == (1, 4, f"{fixture}:{hpa_line}")
    assert epp_b["at"] == "not set: the HorizontalPodAutoscaler sets it" and epp_b["active"] == 4


_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
{replicas}  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: c, image: "example.com/{name}:1"}}]}}
"""
_HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 5}
"""


def test_differences_keep_the_workloads_types(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Replica counts in `differences` are the workloads' ints (null where absent); text still says `absent`/HPA."""
    (tmp_path / "one.yaml").write_text(_DEPLOYMENT.format(name="web", replicas="  replicas: 2\n") + "---\n"
                                       + _DEPLOYMENT.format(name="batch", replicas="  replicas: 1\n"))
    (tmp_path / "two.yaml").write_text(_DEPLOYMENT.format(name="web", replicas="") + "---\n" + _HPA)
    (tmp_path / ".gie-lint.yaml").write_text("scenarios:\n  one: {files: [one.yaml]}\n  two: {files: [two.yaml]}\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["explain", "--format", "json"]) == 0
    rows = {(r["workload"], r["what"]): r for r in json.loads(capsys.readouterr().out)["differences"]}
    assert rows[("Deployment default/web", "replicas")]["values"] == {"one": 2, "two": 1}
    assert rows[("Deployment default/web", "autoscaler")]["values"] == {"one": None, "two": "2–5"}
    batch = rows[("Deployment default/batch", "replicas")]
    assert (batch["values"], batch["at"]) == ({"one": 1, "two": None}, {"one": "one.yaml:15"})
    assert cli.main(["explain"]) == 0
    text = capsys.readouterr().out
    assert "Deployment default/web replicas: 2 (one.yaml:5) | 2–5 (HPA) (not set: the HorizontalPodAutoscaler " \
           "sets it)" in text
    assert "Deployment default/web autoscaler: none | 2–5" in text
    assert "Deployment default/batch replicas: 1 (one.yaml:15) | absent" in text


GRAPH = "tests/inputs/explain/graph.yaml"
GROUPLESS = _line(GRAPH, r"- \{kind: InferencePool")


def test_graph_has_exactly_the_resolved_edges(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    doc = json.loads(_explain(capsys, monkeypatch, GRAPH, "--format", "json"))
    scenario = doc["scenarios"][0]
    edges = {(e["from"], e["to"], e["via"], e.get("weight")) for e in scenario["graph"]["edges"]}
    gw_a, gw_b = "Gateway default/gw-a", "Gateway default/gw-b"
    shared = "HTTPRoute default/route-shared"
    pool_a, pool_b = "InferencePool default/pool-a", "InferencePool default/pool-b"
    assert edges == {
        (gw_a, f"{gw_a} listener http", "listener", None), (gw_a, f"{gw_a} listener https", "listener", None),
        (gw_b, f"{gw_b} listener http", "listener", None),
        # fan-in: one route on three listeners of two Gateways
        (f"{gw_a} listener http", shared, "parentRef", None), (f"{gw_a} listener https", shared, "parentRef", None),
        (f"{gw_b} listener http", shared, "parentRef", None),
        # fan-out: the route splits 90/10 between the pools
        (shared, pool_a, "backendRef", 90), (shared, pool_b, "backendRef", 10),
        ("HTTPRoute default/route-b", pool_b, "backendRef", None),
        ("HTTPRoute default/route-elsewhere", pool_a, "backendRef", None),
        (pool_a, "Service default/epp-a", "endpointPickerRef", None),
        ("Service default/epp-a", "Deployment default/epp-a", "selector", None),
        (pool_a, "Deployment default/ms-a", "selector", None), (pool_b, "Deployment default/ms-b", "selector", None)}
    assert "HTTPRoute default/route-groupless" not in {n["id"] for n in scenario["graph"]["nodes"]}
    unresolved = [(u["from"], u["line"], u["why"]) for u in scenario["unresolved"]]
    assert unresolved == [
        ("HTTPRoute default/route-b", _line(GRAPH, "sectionName: grpc"),
         "Gateway default/gw-a has no listener named `grpc` (listeners: http:80, https:443)"),
        ("HTTPRoute default/route-elsewhere", _line(GRAPH, "name: gw-not-here"),
         "no Gateway default/gw-not-here among these files"),
        ("HTTPRoute default/route-groupless", GROUPLESS,
         "no `group`: Gateway API defaults it to the core group, where no InferencePool exists"),
        ("InferencePool default/pool-b", _line(GRAPH, "epp-not-here"),
         "no Service default/epp-not-here among these files")]
    for edge in scenario["graph"]["edges"]:  # each edge points at the line where its reference is written
        assert edge["file"] == GRAPH and 1 <= edge["line"]
    assert next(e for e in scenario["graph"]["edges"] if e.get("weight") == 90)["line"] == _line(GRAPH, "weight: 90")


def test_mermaid_draws_the_json_edges_and_nothing_else(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    doc = json.loads(_explain(capsys, monkeypatch, GRAPH, "--format", "json"))
    out = _explain(capsys, monkeypatch, GRAPH, "--format", "mermaid")
    labels = dict(re.findall(r'^    (s0_n\d+)\["([^"]*)"\]$', out, re.MULTILINE))
    drawn = {(labels[a].split("<br/>")[0], labels[b].split("<br/>")[0], via)
             for a, via, b in re.findall(r'^    (s0_n\d+) -->\|"([^"]*)"\| (s0_n\d+)$', out, re.MULTILINE)}
    nodes = {n["id"]: n for n in doc["scenarios"][0]["graph"]["nodes"]}

    def label(node_id: str) -> str:
        node = nodes[node_id]
        return f"listener {node['name']}" if node["role"] == "listener" else node["ref"]

    expected = {(label(e["from"]), label(e["to"]), e["via"] + (f" {e['weight']}" if "weight" in e else ""))
                for e in doc["scenarios"][0]["graph"]["edges"]}
    assert drawn == expected and out.count(" -->") == len(doc["scenarios"][0]["graph"]["edges"])
    assert "%% unresolved, not drawn: HTTPRoute default/route-groupless" in out


def test_text_shows_fan_in_fan_out_and_unresolved_apart(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = _explain(capsys, monkeypatch, GRAPH)
    pool_a = out.split("InferencePool default/pool-b (")[0]
    assert "in front (4 ways in):\n" \
           "      Gateway default/gw-a listener http (HTTP:80) → HTTPRoute default/route-shared (weight 90; also to " \
           "InferencePool default/pool-b)\n" in pool_a
    assert "HTTPRoute default/route-elsewhere; no Gateway listener among these files takes it" in pool_a
    assert "route-groupless" not in pool_a  # not resolved: listed apart, below
    unresolved = out.split("unresolved references (not drawn):\n")[1]
    assert f"HTTPRoute default/route-groupless backendRef InferencePool default/pool-a, group (not set) ({GRAPH}:" \
           f"{GROUPLESS}): no `group`" in unresolved


def test_stated_reason_is_the_authors_comment(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    doc = json.loads(_explain(capsys, monkeypatch, GRAPH, "--format", "json"))
    workloads = {w["ref"]: w for p in doc["scenarios"][0]["pools"] for w in p["workloads"]}
    # a trailing `# <-- …` (upstream's style), arrow dropped
    assert workloads["Deployment default/ms-a"]["stated"] == {
        "reason": "2 vLLM pods, one per GPU node", "at": f"{GRAPH}:{_line(GRAPH, 'replicas: 2')}"}
    # the block above the key, without the commented-out `# replicas: 4`
    assert workloads["Deployment default/ms-b"]["stated"]["reason"] == "Canary: one pod takes the 10% split."
    assert workloads["Deployment default/epp-a"]["stated"] is None  # no replicas written, nothing stated


@pytest.mark.parametrize(("text", "stated"), [
    ("spec:\n  replicas: 3  # <-- 3 vLLM pods\n", "3 vLLM pods"),
    ("spec:\n  replicas: 3 # gie-lint: disable=GIE040\n", None),  # a directive, not a reason
    ("spec:\n  # replicas: 1\n  replicas: 3\n", None),  # commented-out YAML
    ("spec:\n  # - --v=4\n  replicas: 3\n", None),
    ("spec:\n  # ha: three for failover\n\n  replicas: 3\n", None),  # a blank line ends the block
    ("spec:\n    # deeper: not about this key at all\n  replicas: 3\n", None),  # another indentation
    ("spec:\n  replicas: '3' # quoted # twice\n", "quoted # twice"),
    ("# top\nspec:\n  # One\n  # and two.\n  replicas: 3 #and three\n", "One and two. and three"),
    ("spec:\n  replicas: 3  # " + "x" * 1000 + "\n", "x" * 399 + "…"),
])
def test_comment_beside(tmp_path: Path, text: str, stated: str | None) -> None:
    from gie_lint.source.comments import comment_beside
    from gie_lint.source.files import read
    from gie_lint.source.resources import extract

    path = tmp_path / "d.yaml"
    path.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n" + text)
    resource = next(extract(read(str(path), {}), "default"))
    assert comment_beside(resource, ("spec", "replicas")) == stated
