"""The endpoint pickers of a scenario: each EPP pod template with its container, release and command line.

An EPP is judged by the release that runs it (`Epp.release`), and its command line is parsed once, with
that release's flag table, when the topology is resolved. Leader election is read here too, since the
replica rules, the RBAC rules and `explain` all ask it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gie_lint.releases import builds
from gie_lint.releases import flags as flag_table
from gie_lint.releases.builds import Build
from gie_lint.releases.rbac_needs import needs
from gie_lint.releases.versions import Release
from gie_lint.shape import JsonPath
from gie_lint.source.resources import Resource
from gie_lint.topology import eppargs
from gie_lint.topology.eppargs import EppArgs, Flag
from gie_lint.topology.model import Container, Workload

LE_FLAG = "ha-enable-leader-election"


@dataclass(frozen=True)
class LeaderElection:
    """Leader election of one EPP container: `on` is None when the command line cannot be known."""

    on: bool | None
    flag: Flag | None  # as written (None: absent, the default applies)
    args_path: JsonPath
    available: bool  # the release has the flag (v1.0+)


@dataclass(frozen=True)
class Epp:
    """One EPP pod template (a LeaderWorkerSet may hold two) with what every EPP rule reads."""

    workload: Workload
    container: Container
    release: Release
    args: EppArgs
    leader_election: LeaderElection
    build: Build | None = None  # what the image names (None: built by hand, e.g. in tests)

    @property
    def resource(self) -> Resource:
        return self.workload.resource

    @property
    def namespace(self) -> str:
        return self.workload.namespace


def _leader_election(args: EppArgs) -> LeaderElection:
    available = args.flagset.spec(LE_FLAG) is not None
    flag = args.get(LE_FLAG)
    if args.opaque or (flag is not None and eppargs.is_placeholder(flag.value)):
        return LeaderElection(None, flag, args.args_path, available)
    # A spelling the release rejects (e.g. `--has-enable-…`) is another rule's finding; LE is simply off.
    return LeaderElection(available and args.enabled(LE_FLAG), flag, args.args_path, available)


def epp_of(workload: Workload, fallback: Release, forced: Mapping[str, Release]) -> Epp | None:
    """The workload as an EPP judged by the release its image names, or None when it runs no endpoint picker.

    A release line known by its image but not its release (`…/llm-d-router-endpoint-picker:${TAG}`) is judged at
    that line's newest release; an image of no known line (`${EPP_IMAGE}`, a private build) at `fallback`, the
    scenario's release. `build` keeps what the image said, for the report.
    """
    container = workload.epp_container
    if container is None:
        return None
    build = builds.build_of(container.image, forced)
    if build.release is not None:
        release = build.release
    elif build.line is not None:
        release = build.line.newest()  # parsed with the newest facts; rules needing the exact build stay silent
    else:
        release = forced.get(fallback.line.project, fallback)
    args = eppargs.parse_args(container, release)
    return Epp(workload, container, release, args, _leader_election(args), build)


@dataclass(frozen=True)
class PoolNamespace:
    """The namespace an EPP watches its pool (and holds its lease) in, and how that came about."""

    value: str | None  # None: unknowable (placeholders, env from a ConfigMap, a shell wrapper)
    source: str  # for messages, e.g. "env NAMESPACE=llm"


def pool_namespace(epp: Epp) -> PoolNamespace:
    """`--pool-namespace` as given; else, where the release reads it (v1.1+), the env var the data names (usually
    the pod's own namespace via the downward API), then its fallback; else the release's flag default."""
    args, workload, container = epp.args, epp.workload, epp.container
    if args.opaque:
        return PoolNamespace(None, "")
    flag = args.get("pool-namespace")
    if flag is not None:
        value = eppargs.resolve(flag.value, workload, container)
        if value is None:
            return PoolNamespace(None, "")
        if value:
            return PoolNamespace(value, f"--pool-namespace {value}")
    if flag_table.window_open("pool_namespace_env", epp.release):
        env = flag_table.facts(epp.release)["pool_namespace_env"]
        found, known = eppargs.env_value(workload, container, env["env"])
        if not known:
            return PoolNamespace(None, "")
        if found:
            return PoolNamespace(eppargs.resolve(found, workload, container), f"env {env['env']}={found}")
        return PoolNamespace(env["fallback"], f"the fallback `{env['fallback']}` (no --pool-namespace, no "
                                              f"{env['env']} env)")
    spec = args.flagset.spec("pool-namespace")
    default = (spec.default if spec is not None else None) or "default"
    return PoolNamespace(default, f"the --pool-namespace default `{default}`")


def watched_pool_group(epp: Epp) -> str | None:
    """The API group the EPP lists pools in: `--pool-group` where the release has it, else the release's."""
    if epp.args.opaque:
        return None
    fallback: str = needs(epp.release)["pool_group"]
    if epp.args.flagset.spec("pool-group") is None:
        return fallback
    value = epp.args.value("pool-group")
    return eppargs.resolve(value, epp.workload, epp.container) if value else fallback
