"""The Argo Rollouts conversion over plain data: Rollouts, workloadRef Rollouts, canary Services, canary blocks."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn import __version__
from krm_fn.providers.argo_rollouts.canary import canary_strategy
from krm_fn.providers.argo_rollouts.convert import dropped_fields, to_rollout, workload_ref_rollout
from krm_fn.providers.argo_rollouts.services import cloned_service
from krm_fn.providers.argo_rollouts.spec import ArgoRolloutsSpec
from krm_fn.providers.argo_rollouts.surges import never_replaces, surge_settings
from krm_fn.resource import Resource

CANARY = {"maxSurge": 1, "maxUnavailable": 0, "steps": [{"setWeight": 25}, {"pause": {}}]}
META: dict[str, Any] = {"name": "web", "namespace": "shop", "annotations": {"config.kubernetes.io/index": "3", "team": "a"}}
STAMP = {"delivery.krm-fn.dev/converted-by": f"krm-progressive-delivery/{__version__}"}
STAMPED: dict[str, Any] = {**META, "annotations": {**META["annotations"], **STAMP}}


def _deployment(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": META, "spec": spec, "status": {"replicas": 2}}


ROLLOUTS = [
    (
        {"replicas": 2, "selector": {"matchLabels": {"a": "b"}}, "template": {}, "strategy": {"type": "RollingUpdate"}},
        {"replicas": 2, "selector": {"matchLabels": {"a": "b"}}, "template": {}, "strategy": {"canary": CANARY}},
    ),
    (  # strategy keeps the Deployment's key order
        {"strategy": {}, "template": {}, "minReadySeconds": 5, "revisionHistoryLimit": 3, "progressDeadlineSeconds": 60, "paused": True},
        {
            "strategy": {"canary": CANARY},
            "template": {},
            "minReadySeconds": 5,
            "revisionHistoryLimit": 3,
            "progressDeadlineSeconds": 60,
            "paused": True,
        },
    ),
    ({"template": {}, "surprise": 1}, {"template": {}, "strategy": {"canary": CANARY}}),  # no strategy: added last
]


@pytest.mark.parametrize(("spec", "expected"), ROLLOUTS, ids=["rolling-update", "key-order", "no-strategy"])
def test_to_rollout(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    deployment = _deployment(**spec)
    rollout = to_rollout(deployment, {"canary": CANARY}, deployment["spec"].get("template"))
    assert rollout == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": STAMPED, "spec": expected}
    assert list(rollout["spec"]) == list(expected)
    assert deployment["spec"] == spec and deployment["kind"] == "Deployment"  # not mutated
    assert deployment["metadata"] == META


def test_dropped_fields() -> None:
    assert dropped_fields({"replicas": 1, "strategy": {}, "surprise": 1, "other": 2}) == ["surprise", "other"]


def test_workload_ref_rollout_is_a_new_resource_without_bookkeeping() -> None:
    deployment = _deployment(replicas=3, selector={"matchLabels": {"a": "b"}}, template={"spec": {}}, paused=True)
    deployment["metadata"] = {**META, "annotations": {**META["annotations"], "internal.config.kubernetes.io/path": "app/deploy.yaml"}}
    assert workload_ref_rollout(deployment, {"canary": CANARY}, "never") == {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "annotations": {"team": "a", "config.kubernetes.io/path": "app/rollout_web.yaml", **STAMP},
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"a": "b"}},
            "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "scaleDown": "never"},
            "strategy": {"canary": CANARY},
        },
    }


SERVICES = [
    (
        {"type": "ClusterIP", "clusterIP": "10.0.0.1", "selector": {"a": "b"}, "ports": [{"port": 80}]},
        {"type": "ClusterIP", "selector": {"a": "b"}, "ports": [{"port": 80}]},
    ),
    (
        {"type": "LoadBalancer", "loadBalancerIP": "1.2.3.4", "externalTrafficPolicy": "Local", "ports": [{"port": 80, "nodePort": 30080}]},
        {"type": "ClusterIP", "ports": [{"port": 80}]},
    ),
    ({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}, {"type": "ClusterIP", "ports": [{"port": 80}]}),
]


@pytest.mark.parametrize(("spec", "expected"), SERVICES, ids=["cluster-ip", "load-balancer", "node-port"])
def test_cloned_service_is_a_cluster_ip(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"x": "y"}}, "spec": spec}
    assert cloned_service(service, "web-canary") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web-canary", "labels": {"x": "y"}},
        "spec": expected,
    }


def _spec(**fields: Any) -> ArgoRolloutsSpec:
    return ArgoRolloutsSpec.model_validate({"enabled": True, **fields})


SURGES = [
    # config, the Deployment's rollingUpdate -> (maxSurge, where from), (maxUnavailable, where from)
    ({}, {}, (1, "default"), (0, "default")),
    ({}, {"maxSurge": "50%"}, ("50%", "spec.strategy.rollingUpdate.maxSurge"), (0, "default")),
    ({}, {"maxUnavailable": 2}, (1, "default"), (2, "spec.strategy.rollingUpdate.maxUnavailable")),
    # the safe default would make both zero: what the Deployment ran with instead
    ({}, {"maxSurge": 0}, (0, "spec.strategy.rollingUpdate.maxSurge"), ("25%", "the Deployment's default")),
    ({"maxSurge": "0%"}, {}, ("0%", "functionConfig spec.maxSurge"), ("25%", "the Deployment's default")),
    (
        {},
        {"maxSurge": 0, "maxUnavailable": 0},
        (0, "spec.strategy.rollingUpdate.maxSurge"),
        (0, "spec.strategy.rollingUpdate.maxUnavailable"),
    ),
    ({"maxSurge": 2}, {"maxSurge": "50%"}, (2, "functionConfig spec.maxSurge"), (0, "default")),
    ({"maxUnavailable": "10%"}, {"maxUnavailable": 1}, (1, "default"), ("10%", "functionConfig spec.maxUnavailable")),
]


@pytest.mark.parametrize(("config", "rolling", "surge", "unavailable"), SURGES, ids=[f"{s[0]}:{s[1]}" for s in SURGES])
def test_surge_settings(config: dict[str, Any], rolling: dict[str, Any], surge: tuple[Any, str], unavailable: tuple[Any, str]) -> None:
    deployment = Resource(_deployment(strategy={"rollingUpdate": rolling}))
    assert surge_settings(_spec(**config), deployment) == {"maxSurge": surge, "maxUnavailable": unavailable}


@pytest.mark.parametrize(
    ("surge", "unavailable", "never"),
    [(0, 0, True), ("0%", 0, True), (0, "0%", True), (1, 0, False), (0, "25%", False), ("0", "0", True)],
)
def test_never_replaces(surge: Any, unavailable: Any, never: bool) -> None:
    assert never_replaces(surge, unavailable) is never


def _service(name: str) -> Resource:
    return Resource({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": {}})


STRATEGIES = [
    ({}, [], {"maxSurge": 1, "maxUnavailable": 0, "steps": [{"setWeight": 25}, {"pause": {}}]}),
    (
        {"canary": {"canaryService": "generate"}},
        [_service("web")],
        {"canaryService": "web-canary", "maxSurge": 1, "maxUnavailable": 0, "steps": [{"setWeight": 25}, {"pause": {}}]},
    ),
    (
        {"canary": {"canaryService": "generate", "trafficRouting": {"nginx": {"stableIngress": "web"}}}},
        [_service("web")],
        {
            "canaryService": "web-canary",
            "stableService": "web",
            "trafficRouting": {"nginx": {"stableIngress": "web"}},
            "maxSurge": 1,
            "maxUnavailable": 0,
            "steps": [{"setWeight": 25}, {"pause": {}}],
        },
    ),
    (
        {"canary": {"canaryService": "generate"}},
        [_service("a"), _service("b")],  # ambiguous: left for the rule to report
        {"canaryService": "generate", "maxSurge": 1, "maxUnavailable": 0, "steps": [{"setWeight": 25}, {"pause": {}}]},
    ),
    (
        {"canarySteps": [{"setWeight": 10}, {"pause": {"duration": "1h"}}], "maxSurge": "20%"},
        [],
        {"maxSurge": "20%", "maxUnavailable": 0, "steps": [{"setWeight": 10}, {"pause": {"duration": "1h"}}]},
    ),
]


@pytest.mark.parametrize(
    ("config", "services", "expected"), STRATEGIES, ids=["defaults", "generate", "generate-routed", "ambiguous", "steps"]
)
def test_canary_strategy(config: dict[str, Any], services: list[Resource], expected: dict[str, Any]) -> None:
    canary = canary_strategy(_spec(**config), Resource(_deployment()), services)
    assert canary == expected and list(canary) == list(expected)
