"""Kubernetes label selectors (`matchLabels` and `matchExpressions`) over plain dicts."""

from __future__ import annotations

from typing import Any

from .fields import get_list, get_map


def is_empty(selector: Any) -> bool:
    return not get_map(selector, "matchLabels") and not get_list(selector, "matchExpressions")


def matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """True when `labels` satisfy every term of a LabelSelector (an empty one matches all)."""
    for key, value in get_map(selector, "matchLabels").items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expr in get_list(selector, "matchExpressions"):
        if not isinstance(expr, dict) or not _expression_matches(expr, labels):
            return False
    return True


def _expression_matches(expr: dict[str, Any], labels: dict[str, Any]) -> bool:
    key, operator = expr.get("key"), expr.get("operator")
    values = [str(v) for v in get_list(expr, "values")]
    if operator == "In":
        return key in labels and str(labels[key]) in values
    if operator == "NotIn":
        return key not in labels or str(labels[key]) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def service_matches(service_selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """A Service's selector is a plain map; an empty one selects no pods (its Endpoints are managed by hand)."""
    return bool(service_selector) and all(k in labels and str(labels[k]) == str(v) for k, v in service_selector.items())


class TemplateIndex:
    """Pod templates' labels, indexed so that "does any template match this Service?" is cheap.

    Posting sets per (namespace, key, value); a query intersects the sets of its selector's
    pairs, smallest first, instead of scanning every template (quadratic on large lists).
    """

    def __init__(self) -> None:
        self._postings: dict[tuple[str, str, str], set[int]] = {}
        self._count = 0

    def add(self, namespace: str, labels: dict[str, Any]) -> None:
        for key, value in labels.items():
            self._postings.setdefault((namespace, str(key), str(value)), set()).add(self._count)
        self._count += 1

    def selects(self, namespace: str, service_selector: dict[str, Any]) -> bool:
        if not service_selector:
            return False
        postings = [self._postings.get((namespace, str(k), str(v)), set()) for k, v in service_selector.items()]
        postings.sort(key=len)
        return bool(set.intersection(*postings))
