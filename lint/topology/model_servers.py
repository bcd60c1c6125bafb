"""The model-server side of a pool: which pod templates serve it, what they listen on and which names they serve.

A model server is a pod template selected by some InferencePool that is not an endpoint picker
(`Topology.model_servers`). Its
engine (vLLM, sglang, llm-d-inference-sim) is recognised from the image or the command line; the ports
and served model names are read from the engine's flags. Anything that cannot be read for certain (an
unknown engine, a `$VAR`/`{{ }}` placeholder, a shell line that does not split) makes the answer
unknown, and rules say nothing about it.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from gie_lint.releases import builds
from gie_lint.shape import decimal
from gie_lint.source.placeholders import unresolved
from gie_lint.topology.model import Container, Pool, Workload

# Listen port when `--port` is not given (vLLM and sglang defaults; the simulator's is not confirmed).
DEFAULT_PORTS = {"vllm": 8000, "sglang": 30000}
_SHELLS = re.compile(r"(?:^|/)(?:ba|da|z)?sh$")
_RUNTIME_LORA_ENV = ("VLLM_ALLOW_RUNTIME_LORA_UPDATING",)
_RUNTIME_LORA_MARKS = ("lora_filesystem_resolver", "lora-syncer", "adapter-syncer", "VLLM_LORA_RESOLVER")
# Flags whose values are lists (argparse nargs="+"); every other flag takes one value.
_LIST_FLAGS = ("--served-model-name", "--lora-modules")


def tokens(container: Container) -> list[str] | None:
    """The container's command line as argv tokens; a `sh -c` script is split like the shell would. None: unknown."""
    items = [value for _, value in container.argv()]
    if len(items) >= 2 and _SHELLS.search(items[0]) and items[1] == "-c":
        try:
            items = [t for script in items[2:] for t in shlex.split(script, comments=True)]
        except ValueError:
            return None
    return items


def engine(container: Container, argv: list[str]) -> str | None:
    """vllm, sglang or sim; None when the container is none of them (or cannot be told)."""
    text = " ".join([container.image, *argv[:4]])
    if "inference-sim" in text or "vllm-sim" in container.image:
        return "sim"
    if "sglang" in text:
        return "sglang"
    if "vllm" in text:
        return "vllm"
    return None


def flag_values(argv: list[str], name: str) -> list[str] | None:
    """Every value given to `name` (`--f=v` or `--f v…`); None when the flag is absent."""
    found: list[str] | None = None
    many = name in _LIST_FLAGS
    index = 0
    while index < len(argv):
        flag, eq, value = argv[index].partition("=")
        index += 1
        if flag != name:
            continue
        found = found if found is not None else []
        if eq:
            found.append(value)
            continue
        while index < len(argv) and not argv[index].startswith("--"):
            found.append(argv[index])
            index += 1
            if not many:
                break
    return found


def _positional_model(argv: list[str]) -> str | None:
    """`vllm serve MODEL`: the first token after `serve` that is not a flag."""
    if "serve" in argv:
        rest = argv[argv.index("serve") + 1:]
        if rest and not rest[0].startswith("-"):
            return rest[0]
    return None


@dataclass(frozen=True)
class Served:
    names: frozenset[str]
    dynamic: bool  # adapters may be loaded at runtime: any name is possibly served


def served_names(workload: Workload) -> Served | None:
    """The model names a pod template serves; None when that cannot be known for certain."""
    names: set[str] = set()
    dynamic = False
    servers = 0
    for container in workload.containers:
        argv = tokens(container)
        if argv is None:
            return None
        kind = engine(container, argv)
        text = " ".join([container.image, *argv])
        if any(mark in text for mark in _RUNTIME_LORA_MARKS) or _runtime_lora_env(container):
            dynamic = True
        if kind is None:
            continue
        if kind == "sim" or any(unresolved(a) for a in argv):
            # Whether llm-d-inference-sim rejects unknown model names is not established (rules.md §8.1).
            return None
        servers += 1
        aliases = flag_values(argv, "--served-model-name")
        models = flag_values(argv, "--model") or []
        if kind == "sglang":
            models = flag_values(argv, "--model-path") or models
        positional = _positional_model(argv)
        models += [positional] if positional else []
        if aliases:
            names.update(aliases)
        elif models:
            names.update(models[-1:])
        else:
            return None  # an engine default we do not guess at
        for module in flag_values(argv, "--lora-modules") or []:
            name = _lora_name(module)
            if name is None:
                return None
            names.add(name)
    return Served(frozenset(names), dynamic) if servers else None


