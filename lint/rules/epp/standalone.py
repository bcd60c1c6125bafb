"""GIE038: standalone mode (--endpoint-selector) as the release validates it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gie_lint.releases import flags as flag_table
from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, scenario_rule
from gie_lint.rules.applies import APPLIES_EPP
from gie_lint.shape import decimal, dig
from gie_lint.source.resources import Resource
from gie_lint.topology import eppargs
from gie_lint.topology.eppargs import EppArgs, is_placeholder
from gie_lint.topology.workloads import WORKLOAD_KINDS

# GIE038 ---------------------------------------------------------------------------------------------

_SELECTOR = re.compile(r"^[^=,\s]+=[^=,\s]*(,[^=,\s]+=[^=,\s]*)*$")


@scenario_rule("GIE038", "epp-standalone-mode", Severity.ERROR, kinds=WORKLOAD_KINDS,
    applies=APPLIES_EPP)
def epp_standalone_mode(scenario: Scenario) -> Iterator[Hit]:
    """Standalone mode (`--endpoint-selector`) has valid target ports, selector and POD_NAME.

    ## Why it breaks
    From v1.2.0 the EPP can select model-server pods without an InferencePool. Its option validation exits
    unless --endpoint-target-ports lists 1–8 ports and --pool-name is unset, and it names its synthetic pool
    after the Deployment parsed from POD_NAME.

    ## Bad
    ```yaml
    args: ["--endpoint-selector", "app=vllm"]   # no target ports, no POD_NAME env
    ```

    ## Good
    ```yaml
    args: ["--endpoint-selector", "app=vllm", "--endpoint-target-ports", "8000"]
    env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    ```

    ## Fix
    Add --endpoint-target-ports, drop --pool-name, and set POD_NAME from metadata.name.
    """
    limits = flag_table.facts()["standalone"]  # the same limits in every line
    for epp in scenario.topology.readable_epps():
        workload, container, args = epp.workload, epp.container, epp.args
        if not flag_table.window_open("standalone", epp.release):
            continue
        selector = args.get("endpoint-selector")
        if selector is None or not selector.value or is_placeholder(selector.value):
            continue
        target = workload.resource
        if not _SELECTOR.match(selector.value):
            yield Hit(selector.value_path, f"--endpoint-selector `{selector.value}` is not `key=value[,key=value]` "
                      "(no spaces, no set expressions)", target=target)
        pool = args.get("pool-name")
        if pool is not None and pool.value:
            yield Hit(pool.path, "--pool-name and --endpoint-selector are mutually exclusive; the EPP refuses to "
                      "start: drop one", target=target)
        yield from _target_ports(args, limits["max_target_ports"], target)
        env = limits["pod_name_env"]
        value, known = eppargs.env_value(workload, container, env)
        field_path = next((dig(e, "valueFrom", "fieldRef", "fieldPath") for e in container.env if e.get("name") == env),
                          None)
        if known and value is None and field_path != "metadata.name":
            yield Hit(selector.path, f"standalone mode needs env {env} from the downward API (fieldRef "
                      "metadata.name) to name its endpoint pool", target=target)
        if workload.resource.kind != "Deployment":
            yield Hit(selector.path, f"standalone mode derives its name from a Deployment pod name "
                      f"(`<deployment>-<hash>-<id>`); a {workload.resource.kind} pod name does not match",
                      Severity.WARNING, target=target)


def _target_ports(args: EppArgs, most: int, target: Resource) -> Iterator[Hit]:
    ports = args.get("endpoint-target-ports")
    if ports is None or not ports.value:
        selector = args.get("endpoint-selector")
        yield Hit(selector.path if selector else args.args_path,
                  f"--endpoint-selector needs --endpoint-target-ports with 1–{most} ports", target=target)
        return
    if is_placeholder(ports.value):
        return
    items = ports.value.split(",")
    numbers = [decimal(i.strip()) for i in items]
    if len(items) > most or not all(n is not None and n <= 65535 for n in numbers):
        yield Hit(ports.value_path, f"--endpoint-target-ports `{ports.value}` must be 1–{most} comma-separated "
                  "port numbers (0–65535)", target=target)


