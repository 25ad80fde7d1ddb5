"""The `strategy.canary` block each Rollout gets: configured options, surge settings, steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...inventory import Inventory
from ...resource import Resource
from .services import GENERATE, StrategyPlan, clone_if_missing, generated_name

if TYPE_CHECKING:
    from .spec import ArgoRolloutsSpec

SAFE_DEFAULTS = {"maxSurge": 1, "maxUnavailable": 0}
"""One extra pod at a time and never one fewer: the slowest, safest canary."""


def is_zero(value: Any) -> bool:
    return value == 0 or (isinstance(value, str) and value.rstrip("%") == "0")


def never_replaces(max_surge: Any, max_unavailable: Any) -> bool:
    """Both zero: the controller could never replace a pod (it marks the Rollout InvalidSpec)."""
    return is_zero(max_surge) and is_zero(max_unavailable)


KUBERNETES_DEFAULT = "25%"
"""What a Deployment runs with for a `rollingUpdate` field it does not set."""


def surge_settings(spec: ArgoRolloutsSpec, deployment: Resource, configured_at: str = "functionConfig spec") -> dict[str, tuple[Any, str]]:
    """`maxSurge` and `maxUnavailable`, each with where it came from (a field path, or "default").

    The config's value, else the Deployment's, else the safe default; but where the safe
    default would make both zero (a Deployment that sets only `maxSurge: 0`), the value the
    Deployment ran with, Kubernetes' 25%.
    """
    rolling = deployment.get_map("spec", "strategy", "rollingUpdate")
    found: dict[str, tuple[Any, str]] = {}
    for key in SAFE_DEFAULTS:
        configured, carried = getattr(spec, key), rolling.get(key)
        if configured is not None:
            found[key] = configured, f"{configured_at}.{key}"
        elif carried is not None:
            found[key] = carried, f"spec.strategy.rollingUpdate.{key}"
    for key, safe in SAFE_DEFAULTS.items():
        if key not in found:
            other = next(found[k][0] for k in SAFE_DEFAULTS if k != key) if len(found) == 1 else None
            found[key] = (KUBERNETES_DEFAULT, "the Deployment's default") if never_replaces(safe, other) else (safe, "default")
    return {key: found[key] for key in SAFE_DEFAULTS}


def canary_strategy(spec: ArgoRolloutsSpec, deployment: Resource, services: list[Resource]) -> dict[str, Any]:
    """`strategy.canary` for one Deployment.

    `services` are the Services that select the Deployment's pods. With `canaryService:
    generate` and exactly one of them, the canary Service is `<service>-canary` (see
    `generated_name`) and, with traffic routing, the stable Service is that one; otherwise
    "generate" stays for the traffic-services rule to report.
    """
    canary = spec.canary.to_argo()
    if canary.get("canaryService") == GENERATE and len(services) == 1:
        stable = services[0].name
        canary["canaryService"] = generated_name(stable, "canary")
        if "trafficRouting" in canary and "stableService" not in canary:
            canary = {"canaryService": canary["canaryService"], "stableService": stable, **canary}
    surges = surge_settings(spec, deployment)
    canary["maxSurge"], canary["maxUnavailable"] = surges["maxSurge"][0], surges["maxUnavailable"][0]
    canary["steps"] = [step.to_argo() for step in spec.canarySteps]
    return canary


def plan_canary(spec: ArgoRolloutsSpec, deployment: Resource, inventory: Inventory) -> StrategyPlan:
    # Only canaryService: generate needs the selecting Services.
    generate = spec.canary.canaryService == GENERATE
    services = inventory.services_selecting(deployment.namespace, deployment.pod_labels) if generate else []
    canary = canary_strategy(spec, deployment, services)
    name = canary.get("canaryService")
    generated = clone_if_missing(inventory, services[0], str(name)) if generate and len(services) == 1 else []
    return StrategyPlan({"canary": canary}, services, generated)
