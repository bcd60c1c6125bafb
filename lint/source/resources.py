"""Resources: Kubernetes objects found in parsed documents, with their identity and positions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gie_lint.shape import JsonPath, as_list, dig
from gie_lint.source.files import SourceFile
from gie_lint.source.positions import Mark
from gie_lint.source.yamldoc import Document

# Kinds that live outside namespaces: `--namespace` must not be applied to them.
CLUSTER_SCOPED = frozenset({
    "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "GatewayClass",
    "PersistentVolume", "StorageClass", "PriorityClass", "Node", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "APIService", "IngressClass", "RuntimeClass", "CSIDriver",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
})


@dataclass(eq=False)  # identity: two objects with equal text are still two objects
class Resource:
    """One Kubernetes object. `prefix` is its path inside the document (non-empty for `kind: List` items)."""

    data: dict[str, Any]
    source: SourceFile
    document: Document
    prefix: JsonPath
    namespace: str

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def kind(self) -> str:
        value = self.data.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        value = self.metadata.get("name")
        return value if isinstance(value, str) else ""

    @property
    def file(self) -> str:
        return self.source.name

    @property
    def ref(self) -> str:
        """`Kind namespace/name` as printed in findings."""
        name = self.name or "<unnamed>"
        return f"{self.kind} {self.namespace}/{name}" if self.namespace else f"{self.kind} {name}"

    def get(self, *path: str | int) -> Any:
        """The value at `path` in the object; None when missing or when a node on the way has another shape."""
        return dig(self.data, *path)

    def locate(self, path: JsonPath) -> Mark:
        """Where `path` (relative to this object) is written in the original file."""
        return self.source.original_mark(self.document.positions.locate((*self.prefix, *path)))

    def value_mark(self, path: JsonPath) -> Mark:
        return self.source.original_mark(self.document.positions.value_of((*self.prefix, *path)))


def is_object(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)


def extract(source: SourceFile, default_namespace: str) -> Iterator[Resource]:
    """Every object of a file, with `kind: List` expanded and the namespace placed like `kubectl apply -n`."""
    for document in source.documents:
        data = document.data
        if not is_object(data):
            continue
        if data["kind"] == "List" or (data["kind"].endswith("List") and isinstance(data.get("items"), list)):
            for index, item in enumerate(as_list(data.get("items"))):
                if is_object(item):
                    yield _resource(item, source, document, ("items", index), default_namespace)
            continue
        yield _resource(data, source, document, (), default_namespace)


def _resource(data: dict[str, Any], source: SourceFile, document: Document, prefix: JsonPath,
              default_namespace: str) -> Resource:
    meta = data.get("metadata")
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    if data.get("kind") in CLUSTER_SCOPED:
        namespace = ""
    elif not isinstance(namespace, str) or not namespace:
        namespace = default_namespace
    return Resource(data=data, source=source, document=document, prefix=prefix, namespace=namespace)
