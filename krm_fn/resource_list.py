"""A `config.kubernetes.io/v1` ResourceList: reading it (strictly) and writing it back."""

from __future__ import annotations

from typing import Any

from . import yamlio
from .results import Result, error

API_VERSIONS = ("config.kubernetes.io/v1", "config.kubernetes.io/v1alpha1")
RULE = "resource-list"


class MalformedInputError(ValueError):
    """Input that is not a usable ResourceList; the message is one readable line."""


def parse(data: bytes) -> dict[str, Any]:
    try:
        doc = yamlio.load(data)
    except yamlio.InputError as err:
        raise MalformedInputError(f"input is not valid YAML: {err}") from None
    if not isinstance(doc, dict):
        raise MalformedInputError(f"input must be a ResourceList mapping, not a {_describe(doc)}")
    if doc.get("kind") != "ResourceList" or doc.get("apiVersion") not in API_VERSIONS:
        raise MalformedInputError(f"input is {doc.get('apiVersion')}/{doc.get('kind')}, expected a config.kubernetes.io/v1 ResourceList")
    items = doc.get("items")
    if items is None:  # optional in the function spec: no items
        items = doc["items"] = []
    if not isinstance(items, list):
        raise MalformedInputError(f"ResourceList items must be a list, not a {_describe(items)}")
    results = doc.get("results")
    if results is not None and not isinstance(results, list):
        raise MalformedInputError(f"ResourceList results must be a list, not a {_describe(results)}")
    return doc


def item_problems(items: list[Any]) -> list[Result]:
    """Items no function can work on: not mappings, or without kind, apiVersion or metadata.name."""
    results = []
    for index, item in enumerate(items):
        problem = _item_problem(item)
        if problem:
            about = item if isinstance(item, dict) and isinstance(item.get("metadata"), dict) else None
            results.append(error(f"items[{index}] {problem}", about, rule=RULE))
    return results


def _item_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return f"must be a mapping, not a {_describe(item)}"
    if not item.get("kind") or not isinstance(item.get("kind"), str):
        return "has no kind"
    if not item.get("apiVersion") or not isinstance(item.get("apiVersion"), str):
        return f"({item['kind']}) has no apiVersion"
    metadata = item.get("metadata")
    if not isinstance(metadata, dict) or not metadata.get("name"):
        return f"({item['kind']}) has no metadata.name"
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "null document"
    if isinstance(value, list):
        return "sequence"
    if isinstance(value, dict):
        return "mapping"
    return f"scalar ({value!r:.40})"


def render(doc: dict[str, Any], items: list[dict[str, Any]], results: list[Result]) -> str:
    """The output list: the input's own keys and order, the new items, and the results.

    Results already in the input (from functions earlier in a pipeline) are kept, and this
    run's are appended after them.
    """
    out = dict(doc)
    out["items"] = items
    earlier = doc.get("results") or []
    if earlier or results:
        out["results"] = [*earlier, *(result.to_dict() for result in results)]
    else:
        out.pop("results", None)
    return yamlio.dump(out)
