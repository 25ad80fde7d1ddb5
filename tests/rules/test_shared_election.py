"""shared-election: Deployments whose pods name one Lease are named together, once."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import shared_election

from ruletest import Found, deployment, found


def _on(name: str, lease: str | None, namespace: str | None = None) -> dict[str, Any]:
    made = deployment(name)
    env = [{"name": "LEADER_ELECT", "value": "true"}]
    if lease:
        env.append({"name": "APP_LEASE_NAME", "value": lease})
    if namespace:
        env.append({"name": "APP_LEASE_NAMESPACE", "value": namespace})
    made["spec"]["template"]["spec"]["containers"][0]["env"] = env
    return made


def _shared(names: str, lease: str, namespace: str, converted: str) -> tuple[str, None, str]:
    return (
        "warning",
        None,
        f"{names} contend for one lease, {lease} in namespace {namespace} ({converted}): during a canary the lease can go to"
        " the other Deployment's old pods instead of the new version; convert them together and promote them together, or"
        " give each its own lease name",
    )


CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("one lease each", [_on("api", "api-leader"), _on("worker", "worker-leader")], {}, []),
    ("no lease named", [_on("api", None), _on("worker", None)], {}, []),
    (
        "one lease, both converted",
        [_on("api", "leader"), _on("worker", "leader")],
        {},
        [_shared("api and worker", "leader", "shop", "all converted here")],
    ),
    (
        "one lease, one excluded",
        [_on("api", "leader"), _on("worker", "leader")],
        {"selector": {"exclude": ["worker"]}},
        [_shared("api and worker", "leader", "shop", "not all converted here")],
    ),
    ("the same name in other namespaces", [_on("api", "leader", "a"), _on("worker", "leader", "b")], {}, []),
    ("one said not to be elected", [_on("api", "leader"), _on("worker", "leader")], {"leaderElected": {"worker": False}}, []),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_shared_election(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(shared_election, items, spec) == expected
