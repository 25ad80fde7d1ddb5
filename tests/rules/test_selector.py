"""selector: a Rollout needs a non-empty selector that its pod template's labels satisfy, and containers."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import selector

from ruletest import Found, deployment, found, rollout

TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "x"}]}}
CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("matching", deployment(), []),
    (
        "empty",
        deployment(selector={}),
        [("error", "spec.selector", "a Rollout needs a non-empty selector (matchLabels or matchExpressions)")],
    ),
    (
        "no containers",
        deployment(template={"metadata": {"labels": {"app": "web"}}, "spec": {}}),
        [("error", "spec.template.spec.containers", "the pod template has no containers")],
    ),
    (
        "not matching the template",
        deployment(selector={"matchLabels": {"app": "api"}}),
        [
            (
                "error",
                "spec.template.metadata.labels",
                "spec.selector does not match the pod template's labels; the controller would reject the Rollout",
            )
        ],
    ),
    ("an expression that matches", deployment(selector={"matchExpressions": [{"key": "app", "operator": "Exists"}]}), []),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_selector(item: dict[str, Any], expected: Found) -> None:
    assert found(selector, [item]) == expected


def test_a_rollout_already_in_the_list_is_checked_too() -> None:
    assert found(selector, [rollout(selector={})], {"checkExisting": "error"}, existing=True) == [
        ("error", "spec.selector", "a Rollout needs a non-empty selector (matchLabels or matchExpressions)")
    ]
