"""What each selected Deployment becomes: its canary block, the Services around it, what is added."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ...fieldpath import Loc
from ...inventory import Inventory
from ...provider_api import Context, Target
from ...resource import Resource, parse_all
from .api import ROLLOUT
from .bluegreen import plan_blue_green
from .canary import plan_canary
from .convert import to_rollout, workload_ref_rollout
from .crd_structure import without_refused_nulls
from .leader import Election, detect
from .spec import ArgoRolloutsSpec
from .step_counts import Scale, scales
from .template import Accepted, accept


@dataclass(frozen=True)
class ArgoTarget(Target):
    strategy: dict[str, Any]
    """The Rollout's `spec.strategy`: `{"canary": {...}}` or `{"blueGreen": {...}}`."""
    services: list[Resource]
    """The Services in the list that select the Deployment's pods, where the strategy looked them up."""
    generated: list[Resource]
    """New resources (a canary or preview Service) the conversion adds beside the Rollout."""
    template: Accepted
    """The pod template the Rollout gets, and what had to change for the CRD to accept it."""
    rollout: dict[str, Any]
    """The Rollout it becomes (for a Rollout already in the list: that Rollout, as it is)."""
    nulls: list[Loc]
    """Where the Deployment carried a null the Rollout CRD refuses (left out of `rollout`)."""
    existing: bool = False
    """A Rollout already in the list, checked as it is (`deployment` is then that Rollout)."""
    election: Election | None = None
    """The leader election its pods take part in (canary only), and what says so."""
    scales: tuple[Scale, ...] = ()
    """The replicas its steps are worked out at (canary only)."""

    @property
    def canary(self) -> dict[str, Any] | None:
        return self._block("canary")

    @property
    def blue_green(self) -> dict[str, Any] | None:
        return self._block("blueGreen")

    def _block(self, kind: str) -> dict[str, Any] | None:
        # A Rollout already in the list brings its own strategy, unchecked: a block that is
        # not a mapping is the CRD schema's to refuse, and no rule's to read.
        found = self.strategy.get(kind)
        return found if isinstance(found, dict) else None


ArgoContext = Context[ArgoRolloutsSpec, ArgoTarget]


def driven_by_workload_ref(inventory: Inventory) -> set[tuple[str, str]]:
    """Deployments that a Rollout in the list already drives through `workloadRef`."""
    found = set()
    rollouts = inventory.of_kind(ROLLOUT.group, ROLLOUT.kind)
    parse_all(rollouts)
    for rollout in rollouts:
        ref = rollout.get("spec", "workloadRef")
        if isinstance(ref, dict) and ref.get("kind") == "Deployment":
            found.add((rollout.namespace, str(ref.get("name"))))
    return found


def plan_targets(spec: ArgoRolloutsSpec, inventory: Inventory, selected: Iterable[Target]) -> Iterator[ArgoTarget]:
    """Each selected Deployment's target, as it is asked for (the Deployment read whole only then)."""
    # In workloadRef mode a Deployment already driven by a Rollout is done: a second run is a no-op.
    done = driven_by_workload_ref(inventory) if spec.migration == "workloadRef" else set()
    for chosen in selected:
        deployment = chosen.deployment
        if (deployment.namespace, deployment.name) in done:
            continue
        election: Election | None = None
        at: tuple[Scale, ...] = ()
        if spec.strategy == "blueGreen":
            planned = plan_blue_green(spec.blueGreen, deployment, inventory)
        else:
            election, at = detect(deployment, inventory, spec.leaderElected), tuple(scales(deployment, inventory))
            planned = plan_canary(spec, deployment, inventory, election, at[0].replicas)
        # workloadRef: the Deployment keeps its template, and the Rollout has none of its own.
        if spec.migration == "convert":
            template = accept(deployment.get("spec", "template"))
            rollout = to_rollout(deployment.obj, planned.strategy, template.template, spec.progressDeadlineAbort)
        else:
            template = Accepted(None)
            rollout = workload_ref_rollout(deployment.obj, planned.strategy, spec.scaleDown, spec.progressDeadlineAbort)
        rollout, nulls = without_refused_nulls(rollout, inventory)
        yield ArgoTarget(
            chosen.index, deployment, planned.strategy, planned.services, planned.generated, template, rollout, nulls, False, election, at
        )
