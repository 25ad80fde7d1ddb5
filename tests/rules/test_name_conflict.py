"""name-conflict: a Rollout of the same name and namespace is already in the list."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import name_conflict

from ruletest import Found, deployment, found, rollout

TWICE = (
    "error",
    "metadata.name",
    "a Rollout named web in namespace shop is already in the list; converting this Deployment would make a second one "
    "(rename one, or exclude the Deployment)",
)
CASES: list[tuple[str, list[dict[str, Any]], Found]] = [
    ("alone", [deployment()], []),
    ("a Rollout of the same name", [deployment(), rollout()], [TWICE]),
    ("in another namespace", [deployment(), rollout(namespace="ops")], []),
    ("of another name", [deployment(), rollout("api")], []),
]


@pytest.mark.parametrize(("items", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_name_conflict(items: list[dict[str, Any]], expected: Found) -> None:
    assert found(name_conflict, items) == expected
