"""A `config.kubernetes.io/v1` ResourceList: reading it (strictly) and writing it back.

Where the text is block YAML of the plain kind kustomize and kpt write (`yamlio.blocks`),
the items are not parsed here: each keeps its text, and only its head (apiVersion, kind,
metadata) is read, for all items in one pass. An item written back unchanged is written as
the text it came as. Any other input (JSON, anchors, multi-line quoted strings...) is parsed
whole, as it always was, and written by the YAML writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import yamlio
from .resource import HEAD, Resource, parse_all
from .results import Result, error
from .yamlio import blocks, guards
from .yamlio.loader import BaseLoader

API_VERSIONS = ("config.kubernetes.io/v1", "config.kubernetes.io/v1alpha1")
RULE = "resource-list"


class MalformedInputError(ValueError):
    """Input that is not a usable ResourceList; the message is one readable line."""


@dataclass
class ResourceList:
    doc: dict[str, Any]
    """The list's own keys in their order (without `items` where the text was taken apart)."""
    items: list[Resource]
    split: blocks.SplitList | None = None
    """Its text, taken apart, where it could be; None when it was parsed whole."""


def parse(data: bytes, whole: bool = False) -> ResourceList:
    """The list; its items taken apart as texts where it can be, else (or when `whole`) parsed whole."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None  # the full parse says where
    if text is not None and "\r\n" in text and "\r" not in text.replace("\r\n", ""):
        text = text.replace("\r\n", "\n")  # CRLF line ends, as YAML reads them
    split = None
    if text is not None and not whole:
        try:
            guards.check_depth(text, BaseLoader)  # what the items' texts hold too, though nothing parses it
            split = blocks.split_list(text)
        except yamlio.InputError:
            split = None  # the full parse says what is wrong
    if split is not None:
        try:
            return _from_split(split)
        except yamlio.InputError:
            pass  # the full parse says what is wrong, with line numbers in the whole input
    return _from_whole(data)


def _from_whole(data: bytes) -> ResourceList:
    try:
        doc = yamlio.load(data)
    except yamlio.InputError as err:
        raise MalformedInputError(f"input is not valid YAML: {err}") from None
    _check(doc)
    items = doc.get("items")
    if items is None:  # optional in the function spec: no items
        items = doc["items"] = []
    return ResourceList(doc, [Resource(item) for item in items])


def _from_split(split: blocks.SplitList) -> ResourceList:
    doc = yamlio.load("".join(text for key, text in split.entries if key != "items"))
    if not isinstance(doc, dict):
        raise yamlio.InputError("not a mapping")
    _check(doc)
    items = [Resource(source=item, column=split.column) for item in split.items]
    heads: list[str | None] = []
    for item in split.items:
        found = blocks.key_blocks(blocks.item_document(item, split.column))
        heads.append(None if found is None else "".join(found.get(key, "") for key in HEAD) or "{}\n")
    # One pass over every item's head; an item whose own keys are not plain is parsed whole.
    plain = [i for i, head in enumerate(heads) if head is not None]
    for i, head in zip(plain, yamlio.load_documents([heads[i] or "" for i in plain]), strict=True):
        items[i] = Resource(source=split.items[i], column=split.column, head=head)
    parse_all(items[i] for i, head in enumerate(heads) if head is None)
    return ResourceList(doc, items, split)


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

    Results already in the input (from functions earlier in a pipeline) are kept, and this
    run's are appended after them. An item from the input is written as the text it came as.
    """
    merged = [*(lst.doc.get("results") or []), *(result.to_dict() for result in results)]
    if lst.split is None:
        out = {**lst.doc, "items": [item.obj for item in items], "results": merged}
        if not merged:
            del out["results"]
        return yamlio.dump(out)
    column = lst.split.column
    parts = []
    for key, text in lst.split.entries:
        if key == "items":
            written = "".join(item.text(column) for item in items)
            parts.append("items:\n" + written if items else "items: []\n")
        elif key == "results":
            parts.append(yamlio.dump({"results": merged}) if merged else "")
        else:
            parts.append(text)
    if merged and "results" not in lst.doc:
        parts.append(yamlio.dump({"results": merged}))
    return "".join(parts)
