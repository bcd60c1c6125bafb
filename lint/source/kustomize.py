"""Kustomize: the patch files a kustomization lists, and rendering a kustomization directory.

A patch (`patches: [{path: …}]`, `patchesStrategicMerge`, `patchesJson6902`) is a fragment of an object, not an
object: linting it alone reports fields it leaves out on purpose. A kustomization directory named as an input
(`gie-lint check DIR`, `--kustomize DIR`) is rendered with `kubectl kustomize DIR`, and the render is linted as
one stream named `DIR (kustomize)`, its lines those `kubectl kustomize DIR` prints. The same can be piped:
`kubectl kustomize DIR | gie-lint check -`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from gie_lint.shape import as_list
from gie_lint.source.positions import Mark
from gie_lint.source.yamldoc import parse_stream

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
RENDERED = " (kustomize)"  # the suffix of a rendered stream's name
PATCH_KEYS = ("patches", "patchesStrategicMerge", "patchesJson6902")
TIMEOUT_SECONDS = 300
_KLOG_PREFIX = re.compile(r"^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] ")  # `E1203 06:38:08.42 29340 run.go:72] `


class KustomizeError(Exception):
    """A kustomization directory that cannot be rendered (no kubectl, a failing build): exit 2, one line."""


def root(directory: str) -> str | None:
    """The kustomization file directly in `directory`, or None when it is not a kustomization directory."""
    if not os.path.isdir(directory):
        return None
    for name in KUSTOMIZATION_NAMES:
        if os.path.isfile(os.path.join(directory, name)):
            return os.path.join(directory, name)
    return None


def rendered_name(directory: str) -> str:
    return (directory.rstrip("/") or "/") + RENDERED


def render(directory: str) -> bytes:
    """`kubectl kustomize DIR`: the objects the kustomization produces, as one YAML stream."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise KustomizeError(f"{directory}: rendering a kustomization directory needs kubectl on PATH "
                             f"(or pipe a render: `kustomize build {directory} | gie-lint check -`)")
    try:
        done = subprocess.run([kubectl, "kustomize", directory], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KustomizeError(f"{directory}: `kubectl kustomize` did not run: {exc}") from None
    if done.returncode != 0:
        said = [_KLOG_PREFIX.sub("", line.strip()) for line in done.stderr.decode("utf-8", "replace").splitlines()
                if line.strip()]
        raise KustomizeError(f"{directory}: `kubectl kustomize` failed: {(said or ['no message'])[-1][:300]}")
    return done.stdout


def patches(text: str) -> list[tuple[str, Mark]]:
    """The patch files a kustomization lists (as written, relative to its folder), each with where it is listed."""
    found = []
    for document in parse_stream(text):
        if not isinstance(document.data, dict):
            continue
        for key in PATCH_KEYS:
            for index, entry in enumerate(as_list(document.data.get(key))):
                path = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(path, str) and path.strip() and "\n" not in path:  # not an inline patch
                    found.append((path.strip(), document.positions.locate((key, index))))
    return found
