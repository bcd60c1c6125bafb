"""The EPP command-line model: Go flag vs pflag semantics, camelCase names, defaults (lint/topology/eppargs.py)."""

from __future__ import annotations

from gie_lint.releases import versions
from gie_lint.topology import eppargs
from gie_lint.topology.model import Container

_PATH = ("spec", "template", "spec", "containers", 0)


def _args(tag: str, *argv: str, **extra: object) -> eppargs.EppArgs:
    container = Container({"image": "x/gateway-api-inference-extension/epp:" + tag, "args": list(argv), **extra},
                          _PATH)
    return eppargs._parse(container, eppargs.flagset(versions.release(tag)))


def test_camel_case_names_map_to_kebab_and_are_known_only_on_v0() -> None:
    old, new = _args("v0.5.1", "-poolName", "p"), _args("v1.0.0", "-poolName", "p")
    assert old.flags[0].name == new.flags[0].name == "pool-name"
    assert old.flags[0].known and not new.flags[0].known
    assert new.value("pool-name") == "p"  # the intended value, so wiring rules do not cascade
    assert old.flags[0].value_path == (*_PATH, "args", 1)


def test_go_flag_stops_at_the_first_positional() -> None:
    parsed = _args("v1.2.0", "--secure-serving", "false", "--grpc-port=9005")
    assert parsed.enabled("secure-serving")  # `false` is not its value
    assert parsed.flags[-1].ignored and parsed.int_value("grpc-port") == 9002
    assert parsed.positionals[0].after_bool is parsed.flags[0]


def test_pflag_keeps_parsing_and_rejects_single_dash_long_names() -> None:
    parsed = _args("v1.3.0", "--secure-serving", "false", "--grpc-port=9005", "-pool-name", "p", "-v", "3")
    assert parsed.enabled("secure-serving") and parsed.int_value("grpc-port") == 9005
    single = parsed.flags[2]
    assert single.problem and single.known
    assert parsed.value("v") == "3" and parsed.flags[3].problem is None


def test_defaults_by_release() -> None:
    assert _args("v1.0.0").value("pool-namespace") == "default"
    assert _args("v1.1.0").value("pool-namespace") == ""
    assert _args("v1.0.0").value("pool-group") == "inference.networking.k8s.io"
    assert _args("v0.5.1").value("pool-group") is None
    assert not _args("v1.0.0").enabled("ha-enable-leader-election")
    assert _args("v1.0.0", "--ha-enable-leader-election=True").enabled("ha-enable-leader-election")


def test_shell_wrappers_are_opaque() -> None:
    assert _args("v1.3.0", command=["sh", "-c", "/epp --pool-name p"]).opaque
    assert not _args("v1.3.0", "--pool-name", "p", command=["/epp"]).opaque


def test_quoted_values_are_a_warning() -> None:
    import tempfile
    from pathlib import Path

    from gie_lint.engine import run as engine
    from gie_lint.result import Severity
    from gie_lint.rules.registry import lookup as by_name

    text = """apiVersion: apps/v1
kind: Deployment
metadata: {name: e}
spec:
  template:
    metadata: {labels: {app: e}}
    spec:
      containers:
      - name: epp
        image: registry.k8s.io/gateway-api-inference-extension/epp:v1.3.0
        args: [--pool-name, p, --config-file=/c.yaml, '--lora-info-metric="vllm:lora_requests_info"']
"""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.yaml"
        path.write_text(text)
        result = engine.run([engine.ScenarioSpec("t", (str(path),), gie_version="v1.3.0")], [by_name("GIE031")]).result
    assert [(f.line, f.severity) for f in result.findings] == [(11, Severity.WARNING)]
