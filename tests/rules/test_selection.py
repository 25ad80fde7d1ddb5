"""selection: a selector that picks nothing, a name that is not there, and what an earlier run converted."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.rules import selection

from ruletest import Found, deployment, found, rollout

CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("one selected", [deployment()], {}, []),
    (
        "nothing matches",
        [deployment()],
        {"selector": {"namespaces": ["ops"]}},
        [("warning", "spec.selector", "no Deployment in the list matches the selector: nothing to convert")],
    ),
    (
        "a name that is not there",
        [deployment(), deployment("api")],
        {"selector": {"names": ["web", "wbe"]}},
        [("warning", "spec.selector.names", "lists 'wbe', but no Deployment of that name is in the list")],
    ),
    (
        "converted by an earlier run",
        [rollout()],
        {"selector": {"names": ["web"]}},
        [("info", None, "nothing left to convert: already Rollouts: web")],
    ),
    (
        "a Rollout the selector does not match is no excuse",
        [rollout("api")],
        {"selector": {"names": ["web"]}},
        [
            ("warning", "spec.selector", "no Deployment in the list matches the selector: nothing to convert"),
            ("warning", "spec.selector.names", "lists 'web', but no Deployment of that name is in the list"),
        ],
    ),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_selection(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(selection, items, spec) == expected
