"""shape: the fields a conversion reads must have the types Kubernetes gives them."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.rules import shape

from ruletest import Found, deployment, found

CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("well formed", deployment(), []),
    ("spec a list", {**deployment(), "spec": [1]}, [("error", "spec", "must be a mapping, not a list")]),
    ("selector a string", deployment(selector="app=web"), [("error", "spec.selector", "must be a mapping, not str 'app=web'")]),
    ("strategy a number", deployment(strategy=5), [("error", "spec.strategy", "must be a mapping, not int 5")]),
    (
        "template labels a list",
        deployment(template={"metadata": {"labels": ["app"]}, "spec": {}}),
        [("error", "spec.template.metadata.labels", "must be a mapping, not a list")],
    ),
    (
        "matchExpressions of strings",
        deployment(selector={"matchExpressions": ["app in (web)"]}),
        [("error", "spec.selector.matchExpressions", "must be a list of {key, operator, values} mappings")],
    ),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_shape(item: dict[str, Any], expected: Found) -> None:
    assert found(shape, [item]) == expected
