"""One item of a ResourceList, read safely whatever its shape: the kpt SDK's KubeObject, in Python.

Items come from users: a `spec: 5` must give a readable error (the `shape` rule), never a
crash halfway through the list, so every getter reads a missing or wrongly typed field as
absent. Numbers are read as `kubectl apply` reads them (`yamlio.as_applied`). An item read
from a list's text is parsed only as far as it is read (`yamlio.Document`): its apiVersion,
kind and metadata (`HEAD`) up front, the rest on the first read past them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from . import yamlio

LOCAL_CONFIG = "config.kubernetes.io/local-config"
PATH = "config.kubernetes.io/path"
"""The file a kpt package item comes from (kpt writes it back there)."""
INDEX = "config.kubernetes.io/index"
"""Its place among the documents of that file."""


class ResourceId(NamedTuple):
    """Identifies an object in a cluster: the version is left out, as the API server does."""

    group: str
    kind: str
    namespace: str
    name: str


HEAD = ("apiVersion", "kind", "metadata")
"""What every item is read for: which object it is."""


class Resource:
    """A read-only view of one item: getters over its `yamlio.Document`, which holds the data (a
    plain dict) and, for an item read from a list's text, that text."""

    __slots__ = ("document",)

    def __init__(self, obj: Any = None, *, origin: Resource | None = None, document: yamlio.Document | None = None) -> None:
        """`obj` as an item; or, as `document`, an item read from a list's text. Made from `origin`,
        it reuses the text of every part it shares with it."""
        self.document: yamlio.Document = (
            document if document is not None else yamlio.Document(obj, origin=origin.document if origin else None)
        )

    def __repr__(self) -> str:
        return f"Resource({self.kind}/{self.name})"

    @property
    def obj(self) -> Any:
        """The item as data, parsed from its text on first use."""
        return self.document.data

    @property
    def parsed(self) -> bool:
        return self.document.parsed

    def without(self, *keys: str) -> Resource:
        """The item without the blocks under `keys`, at any depth, for a read that needs none of them
        (cheap for an item not parsed yet: a CRD without its schemas)."""
        return Resource(document=self.document.without(frozenset(keys)))

    @property
    def api_version(self) -> str:
        return str(self.document.top("apiVersion") or "")

    @property
    def group(self) -> str:
        """The API group: "" for the core group (`v1`)."""
        return self.api_version.rpartition("/")[0]

    @property
    def kind(self) -> str:
        return str(self.document.top("kind") or "")

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
        if not path:
            return self.obj
        value: Any = self.document.top(path[0])
        for key in path[1:]:
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
        value = yamlio.as_applied(self.get(*path))
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def pod_labels(self) -> dict[str, Any]:
        """The pod template's labels of a Deployment-like workload."""
        return self.get_map("spec", "template", "metadata", "labels")


def parse_all(resources: Iterable[Resource]) -> None:
    """Parse, in one pass over their texts, the resources not parsed yet (one libyaml call, not one each)."""
    yamlio.parse_all(resource.document for resource in resources)
