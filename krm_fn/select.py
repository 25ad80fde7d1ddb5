"""Which items are Deployments to convert, as named predicates, each with the reason it exists."""

from __future__ import annotations

from typing import Any

from .config import Selector

SKIP_ANNOTATION = "delivery.krm-fn.dev/skip"
LOCAL_CONFIG_ANNOTATION = "config.kubernetes.io/local-config"


def metadata(item: dict[str, Any]) -> dict[str, Any]:
    meta = item.get("metadata")
    return meta if isinstance(meta, dict) else {}


def annotations(item: dict[str, Any]) -> dict[str, Any]:
    found = metadata(item).get("annotations")
    return found if isinstance(found, dict) else {}


def labels(item: dict[str, Any]) -> dict[str, Any]:
    found = metadata(item).get("labels")
    return found if isinstance(found, dict) else {}


def name_of(item: dict[str, Any]) -> str:
    return str(metadata(item).get("name", ""))


def namespace_of(item: dict[str, Any]) -> str:
    """The namespace as written; an unset namespace is "" (kustomize may set it later)."""
    return str(metadata(item).get("namespace") or "")


def is_deployment(item: dict[str, Any]) -> bool:
    # Only apps/v1: extensions/v1beta1 and apps/v1beta* Deployments are gone from every supported cluster.
    return item.get("apiVersion") == "apps/v1" and item.get("kind") == "Deployment"


def is_rollout(item: dict[str, Any]) -> bool:
    return str(item.get("apiVersion", "")).startswith("argoproj.io/") and item.get("kind") == "Rollout"


def is_opted_out(item: dict[str, Any]) -> bool:
    """The owner of a Deployment can keep it one, whatever the selector says."""
    return str(annotations(item).get(SKIP_ANNOTATION, "")).lower() == "true"


def is_local_config(item: dict[str, Any]) -> bool:
    # kpt and kustomize never apply local-config items; converting one would only confuse its reader.
    return str(annotations(item).get(LOCAL_CONFIG_ANNOTATION, "")).lower() == "true"


def matches(item: dict[str, Any], selector: Selector) -> bool:
    """The selector's parts are ANDed; an empty part matches everything."""
    if selector.names and name_of(item) not in selector.names:
        return False
    if selector.namespaces and namespace_of(item) not in selector.namespaces:
        return False
    item_labels = labels(item)
    return all(str(item_labels.get(k)) == v and k in item_labels for k, v in selector.matchLabels.items())


def is_selected(item: dict[str, Any], selector: Selector) -> bool:
    return is_deployment(item) and not is_opted_out(item) and not is_local_config(item) and matches(item, selector)
