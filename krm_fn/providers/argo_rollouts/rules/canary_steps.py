"""canary-steps: what each step of a canary without a traffic router really does, at the replicas it runs.

Without a traffic router a weight is a share of the pods, and the controller picks the counts
closest to it (`replicas.py`, Argo Rollouts' own arithmetic): with few replicas a share can be
far from its weight, or a step can start no canary pod at all. An info per Rollout gives, for
each setWeight step, the canary and stable pods and the canary's share, at the Deployment's
replicas, or where an autoscaler manages them at its least and its most (with no replicas
and no autoscaler, at the controller's default, 1). A warning names a step that starts no
canary pod (it tests nothing), and one whose share of the pods is more than 10 percentage
points from its weight (1 replica at 25% runs 1 canary beside 1 stable pod: 50%).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....provider_api import Traits
from ....results import Result, info, warning
from ..plan import ArgoContext, ArgoTarget
from ..step_counts import Scale, StepCount, step_counts
from ..surges import is_count

ID = "canary-steps"
TRAITS = Traits()
MARGIN = 10
"""Percentage points a step's share of the pods may differ from its weight without a warning."""


def _pods(count: StepCount) -> str:
    return f"setWeight {count.weight}: {count.canary} canary + {count.stable} stable ({count.share:.0f}%)"


def _at(scale: Scale) -> str:
    plural = "s" if scale.replicas != 1 else ""
    return f"at {scale.replicas} replica{plural}" + (f" ({scale.source})" if scale.source else "")


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        canary = target.canary
        if canary is None or "trafficRouting" in canary or not isinstance(canary.get("steps"), list):
            continue
        if not (is_count(canary["maxSurge"]) and is_count(canary["maxUnavailable"])):
            continue  # the surge rule reports it
        yield from _plan(target, canary)


def _plan(target: ArgoTarget, canary: dict[str, Any]) -> Iterator[Result]:
    deployment = target.deployment
    parts, problems = [], []
    for scale in target.scales:
        counts = step_counts(canary["steps"], scale.replicas, canary["maxSurge"], canary["maxUnavailable"])
        if counts:
            parts.append(f"{_at(scale)}, " + ", ".join(_pods(count) for count in counts))
        for count in counts:
            field = f"spec.strategy.canary.steps[{count.index}]"
            if count.canary == 0 and count.weight > 0:
                problems.append(
                    warning(f"setWeight {count.weight} starts no canary pod {_at(scale)}: the step tests nothing", deployment, field, ID)
                )
            elif abs(count.share - count.weight) > MARGIN:
                total = count.canary + count.stable
                message = f"setWeight {count.weight} puts {count.canary} of {total} pods on the canary {_at(scale)}: {count.share:.0f}%"
                problems.append(warning(f"{message} of the pods, not {count.weight}%", deployment, field, ID))
    if parts:
        surges = f"maxSurge {canary['maxSurge']}, maxUnavailable {canary['maxUnavailable']}"
        yield info(f"the steps in pods, without a traffic router ({surges}): " + "; ".join(parts), deployment, rule=ID)
    yield from problems
