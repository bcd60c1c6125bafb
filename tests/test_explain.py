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
    assert "request path: Gateway default/inference-gateway → HTTPRoute default/vllm-qwen3-sim → InferencePool " \
           "default/vllm-qwen3-sim → Service default/vllm-qwen3-sim-epp → Deployment " \
           "default/vllm-qwen3-sim-epp" in default
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
    assert re.search(r"s0_n\d --> s0_n\d", out)


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
