"""Autoscalers follow the workload: HPA, VPA and KEDA targets of a converted Deployment become Rollouts (`references.autoscalers`)."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.inventory import Inventory
from krm_fn.provider_api import Kind
from krm_fn.references.autoscalers import retarget
from krm_fn.resource import Resource

ROLLOUT = Kind("argoproj.io/v1alpha1", "Rollout")
TO_ROLLOUT = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "web"}


def _scaler(api_version: str, kind: str, field: str, ref: Any, namespace: str = "shop") -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": "s", "namespace": namespace}, "spec": {field: ref, "x": 1}}


CASES = [
    # the autoscaler, its target after, (severity, message) of the result, or None
    (
        _scaler(
            "autoscaling/v2", "HorizontalPodAutoscaler", "scaleTargetRef", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
        ),
        TO_ROLLOUT,
        ("info", "spec.scaleTargetRef now targets Rollout web"),
    ),
    (
        _scaler("autoscaling/v1", "HorizontalPodAutoscaler", "scaleTargetRef", {"kind": "Deployment", "name": "web"}),
        {"kind": "Rollout", "name": "web", "apiVersion": "argoproj.io/v1alpha1"},
        ("info", "spec.scaleTargetRef now targets Rollout web"),
    ),
    (
        _scaler(
            "autoscaling.k8s.io/v1", "VerticalPodAutoscaler", "targetRef", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
        ),
        TO_ROLLOUT,
        ("info", "spec.targetRef now targets Rollout web"),
    ),
    (
        _scaler("keda.sh/v1alpha1", "ScaledObject", "scaleTargetRef", {"name": "web"}),  # KEDA: an unset kind is a Deployment
        {"name": "web", "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"},
        ("info", "spec.scaleTargetRef now targets Rollout web"),
    ),
    (
        _scaler("keda.sh/v1alpha1", "ScaledObject", "scaleTargetRef", {"kind": "StatefulSet", "name": "web"}),
        {"kind": "StatefulSet", "name": "web"},
        None,
    ),
    (
        _scaler("autoscaling/v2", "HorizontalPodAutoscaler", "scaleTargetRef", {"kind": "Deployment", "name": "web"}, "other"),
        {"kind": "Deployment", "name": "web"},  # another namespace: another Deployment, not in the list
        (
            "warning",
            "targets Deployment web in namespace other, which is not in the list; if that Deployment becomes a Rollout "
            "elsewhere, point this at the Rollout by hand",
        ),
    ),
    (
        _scaler("autoscaling/v2", "HorizontalPodAutoscaler", "scaleTargetRef", {"kind": "Deployment", "name": "kept"}),
        {"kind": "Deployment", "name": "kept"},
        None,
    ),  # a Deployment in the list that stays one
    (
        _scaler("autoscaling/v2", "HorizontalPodAutoscaler", "scaleTargetRef", "web"),
        "web",
        ("warning", "has no spec.scaleTargetRef to retarget"),
    ),
]


@pytest.mark.parametrize(("scaler", "after", "result"), CASES, ids=[f"{c[0]['kind']}-{i}" for i, c in enumerate(CASES)])
def test_retarget(scaler: dict[str, Any], after: Any, result: tuple[str, str] | None) -> None:
    kept = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "kept", "namespace": "shop"}}
    field = next(k for k in scaler["spec"] if k != "x")
    before = dict(scaler["spec"])
    resources = [Resource(scaler), Resource(kept)]
    output, results = retarget(resources, {("shop", "web")}, ROLLOUT, Inventory(resources))
    assert output[0].obj["spec"] == {field: after, "x": 1} and output[1] is resources[1]
    assert scaler["spec"] == before  # the input is not mutated
    assert [(r.severity, r.message) for r in results] == ([result] if result else [])
