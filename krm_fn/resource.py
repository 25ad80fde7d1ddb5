"""One item of a ResourceList, read safely whatever its shape: the kpt SDK's KubeObject, in Python.

Items come from users: a `spec: 5` must give a readable error (the `shape` rule), never a
crash halfway through the list, so every getter reads a missing or wrongly typed field as
absent. Numbers are read as `kubectl apply` reads them (`yamlio.as_applied`).

An item read from a ResourceList's text keeps that text (`source`), and is parsed only as far
as it is read: its apiVersion, kind and metadata (the head) up front, the rest on the first
read past them. An item nothing reads past its head is written back as the text it came as.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from . import yamlio
from .yamlio import as_applied, blocks

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

_UNREAD: Any = object()
"""An item's data before its text is parsed (None is data: a `- null` item)."""


class Resource:
    """A read-only view of one item (a plain dict, which stays the data)."""

    __slots__ = ("_head", "_obj", "column", "origin", "source")

    def __init__(
        self,
        obj: Any = _UNREAD,
        *,
        source: str | None = None,
        column: int = 0,
        head: dict[str, Any] | None = None,
        origin: Resource | None = None,
    ) -> None:
        self._obj = obj
        self._head = head
        self.source = source
        """The item's text in the list it came from (its `- ` line first), or None for a new item."""
        self.column = column
        self.origin = origin
        """The item this one was made from, sharing its unchanged parts: their text can be reused."""

    def __repr__(self) -> str:
        return f"Resource({self.kind}/{self.name})"

    @property
    def obj(self) -> Any:
        """The item as data, parsed from its text on first use."""
        if self._obj is _UNREAD:
            if self.source is None:
                return None
            self._obj = yamlio.load(blocks.item_document(self.source, self.column))
        return self._obj

    @property
    def parsed(self) -> bool:
        return self._obj is not _UNREAD or self.source is None

    def set_parsed(self, obj: Any) -> None:
        self._obj = obj

    def release(self) -> None:
        """Let go of the parsed item, where its text and head can stand for it (it is parsed again if read)."""
        if self.source is not None and self._head is not None:
            self._obj = _UNREAD

    def text(self, column: int) -> str:
        """The item as an entry of the items sequence at `column`: as it came, as what it was made from
        with the changes (the text of every unchanged part reused), or written anew."""
        if self.source is not None:
            return self.source
        origin = self.origin
        if (
            origin is not None
            and origin.source is not None
            and origin.parsed
            and isinstance(origin.obj, dict)
            and isinstance(self.obj, dict)
        ):
            document = blocks.rewrite(blocks.item_document(origin.source, origin.column), origin.obj, self.obj, yamlio.dump_cached)
            return blocks.to_item(document, column)
        return blocks.as_item(yamlio.dump([self.obj]), column)

    def settle(self) -> None:
        """For a new item made from one with a text: write its text now and let go of its data (memory
        then grows with the output's text, not with parsed items)."""
        if self.source is None and self.origin is not None and self.origin.source is not None and isinstance(self._obj, dict):
            self.source, self.column = self.text(self.origin.column), self.origin.column
            self._head = {key: self._obj[key] for key in HEAD if key in self._obj}
            self._obj, self.origin = _UNREAD, None

    def _top(self, key: str) -> Any:
        if self._obj is _UNREAD and self._head is not None and key in HEAD:
            return self._head.get(key)
        obj = self.obj
        return obj.get(key) if isinstance(obj, dict) else None

    def without(self, *keys: str) -> Resource:
        """The item without the blocks under `keys`, at any depth, for a read that needs none of them.

        Cheap for an item not parsed yet: only the rest of its text is parsed (a CRD without
        its schemas is a few lines of a 570 KB item).
        """
        if self.parsed or self.source is None:
            return self
        text = blocks.without_keys(blocks.item_document(self.source, self.column), frozenset(keys))
        return self if text is None else Resource(yamlio.load(text))

    @property
    def api_version(self) -> str:
        return str(self._top("apiVersion") or "")

    @property
    def group(self) -> str:
        """The API group: "" for the core group (`v1`)."""
        return self.api_version.rpartition("/")[0]

    @property
    def kind(self) -> str:
        return str(self._top("kind") or "")

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
        if not path:
            return self.obj
        value: Any = self._top(path[0])
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
        value = as_applied(self.get(*path))
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def get_str(self, *path: str) -> str | None:
        value = self.get(*path)
        return str(value) if isinstance(value, str) else None

    @property
    def pod_labels(self) -> dict[str, Any]:
        """The pod template's labels of a Deployment-like workload."""
        return self.get_map("spec", "template", "metadata", "labels")


def parse_all(resources: Iterable[Resource]) -> None:
    """Parse, in one pass over their texts, the resources not parsed yet (one libyaml call, not one each)."""
    pending = [r for r in resources if not r.parsed and r.source is not None]
    if not pending:
        return
    documents = yamlio.load_documents([blocks.item_document(r.source or "", r.column) for r in pending])
    for resource, document in zip(pending, documents, strict=True):
        resource.set_parsed(document)
