"""GIE034–GIE037: the EPP container around its flags (config mount, probes, declared ports).

Every port and path is the *effective* flag value (given or the release's default) from `gie_lint.topology.eppargs`;
values still holding placeholders are unknowable and skipped.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_EPP
from gie_lint.shape import as_dict, decimal, dicts, key
from gie_lint.source.resources import Resource
from gie_lint.topology import eppargs
from gie_lint.topology.eppargs import EppArgs, Flag
from gie_lint.topology.model import Container, Workload
from gie_lint.topology.workloads import WORKLOAD_KINDS

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PORT_FLAGS = (("grpc-port", "ext_proc gRPC"), ("grpc-health-port", "gRPC health"), ("metrics-port", "metrics"))


def _port(args: EppArgs, workload: Workload, container: Container, name: str) -> int | None:
    flag = args.get(name)
    if flag is None:
        return args.int_value(name)
    value = eppargs.resolve(flag.value, workload, container)
    return decimal(value.strip()) if value is not None else None


# GIE034 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE034", "epp-config-mount", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_config_mount(scenario: Scenario) -> Iterator[Hit]:
    """The `--config-file` path is a key of a ConfigMap mounted into the EPP container.

    ## Why it breaks
    The EPP reads the file at startup and exits when it cannot ("failed to load config from a file"). The file
    is `mountPath/<key>` of a configMap volume (or `items[].path`, or the `subPath` mount itself), and the key
    must exist in the ConfigMap.

    ## Bad
    ```yaml
    --config-file /config/plugins.yaml   # ConfigMap key is default-plugins.yaml, mounted at /config
    ```

    ## Good
    ```yaml
    --config-file /config/default-plugins.yaml
    ```

    ## Fix
    Make the path equal to the mountPath plus an existing key (or adjust items/subPath).
    """
    for epp in scenario.topology.readable_epps():
        workload, container, args = epp.workload, epp.container, epp.args
        flag = args.get("config-file")
        path = eppargs.resolve(flag.value, workload, container) if flag is not None else None
        if flag is None or not path:
            continue
        relative = not path.startswith("/")
        workdir = container.data.get("workingDir")
        if not (isinstance(workdir, str) and workdir.startswith("/")):
            # Relative to the image's WORKDIR (`/` for the upstream image): judge it as absolute, but only
            # when it lands under a mount (see `_config_mount`).
            workdir = "/"
        full = posixpath.normpath(posixpath.join(workdir, path) if relative else path)
        yield from _config_mount(scenario, workload, container, flag, full,
                                 relative and not container.data.get("workingDir"))


def _config_mount(scenario: Scenario, workload: Workload, container: Container, flag: Flag, path: str,
                  guessed: bool) -> Iterator[Hit]:
    mounts = [m for m in container.mounts if isinstance(m.get("mountPath"), str)]
    covering = [m for m in mounts if _under(path, m)]
    target = workload.resource
    if not covering:
        # Only speak when a ConfigMap is mounted at all: otherwise the file may come from the image.
        if not guessed and any("configMap" in workload.volume(m.get("name")) for m in mounts):
            places = ", ".join(sorted(m["mountPath"] for m in mounts))
            yield Hit(flag.value_path, f"--config-file {path} is not under any volume mount of the container "
                      f"(mounts: {places}); the EPP cannot read it and exits", target=target)
        return
    mount = max(covering, key=lambda m: len(m["mountPath"]))
    source = workload.volume(mount.get("name")).get("configMap")
    if not isinstance(source, dict) or eppargs.is_placeholder(str(source.get("name"))):
        return  # not a ConfigMap volume (or an unknown one): nothing to check
    relative = _relative(path, mount)
    if relative is None:
        return
    items = source.get("items")
    wanted: str | int | None = relative
    if isinstance(items, list) and items:
        by_path = {key(i.get("path")): i.get("key") for _, i in dicts(items)}
        if relative not in by_path:
            yield Hit(flag.value_path, f"--config-file {path}: volume `{mount.get('name')}` projects only "
                      f"{', '.join(sorted(map(str, by_path)))} (items), not `{relative}`", target=target)
            return
        wanted = key(by_path[relative])
    maps = scenario.topology.configmaps_in(workload.namespace)
    if not maps:
        return  # no ConfigMap is linted here: it is created some other way
    name = key(source.get("name"))  # a name of another shape reads as absent
    configmap = maps.get(name) if isinstance(name, str) else None
    if configmap is None:
        # Another ConfigMap may come from an earlier step (guides apply the EPP config once); only a linted
        # ConfigMap that carries an EndpointPickerConfig shows the config was meant to be in these files.
        if not source.get("optional") and any(_holds_config(m) for m in maps.values()):
            yield Hit(flag.value_path, f"--config-file {path} comes from ConfigMap `{name}`, which is not among the "
                      f"ConfigMaps of namespace {workload.namespace} ({', '.join(sorted(maps))})", target=target)
        return
    keys = set(as_dict(configmap.get("data"))) | set(as_dict(configmap.get("binaryData")))
    if wanted not in keys:
        yield Hit(flag.value_path, f"--config-file {path} needs key `{wanted}` in ConfigMap `{name}`, which has "
                  f"{', '.join(sorted(keys)) or 'no keys'}; rename the key or the path", target=target)


def _holds_config(configmap: Resource) -> bool:
    data = configmap.get("data")
    return isinstance(data, dict) and any(isinstance(v, str) and "EndpointPickerConfig" in v for v in data.values())


def _under(path: str, mount: dict[str, Any]) -> bool:
    root = posixpath.normpath(mount["mountPath"])
    return path == root or path.startswith(root.rstrip("/") + "/")


def _relative(path: str, mount: dict[str, Any]) -> str | None:
    """The ConfigMap key path the file maps to; None when unknowable (nested paths)."""
    root = posixpath.normpath(mount["mountPath"])
    sub = mount.get("subPath")
    if isinstance(sub, str) and sub:
        return sub if path == root else None  # a subPath mount is the file itself
    relative = path[len(root):].lstrip("/")
    return relative or None


# GIE035 ---------------------------------------------------------------------------------------------

def grpc_probes(container: Container) -> Iterator[tuple[str, dict[str, Any]]]:
    for probe in _PROBES:
        grpc = container.grpc_probe(probe)
        if grpc is not None:
            yield probe, grpc


@scenario_rule("GIE035", "epp-probe-port", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_probe_port(scenario: Scenario) -> Iterator[Hit]:
    """gRPC probes of the EPP target `--grpc-health-port` (default 9003).

    ## Why it breaks
    The EPP registers the gRPC health service only on its health port. A probe on any other port fails, so the
    pod is restarted or never becomes Ready.

    ## Bad
    ```yaml
    livenessProbe: {grpc: {port: 9002}}   # ext_proc port
    ```

    ## Good
    ```yaml
    livenessProbe: {grpc: {port: 9003}}
    ```

    ## Fix
    Point the probes at --grpc-health-port (9003 unless set).
    """
    for epp in scenario.topology.readable_epps():
        workload, container, args = epp.workload, epp.container, epp.args
        health = _port(args, workload, container, "grpc-health-port")
        if health is None:
            continue
        for probe, grpc in grpc_probes(container):
            port = grpc.get("port")
            if isinstance(port, int) and port != health:
                what = " (the ext_proc port)" if port == _port(args, workload, container, "grpc-port") else ""
                yield Hit((*container.path, probe, "grpc", "port"), f"{probe} probes gRPC port {port}{what}, but "
                          f"the EPP serves health on --grpc-health-port {health}; use {health}",
                          target=workload.resource)


# GIE037 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE037", "epp-container-ports", Severity.WARNING, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_container_ports(scenario: Scenario) -> Iterator[Hit]:
    """The EPP container declares its ext_proc, health and metrics ports.

    ## Why it breaks
    Declared ports document the wiring and let Services and PodMonitoring/ServiceMonitor objects refer to them
    by name; an undeclared port is easy to miss when a flag changes.

    ## Bad
    ```yaml
    ports: [{containerPort: 9002, name: grpc}]   # health 9003 and metrics 9090 missing
    ```

    ## Good
    ```yaml
    ports:
    - {containerPort: 9002, name: grpc}
    - {containerPort: 9003, name: grpc-health}
    - {containerPort: 9090, name: metrics}
    ```

    ## Fix
    Add a containerPort for each of --grpc-port, --grpc-health-port and --metrics-port.
    """
    for epp in scenario.topology.readable_epps():
        workload, container, args = epp.workload, epp.container, epp.args
        declared = container.data.get("ports")
        if not isinstance(declared, list):
            continue  # no ports at all: nothing declared to compare (the Service rules cover wiring)
        numbers = {key(p.get("containerPort")) for p in container.ports}
        for name, role in _PORT_FLAGS:
            port = _port(args, workload, container, name)
            if port is not None and port not in numbers:
                yield Hit((*container.path, "ports"), f"the EPP's {role} port {port} (--{name}) is not a declared "
                          "containerPort; add it so Services and monitors can name it", target=workload.resource)


