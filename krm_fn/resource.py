"""One item of a ResourceList, read safely whatever its shape: the kpt SDK's KubeObject, in Python.

Items come from users: a `spec: 5` must give a readable error (the `shape` rule), never a
crash halfway through the list, so every getter reads a missing or wrongly typed field as
absent. Numbers are read as `kubectl apply` reads them (`yamlio.as_applied`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .yamlio import as_applied

LOCAL_CONFIG = "config.kubernetes.io/local-config"


class ResourceId(NamedTuple):
    """Identifies an object in a cluster: the version is left out, as the API server does."""

    group: str
    kind: str
    namespace: str
    name: str


class Resource:
    """A read-only view of one item (a plain dict, which stays the data)."""

    __slots__ = ("obj",)

    def __init__(self, obj: dict[str, Any]) -> None:
        self.obj = obj

    def __repr__(self) -> str:
        return f"Resource({self.kind}/{self.name})"

    @property
    def api_version(self) -> str:
        return str(self.obj.get("apiVersion") or "")

    @property
    def group(self) -> str:
        """The API group: "" for the core group (`v1`)."""
        return self.api_version.rpartition("/")[0]

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind") or "")

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", ""))

    @property
    def namespace(self) -> str:
        """The namespace as written; an unset namespace is "" (kustomize may set it later)."""
        return str(self.metadata.get("namespace") or "")

    @property
    def id(self) -> ResourceId:
        return ResourceId(self.group, self.kind, self.namespace, self.name)

    def is_a(self, group: str, kind: str) -> bool:
        """Of this group and kind, in any version."""
        return self.kind == kind and self.group == group

    @property
    def metadata(self) -> dict[str, Any]:
        return self.get_map("metadata")

    @property
    def labels(self) -> dict[str, Any]:
        return self.get_map("metadata", "labels")

    @property
    def annotations(self) -> dict[str, Any]:
        return self.get_map("metadata", "annotations")

    def annotation_is_true(self, key: str) -> bool:
        return str(self.annotations.get(key, "")).lower() == "true"

    @property
    def is_local_config(self) -> bool:
        """kpt and kustomize never apply local-config items (Kptfiles, function configs)."""
        return self.annotation_is_true(LOCAL_CONFIG)

    def get(self, *path: str) -> Any:
        """The value at `path`, or None where any step is missing or not a mapping."""
        value: Any = self.obj
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def has(self, *path: str) -> bool:
        *head, last = path
        parent = self.get(*head)
        return isinstance(parent, dict) and last in parent

    def get_map(self, *path: str) -> dict[str, Any]:
        """The mapping at `path`, or {} where it is missing or of another type."""
        value = self.get(*path)
        return value if isinstance(value, dict) else {}

    def get_list(self, *path: str) -> list[Any]:
        """The sequence at `path`, or [] where it is missing or of another type."""
        value = self.get(*path)
        return value if isinstance(value, list) else []

    def get_int(self, *path: str) -> int | None:
        """The integer at `path` as the cluster would receive it, or None if it is not one."""
        value = as_applied(self.get(*path))
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def get_str(self, *path: str) -> str | None:
        value = self.get(*path)
        return str(value) if isinstance(value, str) else None

    @property
    def pod_labels(self) -> dict[str, Any]:
        """The pod template's labels of a Deployment-like workload."""
        return self.get_map("spec", "template", "metadata", "labels")
