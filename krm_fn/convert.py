"""The conversion itself: a Deployment (plain data) and a Spec in, a Rollout (plain data) out."""

from __future__ import annotations

from typing import Any

from .config import GENERATE, Spec
from .fields import get_map
from .new_resources import metadata_from
from .select import name_of

ROLLOUT_API_VERSION = "argoproj.io/v1alpha1"
CARRIED_FIELDS = (
    "replicas",
    "selector",
    "template",
    "minReadySeconds",
    "revisionHistoryLimit",
    "progressDeadlineSeconds",
    "paused",
)
"""Deployment spec fields that mean the same in a Rollout spec."""

SAFE_DEFAULTS = {"maxSurge": 1, "maxUnavailable": 0}
"""One extra pod at a time and never one fewer: the slowest, safest canary."""


def rolling_update(deployment: dict[str, Any]) -> dict[str, Any]:
    return get_map(deployment, "spec", "strategy", "rollingUpdate")


def surge_setting(spec: Spec, deployment: dict[str, Any], key: str) -> tuple[Any, str]:
    """The value for `maxSurge`/`maxUnavailable` and where it came from (a field path, or "default")."""
    configured = getattr(spec, key)
    if configured is not None:
        return configured, f"functionConfig spec.{key}"
    carried = rolling_update(deployment).get(key)
    if carried is not None:
        return carried, f"spec.strategy.rollingUpdate.{key}"
    return SAFE_DEFAULTS[key], "default"


def canary_strategy(spec: Spec, deployment: dict[str, Any], services: list[dict[str, Any]]) -> dict[str, Any]:
    """`strategy.canary` for one Deployment: the configured options, surge settings and steps.

    `services` are the Services that select the Deployment's pods. With `canaryService:
    generate` and exactly one of them, the canary Service is `<service>-canary` and, with
    traffic routing, the stable Service is that one; otherwise "generate" stays for the
    traffic-services rule to report.
    """
    canary = spec.canary.to_argo()
    if canary.get("canaryService") == GENERATE and len(services) == 1:
        stable = name_of(services[0])
        canary["canaryService"] = f"{stable}-canary"
        if "trafficRouting" in canary and "stableService" not in canary:
            canary = {"canaryService": canary["canaryService"], "stableService": stable, **canary}
    canary["maxSurge"] = surge_setting(spec, deployment, "maxSurge")[0]
    canary["maxUnavailable"] = surge_setting(spec, deployment, "maxUnavailable")[0]
    canary["steps"] = [step.to_argo() for step in spec.canarySteps]
    return canary


def workload_ref_rollout(deployment: dict[str, Any], canary: dict[str, Any], scale_down: str) -> dict[str, Any]:
    """A new Rollout that runs `deployment`'s pod template and scales the Deployment down as it comes up.

    The Deployment stays in the list unchanged; the Rollout is a new resource, so it carries
    none of the Deployment's bookkeeping annotations.
    """
    source = get_map(deployment, "spec")
    spec: dict[str, Any] = {}
    for key in ("replicas", "selector", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"):
        if key in source:
            spec[key] = source[key]
    spec["workloadRef"] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": name_of(deployment),
        "scaleDown": scale_down,
    }
    spec["strategy"] = {"canary": canary}
    return {
        "apiVersion": ROLLOUT_API_VERSION,
        "kind": "Rollout",
        "metadata": metadata_from(deployment, name_of(deployment), "Rollout"),
        "spec": spec,
    }


# Fields of a Service that belong to one Service object only, or would cost money twice.
_SERVICE_ONLY_FIELDS = (
    "clusterIP",
    "clusterIPs",
    "externalIPs",
    "healthCheckNodePort",
    "loadBalancerIP",
    "loadBalancerClass",
    "loadBalancerSourceRanges",
    "allocateLoadBalancerNodePorts",
    "externalTrafficPolicy",
)


def canary_service(service: dict[str, Any]) -> dict[str, Any]:
    """`<service>-canary`: the same selector and ports, as a ClusterIP Service of its own."""
    source = get_map(service, "spec")
    spec = {k: v for k, v in source.items() if k not in _SERVICE_ONLY_FIELDS}
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        spec["type"] = "ClusterIP"
    if isinstance(spec.get("ports"), list):
        spec["ports"] = [{k: v for k, v in p.items() if k != "nodePort"} if isinstance(p, dict) else p for p in spec["ports"]]
    name = f"{name_of(service)}-canary"
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata_from(service, name, "Service"), "spec": spec}


def to_rollout(deployment: dict[str, Any], canary: dict[str, Any]) -> dict[str, Any]:
    """The Rollout that replaces `deployment`, keys in the Deployment's order.

    Metadata is kept whole, internal annotations included: kpt matches output to input by
    them, and only then keeps the file, comments and key order. `status` is dropped.
    The Rollout shares subtrees with `deployment`, which it replaces; neither is mutated.
    """
    rollout: dict[str, Any] = {}
    for key, value in deployment.items():
        if key == "apiVersion":
            rollout[key] = ROLLOUT_API_VERSION
        elif key == "kind":
            rollout[key] = "Rollout"
        elif key == "spec":
            rollout[key] = _rollout_spec(value, canary)
        elif key != "status":
            rollout[key] = value
    return rollout


def _rollout_spec(spec: dict[str, Any], canary: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key in CARRIED_FIELDS:
            out[key] = value
        elif key == "strategy":
            out["strategy"] = {"canary": canary}
    out.setdefault("strategy", {"canary": canary})
    return out


def dropped_fields(deployment: dict[str, Any]) -> list[str]:
    """Spec fields a Rollout has no place for (other than `strategy`, which is replaced)."""
    spec = get_map(deployment, "spec")
    return [key for key in spec if key not in CARRIED_FIELDS and key != "strategy"]
