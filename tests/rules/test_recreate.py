"""recreate-strategy: a Recreate Deployment has no Argo Rollouts equivalent."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import recreate

from ruletest import Found, deployment, found

RECREATE = (
    "error",
    "spec.strategy.type",
    "strategy Recreate has no Argo Rollouts equivalent (old and new pods would run together); exclude it "
    '(selector.exclude, or the annotation delivery.krm-fn.dev/skip: "true") or use RollingUpdate',
)
CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("no strategy", deployment(), []),
    ("RollingUpdate", deployment(strategy={"type": "RollingUpdate"}), []),
    ("Recreate", deployment(strategy={"type": "Recreate"}), [RECREATE]),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_recreate(item: dict[str, Any], expected: Found) -> None:
    assert found(recreate, [item]) == expected


def test_it_marks_what_a_broad_selection_leaves_as_it_is() -> None:
    assert recreate.TRAITS.unconvertible
