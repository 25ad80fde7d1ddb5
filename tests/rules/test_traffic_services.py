"""traffic-services: the canary and stable Services a canary names, generated or in the list."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import traffic_services

from ruletest import Found, deployment, found, service

NGINX = {"nginx": {"stableIngress": "web"}}
CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("no Services named", [deployment()], {}, []),
    ("generated from the one selecting Service", [deployment(), service()], {"canary": {"canaryService": "generate"}}, []),
    (
        "generate without a selecting Service",
        [deployment()],
        {"canary": {"canaryService": "generate"}},
        [
            (
                "error",
                "spec.strategy.canary.canaryService",
                "canaryService: generate needs exactly one Service in the list selecting this Deployment's pods (found: none)",
            )
        ],
    ),
    (
        "generate with two",
        [deployment(), service(), service("web-internal")],
        {"canary": {"canaryService": "generate"}},
        [
            (
                "error",
                "spec.strategy.canary.canaryService",
                "canaryService: generate needs exactly one Service in the list selecting this Deployment's pods (found: web, web-internal)",
            )
        ],
    ),
    (
        "a router needs both",
        [deployment(), service(), service("web-canary")],
        {"canary": {"canaryService": "web-canary", "trafficRouting": NGINX}},
        [
            (
                "error",
                "spec.strategy.canary.stableService",
                "the traffic router needs both canaryService and stableService; stableService is not set",
            )
        ],
    ),
    (
        "a named Service not in the list",
        [deployment()],
        {"canary": {"canaryService": "web-canary"}},
        [
            (
                "warning",
                "spec.strategy.canary.canaryService",
                "Service web-canary is not in the list; the Rollout stays degraded until it exists (fine if another "
                "application creates it)",
            )
        ],
    ),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_traffic_services(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(traffic_services, items, spec) == expected
