"""bluegreen-services: blueGreen's active and preview Services: found, distinct, selecting the pods."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import bluegreen_services

from ruletest import Found, deployment, found, service

ACTIVE = "spec.strategy.blueGreen.activeService"
PREVIEW = "spec.strategy.blueGreen.previewService"
CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("the one selecting Service, a generated preview", [deployment(), service()], {}, []),
    (
        "no Service",
        [deployment()],
        {},
        [
            (
                "error",
                ACTIVE,
                "blueGreen needs an active Service: the Services in the list selecting its pods are none (add one, "
                "or set blueGreen.activeService)",
            )
        ],
    ),
    (
        "two Services",
        [deployment(), service(), service("web-2")],
        {},
        [
            (
                "error",
                ACTIVE,
                "blueGreen needs an active Service: the Services in the list selecting its pods are web, web-2 "
                "(set blueGreen.activeService to the one that serves it)",
            )
        ],
    ),
    (
        "a named one that selects other pods",
        [deployment(), service(), service("api", app="api")],
        {"blueGreen": {"activeService": "api", "previewService": "web"}},
        [("error", ACTIVE, "Service api does not select its pods; the controller would reject the Rollout")],
    ),
    (
        "a named preview not in the list",
        [deployment(), service()],
        {"blueGreen": {"activeService": "web", "previewService": "web-next"}},
        [
            (
                "warning",
                PREVIEW,
                "Service web-next is not in the list; the Rollout stays degraded until it exists (fine if another application creates it)",
            )
        ],
    ),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bluegreen_services(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(bluegreen_services, items, {"strategy": "blueGreen", **spec}) == expected
