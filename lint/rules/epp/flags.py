"""GIE030–GIE033, GIE038: the EPP command line, judged against the flag table of the release in force.

The EPP exits on an unknown flag (Go `flag` and pflag alike), on a legacy metric flag from v1.4, on two
config sources, and on a malformed standalone mode; a few spellings parse but mean something else.
Parsing and the per-release table live in `gie_lint.topology.eppargs`; these rules only judge.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from gie_lint.releases import builds
from gie_lint.releases import flags as flag_table
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_EPP
from gie_lint.source.resources import Resource
from gie_lint.topology import eppargs
from gie_lint.topology.eppargs import EppArgs, Flag, is_placeholder
from gie_lint.topology.workloads import WORKLOAD_KINDS


def _unknowable(flag: Flag) -> bool:
    return is_placeholder(flag.written)


# GIE030 ---------------------------------------------------------------------------------------------

def _unknown_message(flag: Flag, args: EppArgs, tag: str) -> str:
    flags = args.flagset
    bare = flag.written.lstrip("-")
    head = f"`{flag.written}` is not a flag of the EPP {tag}"
    spec = flags.spec(flag.name)
    if spec is not None and spec.spelling != bare:
        if flags.camel:
            return f"{head}: flags are camelCase before v1.0.0; write `-{spec.spelling}`"
        return f"{head}: the camelCase flags were renamed in v1.0.0; write `--{spec.spelling}`"
    close = difflib.get_close_matches(bare, list(flags.by_spelling), n=1, cutoff=0.8)
    dash = "-" if flags.camel else "--"
    hint = f" (did you mean `{dash}{close[0]}`?)" if close else ""
    return f"{head}{hint}; the EPP exits on an undefined flag"


@scenario_rule("GIE030", "epp-flag-known", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_flag_known(scenario: Scenario) -> Iterator[Hit]:
    """Every flag passed to the EPP exists in that EPP release (camelCase before v1.0, kebab-case after).

    ## Why it breaks
    Both flag parsers the EPP has used reject an undefined flag and the process exits before serving. The v1.0.0
    rename from camelCase (`-poolName`) to kebab-case (`--pool-name`) left many copies of the old spelling in
    docs and manifests.

    ## Bad
    ```yaml
    args: ["-poolName", "my-pool"]          # EPP v1.x
    ```

    ## Good
    ```yaml
    args: ["--pool-name", "my-pool"]
    ```

    ## Fix
    Spell the flag as the target release defines it, or drop it if that release does not have it.
    """
    for epp in scenario.topology.readable_epps():
        workload, args = epp.workload, epp.args
        if epp.build is not None and epp.build.line is not None and not epp.build.known:
            continue  # `…:${TAG}`, or older than the line's data: which flags it has cannot be known
        for flag in args.flags:
            if flag.known or flag.ignored or _unknowable(flag):
                continue
            if args.flagset.spec(flag.name) is None \
                    and flag_table.any_release_type(flag.name, epp.release.line) is not None:
                continue  # a flag of other releases: release boundaries are judged coarsely, stay silent
            if (epp.build is None or epp.build.line is None) and any(
                    flag_table.any_release_type(flag.name, line) for line in builds.lines()):
                continue  # an image of no known line (`${EPP_IMAGE}`): a flag some line has may be its own
            yield Hit(flag.path, _unknown_message(flag, args, epp.release.tag), target=workload.resource)


# GIE031 ---------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"""^(["']).*\1$""", re.S)


@scenario_rule("GIE031", "epp-flag-syntax", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_flag_syntax(scenario: Scenario) -> Iterator[Hit]:
    r"""EPP flags are spelled so the release's parser reads them as intended.

    ## Why it breaks
    From v1.3.0 the EPP parses flags with pflag: `-pool-name` is read as the shorthand `-p` and fails. A bool
    flag never takes a separate value: Go flag (up to v1.2) stops at `false` and ignores every later flag, pflag
    sets the flag to true. Container args are not shell-parsed, so quotes stay in values (a metric name with
    quotes is never found).

    ## Bad
    ```yaml
    args: ["--secure-serving", "false", "--kv-cache-usage-percentage-metric=\"sglang:token_usage\""]
    ```

    ## Good
    ```yaml
    args: ["--secure-serving=false", "--kv-cache-usage-percentage-metric=sglang:token_usage"]
    ```

    ## Fix
    Use `--name` (two dashes) on v1.3+, `--flag=false` for bools, and unquoted values.
    """
    for epp in scenario.topology.readable_epps():
        workload, _, args = epp.workload, epp.container, epp.args
        target = workload.resource
        flags = args.flagset
        for flag in args.flags:
            if flag.ignored or _unknowable(flag):
                continue
            if flag.problem is not None and (flag.known or "is not flag syntax" in flag.problem):
                yield Hit(flag.path, flag.problem, target=target)
            spec = flags.spec(flag.name)
            if flag.known and spec is not None and not spec.bool and flag.value is None:
                yield Hit(flag.path, f"`{flag.written}` has no value (it is the last argument); the EPP exits with "
                          "\"flag needs an argument\"", target=target)
            if flag.value is not None and _QUOTED.match(flag.value):
                yield Hit(flag.value_path, f"the value of `{flag.written}` keeps its quote characters ({flag.value}): "
                          "container args are not shell-parsed; drop the quotes", Severity.WARNING, target=target)
        yield from _positionals(args, target)


def _positionals(args: EppArgs, target: Resource) -> Iterator[Hit]:
    goflag = args.flagset.parser == "goflag"
    for positional in args.positionals:
        later = [f for f in args.flags if f.ignored and f.index > positional.index] if goflag else []
        skipped = f"; Go flag stops at it, so the {len(later)} flag(s) after it are ignored" if later else ""
        meant = positional.after_bool
        if meant is not None and eppargs.bool_text(positional.value) is not None:
            wrong = eppargs.bool_text(positional.value) is False
            severity = Severity.ERROR if wrong or later else Severity.WARNING
            effect = f"`{meant.written}` alone means true" + (", the opposite of the intent" if wrong else "")
            yield Hit(positional.path, f"`{positional.value}` is not the value of the bool flag `{meant.written}` "
                      f"({effect}){skipped}; write `{meant.written}={positional.value}`", severity, target=target)
        elif later and not is_placeholder(positional.value):
            yield Hit(positional.path, f"`{positional.value}` is a positional argument{skipped}; remove it or "
                      "make it the value of a flag", target=target)


# GIE032 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE032", "epp-deprecated-metric-flags", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_deprecated_metric_flags(scenario: Scenario) -> Iterator[Hit]:
    """From v1.4.0 none of the five legacy `*-metric` flags is passed to the EPP.

    ## Why it breaks
    The EPP's option validation refuses --total-queued-requests-metric, --total-running-requests-metric,
    --kv-cache-usage-percentage-metric, --lora-info-metric and --cache-info-metric from v1.4.0 and the process
    exits. Helm `inferenceExtension.flags` and the sglang model-server type render them.

    ## Bad
    ```yaml
    args: ["--pool-name", "p", "--total-queued-requests-metric=sglang:num_queue_reqs"]   # v1.4+
    ```

    ## Good
    ```yaml
    args: ["--pool-name", "p"]   # label sglang pods inference.networking.k8s.io/engine-type: sglang
    ```

    ## Fix
    Drop the flags; describe the engine's metrics through engineConfigs or the engine-type pod label.
    """
    for epp in scenario.topology.readable_epps():
        if not flag_table.legacy_metric_flags_rejected(epp.release):
            continue
        for flag in epp.args.flags:
            if flag.name in flag_table.legacy_metric_flags(epp.release) and not flag.ignored:
                yield Hit(flag.path, f"`{flag.written}` is rejected from EPP v1.4.0 (the EPP exits: \"flag … is "
                          "deprecated and cannot be used\"); remove it and configure model-server metrics through "
                          "engineConfigs / the engine-type pod label", target=epp.resource)


# GIE033 ---------------------------------------------------------------------------------------------

@scenario_rule("GIE033", "epp-config-source", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_config_source(scenario: Scenario) -> Iterator[Hit]:
    """The EPP gets exactly one EndpointPickerConfig source where one is required (v0.5–v1.3).

    ## Why it breaks
    --config-file and --config-text are mutually exclusive. From v0.5 until v1.4.0 the upstream EPP has no
    default configuration and exits with "scheduler config must be set"; v0.3/v0.4 configure the scheduler in
    code and have no such flags.

    ## Bad
    ```yaml
    args: ["--pool-name", "p"]   # EPP v1.2.0, no config
    ```

    ## Good
    ```yaml
    args: ["--pool-name", "p", "--config-file", "/config/default-plugins.yaml"]
    ```

    ## Fix
    Pass one of --config-file / --config-text (and mount the file's ConfigMap).
    """
    for epp in scenario.topology.readable_epps():
        workload, container, args, release = epp.workload, epp.container, epp.args, epp.release
        if args.flagset.spec("config-file") is None:
            continue  # the config flags do not exist yet
        required = flag_table.window_open("config_required", release)
        file_flag, text_flag = args.get("config-file"), args.get("config-text")
        if file_flag is not None and text_flag is not None and file_flag.value and text_flag.value:
            later = max(file_flag, text_flag, key=lambda f: f.path)
            yield Hit(later.path, "both --config-file and --config-text are set; the EPP refuses to start: keep "
                      "one", target=workload.resource)
        elif required and not (file_flag and file_flag.value) \
                and not (text_flag and text_flag.value):
            where = args.args_path if "args" in container.data else container.path
            yield Hit(where, f"the EPP {release.tag} has no built-in scheduler config (until "
                      f"{flag_table.facts(release)['config_required']['until']}) and exits "
                      "without one; add --config-file (a mounted EndpointPickerConfig) or --config-text",
                      target=workload.resource)
