"""The engine's GC discipline (issue 11): no cyclic GC while a scenario is built, frozen afterwards, and the
collector left as the caller had it when `run` returns."""

from __future__ import annotations

import gc
from pathlib import Path

from gie_lint.engine.run import ScenarioSpec, run

POOL = str(Path(__file__).resolve().parent.parent / "examples/broken/pool-v1-legacy-fields.yaml")


def test_run_leaves_the_collector_as_it_was() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    findings = run([ScenarioSpec("gc", (POOL,))]).result.findings
    assert findings  # the run itself worked
    assert gc.isenabled()
    assert gc.get_freeze_count() == before


def test_a_callers_freeze_is_kept_and_a_disabled_collector_stays_off() -> None:
    gc.freeze()
    gc.disable()
    try:
        frozen = gc.get_freeze_count()
        run([ScenarioSpec("gc", (POOL,))])
        assert not gc.isenabled()
        assert gc.get_freeze_count() >= frozen  # nothing of the caller's was unfrozen
    finally:
        gc.enable()
        gc.unfreeze()
