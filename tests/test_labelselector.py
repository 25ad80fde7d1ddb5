"""Label selectors: a LabelSelector (empty matches all) and a Service's map (empty selects none)."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.labelselector import LabelSelector, service_selector

LABELS = {"app": "web", "tier": "front", "version": 2}

CASES: list[tuple[Any, bool]] = [
    ({}, True),
    ({"matchLabels": {"app": "web"}}, True),
    ({"matchLabels": {"app": "db"}}, False),
    ({"matchLabels": {"version": "2"}}, True),  # compared as strings, as the API server does
    ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}, True),
    ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, False),
    ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),
    ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, True),
    ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
    ({"matchExpressions": [{"key": "app", "operator": "Matches", "values": ["web"]}]}, False),
    ({"matchExpressions": ["app in (web)"]}, False),
    ({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}]}, False),
    ({"matchLabels": ["app"]}, True),  # not a map: reads as no requirement (the shape rule reports it)
    ("app=web", True),
]


@pytest.mark.parametrize(("selector", "matches"), CASES, ids=[str(c[0]) for c in CASES])
def test_label_selector(selector: Any, matches: bool) -> None:
    assert LabelSelector.from_label_selector(selector).matches(LABELS) is matches


@pytest.mark.parametrize(
    ("selector", "empty"),
    [({}, True), ({"matchLabels": {}}, True), ({"matchLabels": {"a": "b"}}, False), ({"matchExpressions": [{}]}, False)],
)
def test_empty(selector: dict[str, Any], empty: bool) -> None:
    assert LabelSelector.from_label_selector(selector).is_empty is empty


@pytest.mark.parametrize(
    ("selector", "selects"),
    [({"app": "web"}, True), ({"app": "web", "tier": "back"}, False), ({}, None), (None, None), (["app"], None)],
)
def test_service_selector(selector: Any, selects: bool | None) -> None:
    found = service_selector(selector)
    assert (None if found is None else found.matches(LABELS)) == selects
