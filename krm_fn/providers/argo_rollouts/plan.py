"""What each selected Deployment becomes: its canary block, the Services around it, what is added."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...inventory import Inventory
from ...providers import Context, Target
from ...resource import Resource
from ...results import Result
from .canary import GENERATE, canary_strategy
from .services import canary_service
from .spec import ArgoRolloutsSpec
from .template import Accepted, accept


@dataclass(frozen=True)
class ArgoTarget(Target):
    canary: dict[str, Any]
    """The Rollout's `strategy.canary`."""
    services: list[Resource]
    """The Services in the list that select the Deployment's pods (looked up for `canaryService: generate` only)."""
    generated: list[Resource]
    """New resources (a canary Service) the conversion adds beside the Rollout."""
    template: Accepted
    """The pod template the Rollout gets, and what had to change for the CRD to accept it."""


ArgoContext = Context[ArgoRolloutsSpec, ArgoTarget]


def driven_by_workload_ref(inventory: Inventory) -> set[tuple[str, str]]:
    """Deployments that a Rollout in the list already drives through `workloadRef`."""
    found = set()
    for rollout in inventory.of_kind("argoproj.io", "Rollout"):
        ref = rollout.get("spec", "workloadRef")
        if isinstance(ref, dict) and ref.get("kind") == "Deployment":
            found.add((rollout.namespace, str(ref.get("name"))))
    return found


def plan(spec: ArgoRolloutsSpec, inventory: Inventory, selected: Iterable[Target]) -> tuple[list[ArgoTarget], list[Result]]:
    # In workloadRef mode a Deployment already driven by a Rollout is done: a second run is a no-op.
    done = driven_by_workload_ref(inventory) if spec.migration == "workloadRef" else set()
    generate = spec.canary.canaryService == GENERATE
    targets = []
    for chosen in selected:
        deployment = chosen.deployment
        if (deployment.namespace, deployment.name) in done:
            continue
        # Only canaryService: generate needs the selecting Services.
        services = inventory.services_selecting(deployment.namespace, deployment.pod_labels) if generate else []
        canary = canary_strategy(spec, deployment, services)
        generated = []
        name = canary.get("canaryService")
        if generate and len(services) == 1 and not inventory.has("", "Service", deployment.namespace, str(name)):
            generated.append(Resource(canary_service(services[0].obj, str(name))))
        # workloadRef: the Deployment keeps its template, and the Rollout has none of its own.
        template = accept(deployment.get("spec", "template")) if spec.migration == "convert" else Accepted(None)
        targets.append(ArgoTarget(chosen.index, deployment, canary, services, generated, template))
    return targets, []
