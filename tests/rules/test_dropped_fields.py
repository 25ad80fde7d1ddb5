"""dropped-fields: a Deployment spec field a Rollout cannot carry is named, not dropped silently."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import dropped_fields

from ruletest import Found, deployment, found

DROPPED = "not a Deployment field a Rollout can carry; it is dropped"
CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("every field carried", deployment(minReadySeconds=5, revisionHistoryLimit=3, paused=False, strategy={"type": "RollingUpdate"}), []),
    ("an unknown field", deployment(strategyType="Canary"), [("warning", "spec.strategyType", DROPPED)]),
    ("two", deployment(a=1, b=2), [("warning", "spec.a", DROPPED), ("warning", "spec.b", DROPPED)]),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_dropped_fields(item: dict[str, Any], expected: Found) -> None:
    assert found(dropped_fields, [item]) == expected
