"""canary-steps: each setWeight step in pods, at the replicas the Rollout runs, and the steps that miss."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import canary_steps

from ruletest import Found, deployment, found

PLAN = "the steps in pods, without a traffic router"


def _hpa(least: int | None, most: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": most}
    if least is not None:
        spec["minReplicas"] = least
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": spec,
    }


CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    (
        "four replicas",
        [deployment(replicas=4)],
        {},
        [("info", None, f"{PLAN} (maxSurge 1, maxUnavailable 0): at 4 replicas, setWeight 25: 1 canary + 3 stable (25%)")],
    ),
    (
        "one replica, half the pods",
        [deployment(replicas=1)],
        {},
        [
            ("info", None, f"{PLAN} (maxSurge 1, maxUnavailable 0): at 1 replica, setWeight 25: 1 canary + 1 stable (50%)"),
            (
                "warning",
                "spec.strategy.canary.steps[0]",
                "setWeight 25 puts 1 of 2 pods on the canary at 1 replica: 50% of the pods, not 25%",
            ),
        ],
    ),
    (
        "no surge, no canary pod",
        [deployment(replicas=1)],
        {"maxSurge": 0, "maxUnavailable": 1},
        [
            ("info", None, f"{PLAN} (maxSurge 0, maxUnavailable 1): at 1 replica, setWeight 25: 0 canary + 1 stable (0%)"),
            ("warning", "spec.strategy.canary.steps[0]", "setWeight 25 starts no canary pod at 1 replica: the step tests nothing"),
        ],
    ),
    (
        "an HPA's bounds",
        [deployment(replicas=None), _hpa(4, 8)],
        {},
        [
            (
                "info",
                None,
                f"{PLAN} (maxSurge 1, maxUnavailable 0): at 4 replicas (minReplicas of HorizontalPodAutoscaler web), setWeight 25:"
                " 1 canary + 3 stable (25%); at 8 replicas (its maxReplicas), setWeight 25: 2 canary + 6 stable (25%)",
            )
        ],
    ),
    (
        "an HPA's default minReplicas",
        [deployment(), _hpa(None, 2)],
        {"canarySteps": [{"setWeight": 50}, {"pause": {}}]},
        [
            (
                "info",
                None,
                f"{PLAN} (maxSurge 1, maxUnavailable 0): at 1 replica (minReplicas of HorizontalPodAutoscaler web), setWeight 50:"
                " 1 canary + 1 stable (50%); at 2 replicas (its maxReplicas), setWeight 50: 1 canary + 1 stable (50%)",
            )
        ],
    ),
    (
        "a traffic router weighs traffic, not pods",
        [deployment()],
        {"canary": {"trafficRouting": {"smi": {}}, "canaryService": "a", "stableService": "b"}},
        [],
    ),
    ("blueGreen has no steps", [deployment()], {"strategy": "blueGreen", "blueGreen": {"activeService": "web"}}, []),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_canary_steps(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(canary_steps, items, spec) == expected
