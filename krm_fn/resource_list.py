"""A `config.kubernetes.io/v1` ResourceList: reading it (strictly) and writing it back.

Every item the run does not change is written back as the text it came as, and this run's
results after the ones the list came with (`yamlio.read_list`, `yamlio.write_list`). Where the
text is block YAML of the plain kind kustomize and kpt write, the items are not parsed here, only
their heads (apiVersion, kind, metadata); any other text is composed whole, and an item is
constructed only as far as it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from . import yamlio
from .resource import HEAD, Resource
from .results import Result, error

API_VERSIONS = ("config.kubernetes.io/v1", "config.kubernetes.io/v1alpha1")
RULE = "resource-list"
T = TypeVar("T")


class MalformedInputError(ValueError):
    """Input that is not a usable ResourceList; the message is one readable line."""


@dataclass
class ResourceList:
    read: yamlio.ListText
    items: list[Resource]

    @property
    def doc(self) -> dict[str, Any]:
        """The list's own keys in their order (without `items` where its text was taken apart)."""
        doc: dict[str, Any] = self.read.doc
        return doc


def parse(data: bytes, whole: bool = False) -> ResourceList:
    """The list; taken apart by lines where it can be, else (or when `whole`) composed whole."""
    try:
        read = yamlio.read_list(data, "items", HEAD, whole)
    except yamlio.InputError as err:
        raise MalformedInputError(f"input is not valid YAML: {err}") from None
    _check(read.doc)
    return ResourceList(read, [Resource(document=document) for document in read.entries])


def with_list(data: bytes, work: Callable[[ResourceList], T]) -> T:
    """`work` over the list in `data`. Where an item is read only late, and only then turns out not to
    be valid (a repeated key, say), `work` runs again over the list composed whole, whose error says
    where, in the input."""
    try:
        return work(parse(data))
    except yamlio.InputError:
        pass
    try:
        return work(parse(data, whole=True))
    except yamlio.InputError as err:
        raise MalformedInputError(f"input is not valid YAML: {err}") from None


def _check(doc: Any) -> None:
    if not isinstance(doc, dict):
        raise MalformedInputError(f"input must be a ResourceList mapping, not a {_describe(doc)}")
    if doc.get("kind") != "ResourceList" or doc.get("apiVersion") not in API_VERSIONS:
        raise MalformedInputError(f"input is {doc.get('apiVersion')}/{doc.get('kind')}, expected a config.kubernetes.io/v1 ResourceList")
    items = doc.get("items")
    if items is not None and not isinstance(items, list):
        raise MalformedInputError(f"ResourceList items must be a list, not a {_describe(items)}")
    results = doc.get("results")
    if results is not None and not isinstance(results, list):
        raise MalformedInputError(f"ResourceList results must be a list, not a {_describe(results)}")


def item_problems(items: list[Resource]) -> list[Result]:
    """Items no function can work on: not mappings, or without kind, apiVersion or metadata.name."""
    results = []
    for index, item in enumerate(items):
        problem = _item_problem(item)
        if problem:
            about = item if isinstance(item.get("metadata"), dict) else None
            results.append(error(f"items[{index}] {problem}", about, rule=RULE))
    return results


def _item_problem(item: Resource) -> str | None:
    if item.parsed and not isinstance(item.obj, dict):
        return f"must be a mapping, not a {_describe(item.obj)}"
    kind, api_version, metadata = item.get("kind"), item.get("apiVersion"), item.get("metadata")
    if not kind or not isinstance(kind, str):
        return "has no kind"
    if not api_version or not isinstance(api_version, str):
        return f"({kind}) has no apiVersion"
    if not isinstance(metadata, dict) or not metadata.get("name"):
        return f"({kind}) has no metadata.name"
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "null document"
    if isinstance(value, list):
        return "sequence"
    if isinstance(value, dict):
        return "mapping"
    return f"scalar ({value!r:.40})"


def render(lst: ResourceList, items: list[Resource], results: list[Result]) -> str:
    """The output list: the input's own keys and order, the items, and the results.

    Results already in the input (from functions earlier in a pipeline) are kept as they came,
    and this run's are appended after them. An item from the input is written as the text it came as.
    """
    return yamlio.write_list(lst.read, [item.document for item in items], [result.to_dict() for result in results])
