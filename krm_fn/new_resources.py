"""Metadata for resources the function adds (a Rollout beside its Deployment, a canary Service).

A new resource must carry none of its origin's bookkeeping annotations: kpt would take it
for the origin (`resource at path ... and index ... already exists`) and kustomize for a
renamed one. It gets an explicit path next to its origin's file, so kpt writes it there
instead of inventing `<namespace>/<kind>_<name>.yaml`.
"""

from __future__ import annotations

import posixpath
from typing import Any

from . import NAME, __version__
from .resource import INDEX, LOCAL_CONFIG, PATH, Resource

CONVERTED_BY = "delivery.krm-fn.dev/converted-by"
"""What made a workload, on each one the function converts, so that a live object says it."""

_BOOKKEEPING_PREFIXES = ("internal.config.kubernetes.io/", "kustomize.config.k8s.io/", "config.k8s.io/")
_BOOKKEEPING = (PATH, INDEX, "config.kubernetes.io/id", LOCAL_CONFIG)


def is_bookkeeping(key: str) -> bool:
    return key in _BOOKKEEPING or key.startswith(_BOOKKEEPING_PREFIXES)


def metadata_from(origin: dict[str, Any], name: str, kind: str) -> dict[str, Any]:
    """Metadata for a new `kind` named `name`, made from its origin's: labels and user annotations kept."""
    source = Resource(origin)
    meta: dict[str, Any] = {"name": name}
    if source.namespace:
        meta["namespace"] = source.metadata["namespace"]
    if source.labels:
        meta["labels"] = dict(source.labels)
    annotations = {k: v for k, v in source.annotations.items() if not is_bookkeeping(str(k))}
    path = source.annotations.get("internal.config.kubernetes.io/path") or source.annotations.get(PATH)
    if path:
        annotations[PATH] = posixpath.join(posixpath.dirname(str(path)), f"{kind.lower()}_{name}.yaml")
    if annotations:
        meta["annotations"] = annotations
    return meta


def annotated(metadata: Any, key: str, value: str) -> Any:
    """A copy of `metadata` with the annotation `key` set to `value` (`metadata` itself is not changed;
    what it shares with the copy stays the same objects, so their text is kept)."""
    if not isinstance(metadata, dict):
        return metadata  # the shape rule's to report
    annotations = metadata.get("annotations")
    annotations = dict(annotations) if isinstance(annotations, dict) else {}
    return {**metadata, "annotations": {**annotations, key: value}}


def stamped(metadata: Any) -> Any:
    """`metadata` (not changed) with the `converted-by` annotation: the function's name and version."""
    return annotated(metadata, CONVERTED_BY, f"{NAME}/{__version__}")
