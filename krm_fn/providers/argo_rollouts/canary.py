"""The `strategy.canary` block each Rollout gets: configured options, surge settings, steps."""

from __future__ import annotations

from typing import Any

from ...inventory import Inventory
from ...resource import Resource
from .services import GENERATE, StrategyPlan, clone_if_missing, generated_name
from .spec import ArgoRolloutsSpec
from .surges import surge_settings


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
