"""The `strategy.canary` block each Rollout gets: configured options, surge settings, steps (a handover
for a leader-elected Deployment)."""

from __future__ import annotations

from typing import Any

from ...inventory import Inventory
from ...resource import Resource
from .leader import Election
from .services import GENERATE, StrategyPlan, clone_if_missing, generated_name
from .spec import ArgoRolloutsSpec
from .step_counts import handover
from .surges import is_count, surge_settings


def hands_over(spec: ArgoRolloutsSpec, election: Election | None, canary: dict[str, Any]) -> bool:
    """A leader-elected Deployment gets the handover plan (`step_counts.handover`), unless the config says
    otherwise, or a traffic router keeps the stable pods, and with them the old leader, until promotion."""
    return election is not None and spec.leaderElection == "handover" and "trafficRouting" not in canary


def canary_strategy(
    spec: ArgoRolloutsSpec, deployment: Resource, services: list[Resource], election: Election | None = None, replicas: int = 1
) -> dict[str, Any]:
    """`strategy.canary` for one Deployment, running `replicas` pods.

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
    configured = [step.to_argo() for step in spec.canarySteps]
    # With a surge setting the controller cannot scale, there is no plan to make: the surge rule says why.
    countable = is_count(canary["maxSurge"]) and is_count(canary["maxUnavailable"])
    hand_over = hands_over(spec, election, canary) and countable
    canary["steps"] = handover(configured, replicas, canary["maxSurge"], canary["maxUnavailable"]) if hand_over else configured
    return canary


def plan_canary(
    spec: ArgoRolloutsSpec, deployment: Resource, inventory: Inventory, election: Election | None, replicas: int
) -> StrategyPlan:
    # Only canaryService: generate needs the selecting Services.
    generate = spec.canary.canaryService == GENERATE
    services = inventory.services_selecting(deployment.namespace, deployment.pod_labels) if generate else []
    canary = canary_strategy(spec, deployment, services, election, replicas)
    name = canary.get("canaryService")
    generated = clone_if_missing(inventory, services[0], str(name)) if generate and len(services) == 1 else []
    return StrategyPlan({"canary": canary}, services, generated)
