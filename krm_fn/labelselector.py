"""Kubernetes label selectors (`matchLabels` and `matchExpressions`) over plain dicts."""

from __future__ import annotations

from typing import Any


def is_empty(selector: Any) -> bool:
    return not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions"))


def matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """True when `labels` satisfy every term of a LabelSelector (an empty one matches all)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expr in selector.get("matchExpressions") or []:
        if not _expression_matches(expr, labels):
            return False
    return True


def _expression_matches(expr: dict[str, Any], labels: dict[str, Any]) -> bool:
    key, operator = expr.get("key"), expr.get("operator")
    values = [str(v) for v in expr.get("values") or []]
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
