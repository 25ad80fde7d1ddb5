"""surge: maxSurge and maxUnavailable, from the config, the Deployment or the defaults.

Never both zero, always a count, never a bare numeric string.
"""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import surge

from ruletest import Found, deployment, found, rollout

ZERO_BOTH = (
    "maxSurge (spec.strategy.rollingUpdate.maxSurge) and maxUnavailable (functionConfig "
    "spec.maxUnavailable) are both zero: no pod could ever be replaced"
)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], Found]] = [
    ("the safe defaults", deployment(), {}, []),
    ("only maxSurge 0 carried: 25% unavailable", deployment(strategy={"rollingUpdate": {"maxSurge": 0}}), {}, []),
    (
        "zero from the Deployment and the config",
        deployment(strategy={"rollingUpdate": {"maxSurge": 0}}),
        {"maxUnavailable": 0},
        [("error", "spec.strategy.rollingUpdate.maxSurge", ZERO_BOTH)],
    ),
    (
        "a numeric string carried",
        deployment(strategy={"rollingUpdate": {"maxSurge": "1"}}),
        {},
        [
            (
                "warning",
                "spec.strategy.rollingUpdate.maxSurge",
                'spec.strategy.rollingUpdate.maxSurge is the string "1", which Argo Rollouts reads as 1 percent; '
                "write 1 (unquoted) for 1 pods",
            )
        ],
    ),
    (
        "a string that is no count carried",
        deployment(strategy={"rollingUpdate": {"maxSurge": "x"}}),
        {},
        [
            (
                "error",
                "spec.strategy.rollingUpdate.maxSurge",
                "spec.strategy.rollingUpdate.maxSurge is 'x': it must be a number of pods or a percentage such as \"25%\"",
            )
        ],
    ),
    (
        "a negative count carried",
        deployment(strategy={"rollingUpdate": {"maxUnavailable": -1}}),
        {},
        [
            (
                "error",
                "spec.strategy.rollingUpdate.maxUnavailable",
                'spec.strategy.rollingUpdate.maxUnavailable is -1: it must be a number of pods or a percentage such as "25%"',
            )
        ],
    ),
    ("blueGreen has no surge", deployment(strategy={"rollingUpdate": {"maxSurge": "1"}}), {"strategy": "blueGreen"}, []),
]


@pytest.mark.parametrize(("item", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_surge(item: dict[str, Any], spec: dict[str, Any], expected: Found) -> None:
    assert found(surge, [item], spec) == expected


def test_a_rollout_already_in_the_list_reads_its_own() -> None:
    numeric_string = rollout(strategy={"canary": {"maxSurge": "1", "steps": []}})
    assert found(surge, [numeric_string], existing=True) == [
        (
            "warning",
            "spec.strategy.canary.maxSurge",
            'spec.strategy.canary.maxSurge is the string "1", which Argo Rollouts reads as 1 percent; write 1 (unquoted) for 1 pods',
        )
    ]
