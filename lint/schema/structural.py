"""What JSON Schema cannot express: defaults, CEL rules and list types, checked by walking the schema.

The API server validates a custom resource in this order: apply structural ``default``s, check the
OpenAPI schema, check ``x-kubernetes-list-type`` set/map uniqueness, then evaluate the
``x-kubernetes-validations`` CEL rules with ``self`` bound to each node. JSON Schema engines ignore
those keywords, so this module does the rest. It first precomputes, once per schema, a compact tree
holding only the branches that carry such keywords, so walking a large document visits little.

A CEL rule that cannot be evaluated here (unsupported function, missing key, type error, budget) is
neither a pass nor a failure: it is reported as *unevaluated* with the reason, so the linter never
claims a check it did not make. Transition rules (``oldSelf``) need the stored object and are skipped.
The CEL side (function library, property name escaping, rule compilation) is lint/schema/cel.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gie_lint.schema.cel import CelRule, Resolver, cel_property_name, failure_reason, make_rule, rule_context, to_cel
from gie_lint.schema.cel import parse_field_path as parse_field_path  # re-exported: it lived here
from gie_lint.schema.violation import Violation
from gie_lint.shape import JsonPath

MAX_DEPTH = 64  # deeper schemas/documents are not walked (both are tiny in practice)
MAX_NODES = 200_000  # document nodes visited per check
MAX_EVALUATIONS = 5_000  # CEL evaluations per check (the API server has a cost budget too)
MAX_LIST_FOR_CEL = 1_000  # quadratic rules (self.all(x, self.exists_one(...))) on huge lists: skip


@dataclass
class _Node:
    """A schema node that carries, or has descendants that carry, structural keywords."""

    schema: dict[str, Any]
    doc: dict[str, Any]  # the schema document it lives in (for nested $refs)
    rules: list[CelRule] = field(default_factory=list)
    list_type: str | None = None
    map_keys: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    nullable: set[str] = field(default_factory=set)
    props: dict[str, _Node] = field(default_factory=dict)
    items: _Node | None = None
    values: _Node | None = None
    escape: bool = False  # some property below needs CEL name escaping


@dataclass
class StructuralResult:
    violations: list[Violation] = field(default_factory=list)
    unevaluated: list[tuple[JsonPath, str, str]] = field(default_factory=list)
    skipped_transition_rules: int = 0


class _Builder:
    """Builds the compact tree, resolving ``$ref`` (local, or into the given external documents)."""

    def __init__(self, root: dict[str, Any], documents: Mapping[str, dict[str, Any]]) -> None:
        self.root, self.documents = root, documents
        self.memo: dict[int, _Node | None] = {}
        self.rules: list[CelRule] = []

    def resolve(self, schema: Any, doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], int]:
        """Follow ``$ref``s; returns the schema, the document it lives in, and a stable memo key.

        The key is the id of an object that lives in a schema document (never of a temporary merge),
        so memoisation is sound and recursive definitions are detected.
        """
        key = id(schema)
        for _ in range(32):
            if not isinstance(schema, dict) or "$ref" not in schema:
                break
            base, _, pointer = str(schema["$ref"]).partition("#")
            if base:
                found = next((d for uri, d in self.documents.items() if uri.endswith(base)), None)
                doc = found or {}
            target: Any = doc
            for part in filter(None, pointer.split("/")):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            siblings = {k: v for k, v in schema.items() if k not in ("$ref", "description")}
            # A $ref with keywords beside it is its own node (key: the referring object); a bare one
            # shares the target's node.
            key = id(schema) if siblings else id(target)
            schema = {**target, **siblings} if isinstance(target, dict) and siblings else target
        return (schema if isinstance(schema, dict) else {}), doc, key

    def build(self, schema: Any, doc: dict[str, Any], depth: int = 0) -> _Node | None:
        """Build the node graph (shared and possibly cyclic through $ref); prune with :meth:`finish`."""
        schema, doc, key = self.resolve(schema, doc)
        if key in self.memo:
            return self.memo[key]
        if depth > MAX_DEPTH:
            return None
        node = self.memo[key] = _Node(schema, doc)  # registered first: a recursive $ref finds it
        for name, sub in (schema.get("properties") or {}).items():
            sub_resolved = self.resolve(sub, doc)[0]
            if "default" in sub_resolved:
                node.defaults[name] = sub_resolved["default"]
            types = sub_resolved.get("type")
            if isinstance(types, list) and "null" in types:
                node.nullable.add(name)
            node.escape |= cel_property_name(name) != name
            child = self.build(sub, doc, depth + 1)
            if child is not None:
                node.props[name] = child
        for attr, sub in (("items", schema.get("items")), ("values", schema.get("additionalProperties"))):
            if isinstance(sub, dict):
                setattr(node, attr, self.build(sub, doc, depth + 1))
        node.rules = [make_rule(e) for e in schema.get("x-kubernetes-validations") or [] if isinstance(e, dict)]
        self.rules.extend(node.rules)
        if schema.get("x-kubernetes-list-type") in ("set", "map"):
            node.list_type = schema["x-kubernetes-list-type"]
            node.map_keys = tuple(schema.get("x-kubernetes-list-map-keys") or ())
        return node

    def finish(self, root: _Node | None) -> _Node | None:
        """Propagate `escape` up and keep only branches that lead to a default, rule or list type.

        Fixpoint iterations, because a recursive $ref makes the graph cyclic.
        """
        nodes = [n for n in self.memo.values() if n is not None]
        useful = {id(n) for n in nodes if n.rules or n.list_type or n.defaults}
        changed = True
        while changed:
            changed = False
            for node in nodes:
                children = [c for c in (*node.props.values(), node.items, node.values) if c is not None]
                if not node.escape and any(c.escape for c in children):
                    node.escape = changed = True
                if id(node) not in useful and any(id(c) in useful for c in children):
                    useful.add(id(node))
                    changed = True
        for node in nodes:
            node.props = {k: c for k, c in node.props.items() if id(c) in useful}
            node.items = node.items if node.items is not None and id(node.items) in useful else None
            node.values = node.values if node.values is not None and id(node.values) in useful else None
        return root if root is not None and id(root) in useful else None


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)[:80]


class StructuralChecker:
    """Defaults, CEL rules and list-type checks of one schema; build once, check many documents.

    ``documents`` maps the URIs of external schema documents (``$ref`` targets such as Kubernetes'
    ``_definitions.json``) to their contents.
    """

    def __init__(self, schema: dict[str, Any], documents: Mapping[str, dict[str, Any]] | None = None) -> None:
        builder = _Builder(schema, documents or {})
        self._root = builder.finish(builder.build(schema, schema))
        self._resolve = builder.resolve
        self.rules: tuple[CelRule, ...] = tuple(builder.rules)

    @property
    def has_checks(self) -> bool:
        return self._root is not None

    def apply_defaults(self, doc: Any, *, in_place: bool = False) -> Any:
        """``doc`` with structural defaults applied (a copy unless ``in_place``), as the API server does
        before validation."""
        if self._root is None:
            return doc
        if not in_place:
            doc = copy.deepcopy(doc)
        self._default(doc, self._root, 0)
        return doc

    def _default(self, value: Any, node: _Node, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(value, dict):
            for name, default in node.defaults.items():
                if name not in value or (value[name] is None and name not in node.nullable):
                    value[name] = copy.deepcopy(default)
            for key, sub in value.items():
                child = _child(node, key)
                if child is not None:
                    self._default(sub, child, depth + 1)
        elif isinstance(value, list) and node.items is not None:
            for sub in value:
                self._default(sub, node.items, depth + 1)

    def check(self, doc: Any, *, defaulted: bool = False, skip_cel_under: Iterable[JsonPath] = ()) -> StructuralResult:
        """Check one document. ``defaulted``: ``doc`` already went through :meth:`apply_defaults`.

        ``skip_cel_under``: paths with JSON Schema type errors. Like the API server, CEL rules are not
        evaluated on a value whose content has the wrong types (they would fail for the wrong reason).
        """
        result = StructuralResult()
        if self._root is None:
            return result
        walk = _Walk(result, tuple(skip_cel_under), self._resolve)
        walk.visit(doc if defaulted else self.apply_defaults(doc), self._root, ())
        if walk.nodes > MAX_NODES:
            result.unevaluated.append(((), "*", f"document too large: stopped after {MAX_NODES} nodes"))
        result.violations.sort(key=lambda v: (path_sort_key(v.path), v.keyword, v.message))
        result.unevaluated.sort(key=lambda u: (path_sort_key(u[0]), u[1], u[2]))
        return result


def _child(node: _Node, key: str) -> _Node | None:
    """The tree node for a property: a declared property, else the map-value schema."""
    if key in node.props:
        return node.props[key]
    return None if key in (node.schema.get("properties") or {}) else node.values


def path_sort_key(path: JsonPath) -> tuple[tuple[int, int, str], ...]:
    """Sort key for paths that mix list indices and keys."""
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


class _Walk:
    """One walk over a (defaulted) document alongside the compact tree."""

    def __init__(self, result: StructuralResult, type_error_paths: tuple[JsonPath, ...], resolve: Resolver) -> None:
        self.result, self.type_error_paths, self.resolve = result, type_error_paths, resolve
        self.nodes = self.evaluations = 0

    def visit(self, value: Any, node: _Node, path: JsonPath) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or len(path) > MAX_DEPTH or value is None:
            return  # null values are unset values for the API server: no rules run on them
        if node.list_type and isinstance(value, list):
            self.list_type(value, node, path)
        if node.rules:
            self.rules(value, node, path)
        if isinstance(value, dict):
            for key, sub in value.items():
                child = _child(node, key)
                if child is not None:
                    self.visit(sub, child, (*path, key))
        elif isinstance(value, list) and node.items is not None:
            for index, sub in enumerate(value):
                self.visit(sub, node.items, (*path, index))

    def list_type(self, items: list[Any], node: _Node, path: JsonPath) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if node.list_type == "map":
                if not isinstance(item, dict) or not all(k in item for k in node.map_keys):
                    continue  # wrong shape or missing key: JSON Schema reports it
                identity = ", ".join(f"{k}={_show(item[k])}" for k in node.map_keys)
            else:
                identity = _show(item)
            first = seen.setdefault(json.dumps(identity), index)
            if first == index:
                continue
            if node.list_type == "map":
                keys = ", ".join(f"`{k}`" for k in node.map_keys)
                message = (f"duplicate entry {identity} (same as item {first}): entries of this list must "
                           f"have unique {keys}; merge or remove one")
            else:
                message = f"duplicate value {identity} (same as item {first}): list values must be unique; remove it"
            self.result.violations.append(Violation((*path, index), "x-kubernetes-list-type", message, identity))

    def rules(self, value: Any, node: _Node, path: JsonPath) -> None:
        blocked = any(p[: len(path)] == path for p in self.type_error_paths)
        cel_value: Any = None
        for rule in node.rules:
            if rule.transition:
                self.result.skipped_transition_rules += 1
                continue
            reason = rule.compile_error
            if reason is None and blocked:
                reason = "not evaluated: this value has type errors"
            elif reason is None and isinstance(value, list) and len(value) > MAX_LIST_FOR_CEL:
                reason = f"not evaluated: list of {len(value)} items is too large"
            elif reason is None and self.evaluations >= MAX_EVALUATIONS:
                reason = f"not evaluated: budget of {MAX_EVALUATIONS} evaluations spent"
            if reason is None:
                if cel_value is None:
                    cel_value = to_cel(value, node.schema, node.doc, self.resolve) if node.escape else value
                reason = self.evaluate(rule, cel_value, path)
            if reason is not None:
                self.result.unevaluated.append((path, rule.rule, reason))

    def evaluate(self, rule: CelRule, value: Any, path: JsonPath) -> str | None:
        """Run one rule; returns a reason when it could not be evaluated."""
        self.evaluations += 1
        context = rule_context(rule, value)
        try:
            outcome = rule.program.execute(context)
        except Exception as exc:  # any failure inside CEL means "not evaluated", never a crash
            return failure_reason(exc)
        if outcome is True:
            return None
        if outcome is not False:
            return f"rule returned {type(outcome).__name__}, not a boolean"
        message = rule.message or f"failed rule: {rule.rule}"
        self.result.violations.append(Violation((*path, *rule.field_path), "x-kubernetes-validations",
                                                message, rule.rule))
        return None
