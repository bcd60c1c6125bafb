"""The layout is the pipeline: imports point only down it, with no cycles, and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

LINT = Path(__file__).resolve().parent.parent / "lint"
# Pipeline order: a stage may import only stages of a lower rank (and itself). Stages of equal rank are
# independent of each other (schemas and release facts both sit on the sources).
RANK = {
    "lint": 0, "result": 0, "shape": 0, "spelling": 0,
    "source": 1,
    "schema": 2, "releases": 2,
    "topology": 3,
    "rules": 4,
    "engine": 5,
    "settings": 6, "explain": 6, "reporters": 6,
    "cli": 7, "__main__": 8,
    "docs": 8,  # the MkDocs plugin: runs the engine and reads the CLI parser (lint/docs/)
}
MAX_LINES = 300


def _module(path: Path) -> str:
    # The source folder is lint/; the import package it installs as is gie_lint.
    parts = ("gie_lint", *path.relative_to(LINT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every `gie_lint…` module `path` imports, at module level or inside a function."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "gie_lint"}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            if target.split(".")[0] == "gie_lint":
                # `from gie_lint.topology import epc_view` imports the submodule when there is one
                found |= {f"{target}.{a.name}" if _exists(f"{target}.{a.name}") else target for a in node.names}
    return found


def _exists(module: str) -> bool:
    path = LINT.joinpath(*module.split(".")[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "lint"


GRAPH = {_module(p): _imports(p) for p in sorted(LINT.rglob("*.py"))}


def test_every_stage_has_a_rank() -> None:
    assert {_stage(m) for m in GRAPH} == set(RANK)


def test_imports_point_down_the_pipeline() -> None:
    upward = sorted(f"{a} -> {b}" for a, targets in GRAPH.items() for b in targets
                    if _stage(a) != _stage(b) and RANK[_stage(b)] >= RANK[_stage(a)])
    assert upward == []


def test_reporters_depend_only_on_the_result_model() -> None:
    allowed = {"gie_lint", "gie_lint.result", "gie_lint.shape"}
    leaks = sorted(f"{a} -> {b}" for a, targets in GRAPH.items() if _stage(a) == "reporters"
                   for b in targets if _stage(b) != "reporters" and b not in allowed)
    assert leaks == []


def test_no_import_cycles() -> None:
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH.get(module, ())):
            if target == module or target not in GRAPH:
                continue
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target):], target] if target in trail else [module, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    # A package's __init__ that re-exports its own submodules is not a cycle worth reporting.
    real = [c for c in cycles if not all(m == c[0] or m.startswith(c[0] + ".") or c[0].startswith(m + ".")
                                         for m in c)]
    assert real == []


def test_modules_stay_small() -> None:
    big = sorted(f"{p.relative_to(LINT.parent)}: {n} lines" for p in LINT.rglob("*.py")
                 if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert big == []
