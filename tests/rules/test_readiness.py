"""readiness: the main container needs a readinessProbe for a canary's steps to judge anything."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import readiness

from ruletest import Found, deployment, found, rollout

PROBE = {"httpGet": {"path": "/ready", "port": 8080}}


def _pod(containers: list[dict[str, Any]], default: str | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"labels": {"app": "web"}}
    if default:
        metadata["annotations"] = {"kubectl.kubernetes.io/default-container": default}
    return deployment(template={"metadata": metadata, "spec": {"containers": containers}})


def _missing(name: str, index: int) -> tuple[str, str, str]:
    return (
        "warning",
        f"spec.template.spec.containers[{index}].readinessProbe",
        f"the main container {name} has no readinessProbe: its pods are Ready as soon as they start, so the steps, pauses"
        " and analyses judge nothing of whether the new version serves",
    )


CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("a probe", _pod([{"name": "app", "image": "x", "readinessProbe": PROBE}]), []),
    ("none", _pod([{"name": "app", "image": "x"}]), [_missing("app", 0)]),
    (
        "a sidecar without one, the first container with one",
        _pod([{"name": "app", "image": "x", "readinessProbe": PROBE}, {"name": "proxy", "image": "y"}]),
        [],
    ),
    (
        "the annotated main container without one",
        _pod([{"name": "proxy", "image": "y", "readinessProbe": PROBE}, {"name": "app", "image": "x"}], default="app"),
        [_missing("app", 1)],
    ),
    ("an annotation naming no container: the first", _pod([{"name": "app", "image": "x", "readinessProbe": PROBE}], default="gone"), []),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_readiness(item: dict[str, Any], expected: Found) -> None:
    assert found(readiness, [item]) == expected


def test_a_rollout_already_in_the_list() -> None:
    assert found(readiness, [rollout()], existing=True) == [_missing("app", 0)]
