"""How much faster jsonschema-rs is than pure-Python jsonschema on one Deployment (no assertions).

Run: .venv/bin/python bench/bench_schemas.py [--n 200]. Both engines get the same strict Kubernetes
schema and the same registered _definitions.json; compile time is measured separately from
per-document validation, which is what a lint run pays per Deployment.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jsonschema  # noqa: E402
import jsonschema_rs  # noqa: E402
from gie_lint.schema.store import DEFINITIONS_ID, resolve_kubernetes_version  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "vllm", "labels": {"app": "vllm"}},
    "spec": {
        "replicas": "3",  # one error, so both engines walk the error path too
        "selector": {"matchLabels": {"app": "vllm"}},
        "template": {
            "metadata": {"labels": {"app": "vllm"}},
            "spec": {
                "containers": [{
                    "name": "vllm", "image": "vllm/vllm-openai:latest", "args": ["--port", "8000"],
                    "ports": [{"containerPort": 8000, "name": "http"}],
                    "env": [{"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf", "key": "token"}}}],
                    "resources": {"limits": {"nvidia.com/gpu": 1}, "requests": {"cpu": "4", "memory": "16Gi"}},
                    "readinessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 5},
                    "volumeMounts": [{"name": "cache", "mountPath": "/root/.cache"}],
                }],
                "volumes": [{"name": "cache", "emptyDir": {}}],
            },
        },
    },
}


def per_call(fn: Callable[[], Any], n: int) -> float:
    fn()  # warm caches
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="validations per engine")
    args = parser.parse_args()

    version, folder = resolve_kubernetes_version(None)
    schema = json.loads((folder / "deployment-apps-v1.json").read_text())
    definitions = json.loads((folder / "_definitions.json").read_text())

    start = time.perf_counter()
    registry = jsonschema_rs.Registry([(DEFINITIONS_ID, definitions)])
    rs = jsonschema_rs.validator_for(schema, registry=registry)
    rs_compile = time.perf_counter() - start
    start = time.perf_counter()
    registry = Registry().with_resource(DEFINITIONS_ID, Resource.from_contents(definitions))
    py = jsonschema.Draft202012Validator(schema, registry=registry)
    py_compile = time.perf_counter() - start

    rs_time = per_call(lambda: list(rs.iter_errors(DEPLOYMENT)), args.n)
    py_time = per_call(lambda: list(py.iter_errors(DEPLOYMENT)), max(1, args.n // 10))
    print(f"Kubernetes {version} strict Deployment schema, {args.n} validations")
    print(f"  setup:      jsonschema-rs {rs_compile * 1e3:8.2f} ms   jsonschema {py_compile * 1e3:8.2f} ms")
    print(f"  per doc:    jsonschema-rs {rs_time * 1e6:8.1f} us   jsonschema {py_time * 1e6:8.1f} us")
    print(f"  ratio (jsonschema / jsonschema-rs per Deployment): {py_time / rs_time:.1f}x")


if __name__ == "__main__":
    main()
