"""bluegreen-revisions: blueGreen.scaleDownDelayRevisionLimit at most the revisionHistoryLimit (default 10)."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import bluegreen_revisions

from ruletest import Found, deployment, found, service

CASES: list[tuple[str, dict[str, Any], int | None, Found]] = [
    ("no limit", deployment(), None, []),
    ("within the default", deployment(), 10, []),
    (
        "over the default",
        deployment(),
        11,
        [
            (
                "error",
                "spec.revisionHistoryLimit",
                "blueGreen.scaleDownDelayRevisionLimit is 11, more than revisionHistoryLimit (10 (the default)) keeps",
            )
        ],
    ),
    (
        "over the Deployment's",
        deployment(revisionHistoryLimit=2),
        3,
        [("error", "spec.revisionHistoryLimit", "blueGreen.scaleDownDelayRevisionLimit is 3, more than revisionHistoryLimit (2) keeps")],
    ),
]


@pytest.mark.parametrize(("item", "limit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bluegreen_revisions(item: dict[str, Any], limit: int | None, expected: Found) -> None:
    options = {} if limit is None else {"scaleDownDelayRevisionLimit": limit}
    assert found(bluegreen_revisions, [item, service()], {"strategy": "blueGreen", "blueGreen": options}) == expected
