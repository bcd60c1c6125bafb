"""A rule that fails on purpose, for the tests of GIE999 rule-crashed (not registered: it lives under tests/)."""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import Hit, Scenario, resource_rule
from gie_lint.source.resources import Resource


@resource_rule("GIE998", "crashing-test-rule", Severity.ERROR, kinds=("Service",))
def crashing_test_rule(resource: Resource, scenario: Scenario) -> Iterator[Hit]:
    """Fails on every Service, the way a rule with a bug fails on input nobody foresaw.

    ## Why it breaks
    It simulates a rule bug: a check that assumes a value's shape.

    ## Bad
    ```yaml
    kind: Service
    ```

    ## Good
    ```yaml
    kind: ConfigMap
    ```

    ## Fix
    Fix the rule.
    """
    yield from ()
    raise TypeError("argument of type 'int' is not iterable")
