"""What each step of a canary without a traffic router really does, and the plan a leader-elected one gets.

Without a traffic router a step's weight is a share of the pods (`replicas.py`), and with few
replicas it can be far from the weight, or start no canary pod at all. The counts are worked
out at the replicas the Rollout will run: its own, or where an autoscaler manages them, at
the autoscaler's least and most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...inventory import Inventory
from ...references.autoscalers import REPLICA_BOUNDS, scales_deployment
from ...resource import Resource, parse_all
from .replicas import fenceposts, settle

DEFAULT_REPLICAS = 1
"""What the controller runs a Rollout with no `replicas` at."""


@dataclass(frozen=True)
class Scale:
    """Replicas to work the steps out at, and what says so."""

    replicas: int
    source: str
    """What sets them, where it is not the Deployment's `replicas`."""


@dataclass(frozen=True)
class StepCount:
    """A setWeight step at a scale: the canary and stable pods the controller holds it at."""

    index: int
    weight: int
    canary: int
    stable: int

    @property
    def share(self) -> float:
        """The canary's share of the pods, in percent."""
        total = self.canary + self.stable
        return 100.0 * self.canary / total if total else 0.0


def scales(deployment: Resource, inventory: Inventory) -> list[Scale]:
    """The replicas to work the steps out at: an autoscaler's least and most, else the Deployment's own."""
    for group_kind, ((low, low_default), (high, high_default)) in REPLICA_BOUNDS.items():
        autoscalers = inventory.of_kind(*group_kind)
        parse_all(autoscalers)
        for autoscaler in autoscalers:
            if scales_deployment(autoscaler, deployment.namespace, deployment.name):
                what = f"{autoscaler.kind} {autoscaler.name}"
                least = autoscaler.get_int("spec", low)
                most = autoscaler.get_int("spec", high)
                found = [Scale(low_default if least is None else least, f"{low} of {what}")]
                most = high_default if most is None else most
                return found + ([Scale(most, f"its {high}")] if most is not None else [])
    replicas = deployment.get_int("spec", "replicas")
    if replicas is None:
        return [Scale(DEFAULT_REPLICAS, "no replicas set: the controller's default")]
    return [Scale(replicas, "")]


def step_counts(steps: list[Any], replicas: int, max_surge: Any, max_unavailable: Any) -> list[StepCount]:
    """The counts of every setWeight step, each from where the step before left the pods."""
    surge, unavailable = fenceposts(replicas, max_surge, max_unavailable)
    canary, stable = 0, replicas
    found = []
    for index, step in enumerate(steps):
        weight = step.get("setWeight") if isinstance(step, dict) else None
        if isinstance(weight, int) and not isinstance(weight, bool):
            canary, stable = settle(replicas, weight, surge, unavailable, canary, stable)
            found.append(StepCount(index, weight, canary, stable))
    return found


def one_pod_weight(replicas: int, max_surge: Any, max_unavailable: Any) -> int | None:
    """The weight that starts exactly one canary pod beside stable ones: keeping the most stable pods, then
    closest to the share of the pods that one pod is. None where no weight does (1 replica, no surge)."""
    surge, unavailable = fenceposts(replicas, max_surge, max_unavailable)
    best: tuple[int, float, int] | None = None
    for weight in range(1, 100):
        canary, stable = settle(replicas, weight, surge, unavailable, 0, replicas)
        if canary == 1 and stable > 0:
            key = (-stable, abs(100.0 / (canary + stable) - weight), weight)
            best = key if best is None or key < best else best
    return None if best is None else best[2]


def handover(configured: list[dict[str, Any]], replicas: int, max_surge: Any, max_unavailable: Any) -> list[dict[str, Any]]:
    """A plan in which the new version really leads while one abort brings the old one back.

    One canary pod first, to show it starts and gets Ready (a step waits for that); then every
    pod, so the old leader goes and the lease passes; then, while the new version leads, the
    configured analysis steps, and a pause for promotion. An abort scales the old version back.
    """
    first = one_pod_weight(replicas, max_surge, max_unavailable)
    analyses = [step for step in configured if "analysis" in step]
    return [*([{"setWeight": first}] if first is not None else []), {"setWeight": 100}, *analyses, {"pause": {}}]
