"""Where a document's keys and values sit in its file: a 1-based `Mark`, and a document's `Positions`, built
only when a finding first asks (see `yamldoc._Recompose`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from gie_lint.shape import JsonPath


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column."""

    line: int
    column: int


class Loader(Protocol):
    """Builds a document's whole position table, or finds the marks of one path (see `yamldoc._Recompose`)."""

    def __call__(self) -> tuple[dict[JsonPath, Mark], dict[JsonPath, Mark]]: ...

    def find(self, path: JsonPath) -> tuple[Mark | None, Mark] | None: ...


# Paths of one document looked up one walk at a time before its whole table is built: most documents are asked
# once (an EPP's image line, one finding); a document with many findings gets the table.
_WALKS = 2


class Positions:
    """Where each key and value of one document sits in its file.

    `keys[path]` is the position of the mapping key that leads to `path` (or of the list item itself
    for list elements); `values[path]` is where the value starts. Built on first use: a clean document is
    never asked where anything is but its start (`root`), so the reader keeps only its text and composes it
    again, with the same builder, the first time a finding needs a position. That keeps a big dump's memory
    to its data (a position per YAML node was ~40 MiB per MB of YAML).
    """

    __slots__ = ("_keys", "_values", "_load", "_walks", "_known", "root")

    def __init__(self, keys: dict[JsonPath, Mark] | None = None, values: dict[JsonPath, Mark] | None = None,
                 load: Loader | None = None, root: Mark | None = None) -> None:
        self._keys = keys if keys is not None else {}
        self._values = values if values is not None else {}
        self._load = load
        self._walks = 0
        self._known: dict[JsonPath, Mark] = {}  # keys the reader kept the place of, before any table
        self.root = root

    def remember(self, path: JsonPath, mark: Mark) -> None:
        """The key mark of `path`, kept while reading (the table would hold the same)."""
        self._known[path] = mark

    def _walked(self, path: JsonPath) -> tuple[Mark | None, Mark] | None:
        """One path's marks by a walk, while the table is not built and only a few paths were asked."""
        if self._load is None or self._walks >= _WALKS:
            return None
        self._walks += 1
        return self._load.find(path)

    def _loaded(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            self._keys, self._values = load()

    @property
    def keys(self) -> dict[JsonPath, Mark]:
        self._loaded()
        return self._keys

    @property
    def values(self) -> dict[JsonPath, Mark]:
        self._loaded()
        return self._values

    def __repr__(self) -> str:  # the positions themselves, never the loader's identity: output stays deterministic
        return f"Positions(root={self.root!r}, keys={self.keys!r}, values={self.values!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Positions):
            return NotImplemented
        return (self.root, self.keys, self.values) == (other.root, other.keys, other.values)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dicts it holds

    def locate(self, path: JsonPath) -> Mark:
        """The key of `path`, or of its nearest existing ancestor (a missing field points at its parent)."""
        if not path and self.root is not None:
            return self.root
        known = self._known.get(path) if self._load is not None else None
        if known is not None:
            return known
        walked = self._walked(path)
        if walked is not None:
            return walked[0] or walked[1]
        keys, values = self.keys, self.values
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            mark = keys.get(prefix) or values.get(prefix)
            if mark is not None:
                return mark
        return Mark(1, 1)

    def value_of(self, path: JsonPath) -> Mark:
        if not path and self.root is not None:
            return self.root
        return self.values.get(path) or self.locate(path)  # (a walk would not say whether `path` itself exists)
