"""Reading and writing YAML (or JSON) documents without changing what any value means to any reader.

`load` reads one document; `dump` writes block YAML in the input's key order with no
anchors (see `scalars` for what each scalar is read and written as).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from . import guards
from .dumper import Dumper
from .errors import InputError, one_line
from .loader import BaseLoader, Loader
from .scalars import AmbiguousTagged


def _reject_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise InputError(f"duplicate key {key!r}")
        mapping[key] = value
    return mapping


def _text(data: bytes | str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(f"input is not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from None
    else:
        text = str(data)  # libyaml takes only exact str, not the styled subclasses
    if not text.strip():
        raise InputError("input is empty")
    return text


def load(data: bytes | str) -> Any:
    """Parse one YAML (or JSON) document; raise InputError with a one-line reason."""
    text = _text(data)
    if text.lstrip().startswith("{"):
        try:
            result = json.loads(text, object_pairs_hook=_reject_duplicate_json_keys)
        except json.JSONDecodeError:
            pass  # flow-style YAML also starts with "{"
        except RecursionError:
            raise InputError(f"nesting deeper than {guards.MAX_DEPTH} levels") from None
        else:
            guards.check_json_depth(result)
            return result
    guards.check_depth(text, BaseLoader)
    try:
        result = yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        raise InputError(one_line(err)) from None
    if "&" in text:
        guards.check_expansion(result)
    return result


def load_all(data: bytes | str) -> list[Any]:
    """Parse a stream of YAML documents (`---` between them), as Helm writes manifests; empty ones are left out."""
    text = _text(data)
    guards.check_depth(text, BaseLoader)
    try:
        documents = [doc for doc in yaml.load_all(text, Loader=Loader) if doc is not None]
    except yaml.YAMLError as err:
        raise InputError(one_line(err)) from None
    if "&" in text:
        guards.check_expansion(documents)
    return documents


def load_documents(texts: list[str]) -> list[Any]:
    """Parse many one-document texts in one pass (each must be a document of its own, without `---`)."""
    if not texts:
        return []
    stream = "".join("---\n" + text for text in texts)
    guards.check_depth(stream, BaseLoader)
    try:
        documents = list(yaml.load_all(stream, Loader=Loader))
    except yaml.YAMLError as err:
        raise InputError(one_line(err)) from None
    if "&" in stream:
        guards.check_expansion(documents)
    if len(documents) != len(texts):
        raise InputError(f"expected {len(texts)} documents, read {len(documents)}")
    return documents


def dump(data: Any) -> str:
    """Block YAML, key order kept, no aliases, every string safe for YAML 1.1 and 1.2 readers."""
    text: str = yaml.dump(
        data,
        Dumper=Dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=80,  # where kyaml (kustomize, kpt) folds long scalars too: kpt diffs stay small
    )
    return text


def dump_all(documents: list[Any]) -> str:
    """A stream of documents, each opened by `---`."""
    return "".join("---\n" + dump(document) for document in documents)


_dumped: dict[Any, str] = {}


def _frozen(value: Any) -> Any:
    """A hashable stand-in for `value` that tells apart everything the writer tells apart (types included)."""
    kind = type(value)
    if kind is dict:
        return (dict, tuple((_frozen(k), _frozen(v)) for k, v in value.items()))
    if kind is list:
        return (list, tuple(_frozen(v) for v in value))
    if kind is AmbiguousTagged:
        return (kind, value.tag, value.value)
    return (kind, value)


def dump_cached(data: Any) -> str:
    """`dump`, remembered: the same small blocks (a canary strategy, `kind: Rollout`) are written once a run."""
    try:
        key = _frozen(data)
        found = _dumped.get(key)
    except TypeError:  # something unhashable: write it every time
        return dump(data)
    if found is None:
        found = _dumped[key] = dump(data)
    return found
