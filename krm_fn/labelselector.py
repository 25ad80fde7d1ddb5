"""Kubernetes label selectors: the one implementation every match in the function goes through.

Two shapes select pods: a LabelSelector (`matchLabels` and `matchExpressions`, as in a
Deployment) where empty selects everything, and a Service's plain map, where empty selects
nothing (its Endpoints are managed by hand).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, Any]) -> bool:
        if self.operator == "In":
            return self.key in labels and str(labels[self.key]) in self.values
        if self.operator == "NotIn":
            return self.key not in labels or str(labels[self.key]) not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False  # an operator the API server would refuse selects nothing


@dataclass(frozen=True)
class LabelSelector:
    requirements: tuple[Requirement, ...]

    @classmethod
    def from_map(cls, pairs: Mapping[Any, Any]) -> LabelSelector:
        """Equality on every pair: `matchLabels`, a Service's selector, the config's matchLabels."""
        return cls(tuple(Requirement(str(k), "In", frozenset({str(v)})) for k, v in pairs.items()))

    @classmethod
    def from_label_selector(cls, selector: Any) -> LabelSelector:
        """A metav1.LabelSelector; a malformed expression becomes one that matches nothing."""
        selector = selector if isinstance(selector, dict) else {}
        match_labels = selector.get("matchLabels")
        expressions = selector.get("matchExpressions")
        return cls(
            (
                *cls.from_map(match_labels if isinstance(match_labels, dict) else {}).requirements,
                *(_requirement(expr) for expr in (expressions if isinstance(expressions, list) else [])),
            )
        )

    @property
    def is_empty(self) -> bool:
        return not self.requirements

    def matches(self, labels: Mapping[str, Any]) -> bool:
        """Every requirement holds (an empty selector matches every set of labels)."""
        return all(r.matches(labels) for r in self.requirements)

    def equalities(self) -> Iterable[tuple[str, str]]:
        """The (key, value) pairs a match needs for certain: what an index can look up."""
        for r in self.requirements:
            if r.operator == "In" and len(r.values) == 1:
                yield r.key, next(iter(r.values))


def _requirement(expr: Any) -> Requirement:
    if not isinstance(expr, dict) or expr.get("operator") not in _OPERATORS:
        return Requirement("", "invalid")
    values = expr.get("values")
    strings = frozenset(str(v) for v in values) if isinstance(values, list) else frozenset()
    return Requirement(str(expr.get("key")), str(expr["operator"]), strings)


def service_selector(selector: Any) -> LabelSelector | None:
    """A Service's `spec.selector`, or None when it selects no pods (empty or not a map)."""
    return LabelSelector.from_map(selector) if isinstance(selector, dict) and selector else None
