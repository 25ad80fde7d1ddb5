"""The `strategy.canary` block each Rollout gets: configured options, surge settings, steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...resource import Resource

if TYPE_CHECKING:
    from .spec import ArgoRolloutsSpec

GENERATE = "generate"
"""`canaryService: generate`: clone the one Service that selects the pods as `<service>-canary`."""

SAFE_DEFAULTS = {"maxSurge": 1, "maxUnavailable": 0}
"""One extra pod at a time and never one fewer: the slowest, safest canary."""


def is_zero(value: Any) -> bool:
    return value == 0 or (isinstance(value, str) and value.rstrip("%") == "0")


def never_replaces(max_surge: Any, max_unavailable: Any) -> bool:
    """Both zero: the controller could never replace a pod (it marks the Rollout InvalidSpec)."""
    return is_zero(max_surge) and is_zero(max_unavailable)


def surge_setting(spec: ArgoRolloutsSpec, deployment: Resource, key: str) -> tuple[Any, str]:
    """The value for `maxSurge`/`maxUnavailable` and where it came from (a field path, or "default")."""
    configured = getattr(spec, key)
    if configured is not None:
        return configured, f"functionConfig spec.{key}"
    carried = deployment.get_map("spec", "strategy", "rollingUpdate").get(key)
    if carried is not None:
        return carried, f"spec.strategy.rollingUpdate.{key}"
    return SAFE_DEFAULTS[key], "default"


def canary_strategy(spec: ArgoRolloutsSpec, deployment: Resource, services: list[Resource]) -> dict[str, Any]:
    """`strategy.canary` for one Deployment.

    `services` are the Services that select the Deployment's pods. With `canaryService:
    generate` and exactly one of them, the canary Service is `<service>-canary` and, with
    traffic routing, the stable Service is that one; otherwise "generate" stays for the
    traffic-services rule to report.
    """
    canary = spec.canary.to_argo()
    if canary.get("canaryService") == GENERATE and len(services) == 1:
        stable = services[0].name
        canary["canaryService"] = f"{stable}-canary"
        if "trafficRouting" in canary and "stableService" not in canary:
            canary = {"canaryService": canary["canaryService"], "stableService": stable, **canary}
    canary["maxSurge"] = surge_setting(spec, deployment, "maxSurge")[0]
    canary["maxUnavailable"] = surge_setting(spec, deployment, "maxUnavailable")[0]
    canary["steps"] = [step.to_argo() for step in spec.canarySteps]
    return canary
