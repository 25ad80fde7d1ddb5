"""The canary arithmetic (providers/argo_rollouts/replicas.py): as upstream documents it, and as
Argo Rollouts' own CalculateReplicaCountsForBasicCanary computes it on a grid (the judge's
--canary-counts, tests/go/rollout-validate/canary.go)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.replicas import Pods, basic_canary, fenceposts, settle
from krm_fn.providers.argo_rollouts.step_counts import handover, one_pod_weight

from conftest import require_tool
from validator import VALIDATOR

# The examples in upstream's own comment: (replicas, weight, new, stable, unavailable, surge) -> (new, stable), one
# pass. Its fourth, weight 5 on 10 replicas giving 1 and 9, is stale: the function itself settles at 1 and 10 (1 of
# 11 pods is closer to 5% than 1 of 10), as the grid below shows.
UPSTREAM: list[tuple[int, int, int, int, int, int, tuple[int, int]]] = [
    (10, 10, 0, 10, 1, 1, (1, 9)),
    (10, 30, 0, 10, 0, 3, (3, 10)),
    (10, 30, 0, 10, 5, 0, (0, 7)),
    (1, 5, 0, 1, 0, 1, (1, 1)),
    (1, 95, 0, 1, 0, 1, (1, 1)),
]


@pytest.mark.parametrize(("replicas", "weight", "new", "stable", "unavailable", "surge", "expected"), UPSTREAM)
def test_one_pass_as_upstream_documents_it(
    replicas: int, weight: int, new: int, stable: int, unavailable: int, surge: int, expected: tuple[int, int]
) -> None:
    assert basic_canary(replicas, weight, surge, unavailable, Pods(new, new), Pods(stable, stable)) == expected


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [
        (4, "25%", "25%", (1, 1)),
        (3, "25%", "25%", (1, 0)),
        (0, "25%", "25%", (0, 0)),
        (3, "0%", "0%", (0, 1)),
        (2, 5, 9, (5, 2)),
        (10, "1", 0, (1, 0)),
    ],
)
def test_fenceposts_round_as_the_controller_does(replicas: int, surge: Any, unavailable: Any, expected: tuple[int, int]) -> None:
    assert fenceposts(replicas, surge, unavailable) == expected


def test_one_replica_at_a_quarter_runs_half_on_the_canary() -> None:
    assert settle(1, 25, *fenceposts(1, 1, 0), 0, 1) == (1, 1)
    assert settle(1, 25, *fenceposts(1, 0, 1), 0, 1) == (0, 1)  # no surge: no canary pod below 50%


SURGES: list[Any] = [0, 1, 2, "25%", "50%"]
UNAVAILABLE: list[Any] = [0, 1, "25%", "0%"]
GRID = [
    {"replicas": replicas, "maxSurge": surge, "maxUnavailable": unavailable, "weight": weight, "canary": 0, "stable": replicas}
    for replicas in range(13)
    for surge in SURGES
    for unavailable in UNAVAILABLE
    for weight in range(101)
]
"""Every step's start from the stable version: replicas 0 to 12, maxSurge and maxUnavailable as ints and percents, every weight."""


def _python(case: dict[str, Any]) -> dict[str, int]:
    surge, unavailable = fenceposts(case["replicas"], case["maxSurge"], case["maxUnavailable"])
    canary, stable = settle(case["replicas"], case["weight"], surge, unavailable, case["canary"], case["stable"])
    return {"canary": canary, "stable": stable}


def _upstream(cases: list[dict[str, Any]]) -> list[dict[str, int]]:
    binary = require_tool("rollout-validate", str(VALIDATOR))
    stdin = "".join(json.dumps(case) + "\n" for case in cases)
    proc = subprocess.run([binary, "--canary-counts"], input=stdin, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.mark.judge
def test_every_cell_of_the_grid_agrees_with_upstream() -> None:
    upstream = _upstream(GRID)
    differ = [(case, ours, theirs) for case, theirs in zip(GRID, upstream, strict=True) if (ours := _python(case)) != theirs]
    assert not differ, f"{len(differ)} of {len(GRID)} cells differ, e.g. {differ[:5]}"


@pytest.mark.judge
def test_from_one_step_to_the_next_agrees_with_upstream() -> None:
    """From where an earlier weight left the pods (up, down, and back to 0 as an abort does)."""
    cases = []
    for replicas in range(1, 8):
        for surge in SURGES:
            for unavailable in UNAVAILABLE:
                for before in (0, 10, 25, 50, 75, 100):
                    start = _python(
                        {
                            "replicas": replicas,
                            "maxSurge": surge,
                            "maxUnavailable": unavailable,
                            "weight": before,
                            "canary": 0,
                            "stable": replicas,
                        }
                    )
                    cases += [
                        {"replicas": replicas, "maxSurge": surge, "maxUnavailable": unavailable, "weight": after, **start}
                        for after in range(0, 101, 5)
                    ]
    upstream = _upstream(cases)
    differ = [(case, ours, theirs) for case, theirs in zip(cases, upstream, strict=True) if (ours := _python(case)) != theirs]
    assert not differ, f"{len(differ)} of {len(cases)} cells differ, e.g. {differ[:5]}"


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [(1, 1, 0, 50), (2, 1, 0, 33), (3, 1, 0, 25), (4, "25%", 0, 20), (1, 0, 1, None), (2, 0, 1, 50), (10, 1, 0, 9)],
)
def test_the_weight_of_one_canary_pod(replicas: int, surge: Any, unavailable: Any, expected: int | None) -> None:
    """Exactly one canary pod, every stable one kept where the surge allows, the weight as close as can be to its share."""
    weight = one_pod_weight(replicas, surge, unavailable)
    assert weight == expected
    if weight is not None:
        assert settle(replicas, weight, *fenceposts(replicas, surge, unavailable), 0, replicas)[0] == 1


def test_the_handover_keeps_the_analysis_steps_before_the_pause() -> None:
    configured: list[dict[str, Any]] = [
        {"setWeight": 10},
        {"analysis": {"templates": [{"templateName": "smoke"}]}},
        {"pause": {"duration": "1m"}},
    ]
    assert handover(configured, 2, 1, 0) == [{"setWeight": 33}, {"setWeight": 100}, configured[1], {"pause": {}}]
    assert handover([], 1, 0, 1) == [{"setWeight": 100}, {"pause": {}}]  # no weight starts one pod beside the stable one
