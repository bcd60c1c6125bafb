"""Which EPP container loads which EndpointPickerConfig: `--config-text`, or `--config-file` through a mount.

The chain `--config-file PATH` → volumeMount (mountPath or subPath) → configMap volume (items) → ConfigMap
key is followed only through objects of the scenario; any link that is missing, templated or ambiguous
gives None ("unknown"), so rules that need the EPP's config stay silent rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gie_lint.releases import builds
from gie_lint.shape import JsonPath
from gie_lint.source.placeholders import unresolved
from gie_lint.source.resources import Resource
from gie_lint.topology.configs import CONFIG_TEXT_FLAGS, EmbeddedConfig
from gie_lint.topology.model import Container, Workload

CONFIG_FILE_FLAGS = ("--config-file", "-config-file", "--configFile", "-configFile")
# The upstream GIE EPP image (any registry mirror); only its plugin registry is known here.


def flag_value(container: Container, flags: tuple[str, ...]) -> str | None:
    """The value of the first of `flags` given to the container (`--f=v` or `--f v`)."""
    argv = container.argv()
    for index, (_, arg) in enumerate(argv):
        flag, eq, value = arg.partition("=")
        if flag not in flags:
            continue
        if eq:
            return value
        if index + 1 < len(argv):
            return argv[index + 1][1]
    return None


def foreign_image(container: Container) -> bool:
    """An image written out that is no EPP of a known release line (a private build): it may register plugin
    types no release data knows, so registry verdicts stay silent on the configs it loads."""
    image = container.image
    return bool(image) and not unresolved(image) and not builds.is_epp_image(image)


@dataclass(frozen=True)
class ConfigWiring:
    """Which config each EPP container loads, and which containers load each config (resolved once)."""

    of_container: dict[tuple[int, JsonPath], EmbeddedConfig]  # (id of the workload object, container path)
    loaders: dict[int, list[tuple[Workload, Container]]]  # id of the config → the containers loading it

    def config_of(self, workload: Workload, container: Container) -> EmbeddedConfig | None:
        return self.of_container.get((id(workload.resource), container.path))

    def consumers(self, config: EmbeddedConfig) -> list[tuple[Workload, Container]]:
        return self.loaders.get(id(config), [])


def wire(workloads: Iterable[Workload], configs: Iterable[EmbeddedConfig],
         configmaps: Mapping[tuple[str, str], Resource]) -> ConfigWiring:
    """Follow every container's config flags through mounts to the configs found in the scenario."""
    by_host: dict[int, list[EmbeddedConfig]] = {}
    for config in configs:
        by_host.setdefault(id(config.host), []).append(config)
    wiring = ConfigWiring({}, {})
    for workload in workloads:
        for container in workload.containers:
            found = _config_of(workload, container, by_host, configmaps)
            if found is not None:
                wiring.of_container[(id(workload.resource), container.path)] = found
                wiring.loaders.setdefault(id(found), []).append((workload, container))
    return wiring


def _config_of(workload: Workload, container: Container, by_host: Mapping[int, list[EmbeddedConfig]],
               configmaps: Mapping[tuple[str, str], Resource]) -> EmbeddedConfig | None:
    if flag_value(container, CONFIG_TEXT_FLAGS) is not None:
        args_path = (*container.path, "args")
        return next((c for c in by_host.get(id(workload.resource), [])
                     if c.host_path[:len(args_path)] == args_path), None)
    path = flag_value(container, CONFIG_FILE_FLAGS)
    if path is None or unresolved(path):
        return None
    located = _mounted_key(workload, container, path)
    configmap = configmaps.get((workload.namespace, located[0])) if located else None
    if configmap is None or located is None:
        return None
    return next((c for c in by_host.get(id(configmap), []) if c.host_path == ("data", located[1])), None)


def _mounted_key(workload: Workload, container: Container, path: str) -> tuple[str, str] | None:
    """(ConfigMap name, data key) that `path` reads through the container's mounts."""
    pod_spec = workload.resource.get(*workload.pod_spec_path)
    volumes = pod_spec.get("volumes") if isinstance(pod_spec, dict) else None
    mounts = container.data.get("volumeMounts")
    if not isinstance(volumes, list) or not isinstance(mounts, list):
        return None
    for mount in mounts:
        if not isinstance(mount, dict) or not isinstance(mount.get("mountPath"), str):
            continue
        mount_path, sub_path = mount["mountPath"].rstrip("/"), mount.get("subPath")
        if isinstance(sub_path, str) and sub_path:
            relative = sub_path if path == mount_path else None
        else:
            relative = path[len(mount_path) + 1:] if path.startswith(mount_path + "/") else None
        if not relative:
            continue
        volume = next((v for v in volumes if isinstance(v, dict) and v.get("name") == mount.get("name")), None)
        source = volume.get("configMap") if isinstance(volume, dict) else None
        if not isinstance(source, dict) or not isinstance(source.get("name"), str):
            return None
        items = source.get("items")
        if isinstance(items, list):
            key = next((i.get("key") for i in items if isinstance(i, dict) and i.get("path") == relative), None)
            return (source["name"], key) if isinstance(key, str) else None
        return source["name"], relative
    return None


def upstream_registry_applies(config: EmbeddedConfig, wiring: ConfigWiring, epps_here: Iterable[Container], *,
                              strict: bool = True) -> bool:
    """Does the upstream GIE plugin registry judge this config?

    When the containers that load it are known, only if none runs a foreign (e.g. llm-d) image. When they are
    not, `strict` also declines if the config's namespace runs EPPs (`epps_here`) and every one is foreign.
    """
    loaders = wiring.consumers(config)
    if loaders:
        return not any(foreign_image(container) for _, container in loaders)
    if not strict:
        return True
    epps = [c for c in epps_here if not c.sidecar]
    return not epps or not all(foreign_image(c) for c in epps)