def _runtime_lora_env(container: Container) -> bool:
    """vLLM may load adapters at runtime: the runtime-update switch, or a LoRA resolver plugin or cache dir."""
    env = container.data.get("env")
    for item in env if isinstance(env, list) else []:
        if not isinstance(item, dict):
            continue
        name, value = str(item.get("name", "")), str(item.get("value", ""))
        if name in _RUNTIME_LORA_ENV and value.lower() in ("true", "1"):
            return True
        if "LORA_RESOLVER" in name or any(mark in value for mark in _RUNTIME_LORA_MARKS):
            return True
    return False


def _lora_name(module: str) -> str | None:
    """`name=path` or a JSON object with `name`."""
    text = module.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        name = parsed.get("name") if isinstance(parsed, dict) else None
        return name if isinstance(name, str) else None
    name, eq, _ = text.partition("=")
    return name if eq and name else None


@dataclass(frozen=True)
class Ports:
    numbers: frozenset[int]  # declared containerPorts, `--port` values and engine defaults
    opaque: bool  # some container may listen on ports not visible in the manifest


def listen_ports(workload: Workload) -> Ports:
    numbers: set[int] = set()
    opaque = False
    for container in workload.containers:
        declared = container.data.get("ports")
        declared = declared if isinstance(declared, list) else []
        for item in declared:
            number = item.get("containerPort") if isinstance(item, dict) else None
            if isinstance(number, int):
                numbers.add(number)
            else:
                opaque = True
        argv = tokens(container)
        kind = engine(container, argv) if argv is not None else None
        if argv is None or any(unresolved(a) for a in argv):
            opaque = True
            continue
        flagged = flag_values(argv, "--port")
        if flagged:
            for value in flagged:
                number = decimal(value)
                if number is not None:
                    numbers.add(number)
                else:
                    opaque = True
        elif kind in DEFAULT_PORTS:
            numbers.add(DEFAULT_PORTS[kind])
        elif not declared:
            opaque = True  # an unknown program that declares nothing: it may listen anywhere
    return Ports(frozenset(numbers), opaque)


def target_port_paths(pool: Pool) -> Iterator[tuple[tuple[str | int, ...], int]]:
    """(path, number) of each target port as written: v1 `targetPorts[i].number`, v1alpha2 `targetPortNumber`."""
    listed = pool.resource.get("spec", "targetPorts")
    if isinstance(listed, list):
        for index, item in enumerate(listed):
            number = item.get("number") if isinstance(item, dict) else None
            if isinstance(number, int):
                yield ("spec", "targetPorts", index, "number"), number
    number = pool.resource.get("spec", "targetPortNumber")
    if isinstance(number, int):
        yield ("spec", "targetPortNumber"), number


# llm-d's P/D disaggregation: the `llm-d.ai/role` label its decode-/prefill-/encode-filter plugins read
# (filter/bylabel/roles.go @ llm-d-router v0.10.0); `both` is the deprecated spelling of prefill-decode.
PD_ROLE_LABEL = "llm-d.ai/role"
PD_ROLES = ("decode", "prefill", "encode", "prefill-decode", "encode-prefill", "encode-prefill-decode", "both")


def pd_role(workload: Workload) -> str | None:
    """The model server's P/D role: its `llm-d.ai/role` label, else `decode` when it runs llm-d's disaggregation
    sidecar (which proxies in front of the decode server); None for a pod that takes part in no P/D split."""
    role = workload.labels.get(PD_ROLE_LABEL)
    if role in PD_ROLES:
        return role
    if any(builds.is_disagg_sidecar(c.image) for c in workload.containers):
        return "decode"
    return None
