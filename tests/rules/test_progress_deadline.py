"""progress-deadline: progressDeadlineSeconds (default 600) must be greater than minReadySeconds, as kubectl reads both."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn import yamlio
from krm_fn.providers.argo_rollouts.rules import progress_deadline

from ruletest import Found, deployment, found, rollout

FIELD = "spec.progressDeadlineSeconds"
CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("the defaults", deployment(), []),
    ("above", deployment(minReadySeconds=30, progressDeadlineSeconds=60), []),
    (
        "equal",
        deployment(minReadySeconds=60, progressDeadlineSeconds=60),
        [("error", FIELD, "progressDeadlineSeconds is 60; it must be greater than minReadySeconds (60)")],
    ),
    (
        "the default, below",
        deployment(minReadySeconds=900),
        [("error", FIELD, "progressDeadlineSeconds is 600 (the default); it must be greater than minReadySeconds (900)")],
    ),
    (
        "octal, as kubectl reads it",
        deployment(minReadySeconds=400, progressDeadlineSeconds=yamlio.load("x: !!int 0600\n")["x"]),
        [
            (
                "error",
                FIELD,
                "progressDeadlineSeconds is 384 (!!int 0600 as kubectl reads it); it must be greater than minReadySeconds (400)",
            )
        ],
    ),
    ("not a number: the API server's to refuse", deployment(minReadySeconds=30, progressDeadlineSeconds="soon"), []),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_progress_deadline(item: dict[str, Any], expected: Found) -> None:
    assert found(progress_deadline, [item]) == expected


def test_a_rollout_already_in_the_list() -> None:
    assert found(progress_deadline, [rollout(minReadySeconds=700)], existing=True) == [
        ("warning", FIELD, "progressDeadlineSeconds is 600 (the default); it must be greater than minReadySeconds (700)")
    ]
