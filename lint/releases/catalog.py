"""The one loader of release data: `lint/releases/data/<line>/<file>.yaml`, validated at load time.

Each data file has a JSON Schema beside it (`data/schema/<file>.schema.json`). A file that does not match is a
defect of the package, reported as `ReleaseDataError` naming the file and line, so a typo in a new release's
entry fails the test suite at once instead of turning into a silently wrong verdict.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

DATA_PACKAGE = "gie_lint.releases.data"
# The data package's folder (a plain folder in every install; pathlib starts faster than importlib.resources).
_DATA = Path(__file__).resolve().parent / "data"
# The release lines the package ships; the first is the default line (`--gie-version`, pools, routes).
LINES = ("gie", "llm-d-router", "lwepp")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe either way; libyaml when PyYAML was built with it


class ReleaseDataError(Exception):
    """Release data that does not match its schema: `file:line: message`."""


def has(line: str, name: str) -> bool:
    """Whether the line ships that data file (lwepp reads no EndpointPickerConfig: no epc_plugins.yaml)."""
    return _DATA.joinpath(line, f"{name}.yaml").is_file()


@functools.cache
def document(line: str, name: str) -> Any:
    """The validated content of `data/<line>/<name>.yaml`."""
    text = _DATA.joinpath(line, f"{name}.yaml").read_text(encoding="utf-8")
    return validated(text, name, f"lint/releases/data/{line}/{name}.yaml")


def validated(text: str, name: str, where: str) -> Any:
    """`text` loaded and checked against the schema of data file `name`; errors say `where:line`."""
    node = None  # the nodes' positions: only to say where an error is
    try:
        data = yaml.load(text, Loader=_LOADER)  # libyaml: the same data as yaml.safe_load, faster
    except yaml.YAMLError:
        try:  # the pure-Python loader words the error, as it always did
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise ReleaseDataError(f"{where}:{mark.line + 1 if mark else 1}: {problem}") from None
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: [str(p) for p in e.instance_path])
    if errors:
        first = errors[0]
        if node is None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        raise ReleaseDataError(f"{where}:{_line(node, list(first.instance_path))}: "
                               f"{'/'.join(map(str, first.instance_path)) or '(top)'}: {first.message}")
    return data


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema_rs  # only when release data is first read

    schema = json.loads(_DATA.joinpath("schema", f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def _line(node: yaml.Node | None, path: list[Any]) -> int:
    """The 1-based line of the deepest node on `path` that exists (the error is at or under it)."""
    if node is None:
        return 1
    for step in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1
