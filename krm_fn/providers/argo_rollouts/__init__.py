"""Argo Rollouts: each selected Deployment becomes an `argoproj.io/v1alpha1` Rollout (canary).

The conversion (`convert`), the CRD it needs, its render-time rules (`rules/`) and its
strategy options (`spec`), behind the interface in `krm_fn.providers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ...inventory import Inventory
from ...provider_api import Conversion, Provider, Replacement, Rule, Target
from ...resource import Resource
from ...results import Result, info, warning
from . import rules
from .api import ROLLOUT, ROLLOUT_CRD
from .existing import check_existing
from .plan import ArgoTarget, plan_targets
from .replacement import REPLACEMENT
from .selector_services import keep_out_of_server_side_apply
from .services import generated_name
from .spec import ArgoRolloutsSpec, validation_context


class ArgoRollouts:
    name = "argo-rollouts"
    spec_model = ArgoRolloutsSpec
    crd = ROLLOUT_CRD
    workload = ROLLOUT
    rules: Sequence[Rule[ArgoRolloutsSpec, ArgoTarget]] = rules.RULES

    def validation_context(self, raw_spec: object) -> dict[str, object]:
        return validation_context(raw_spec)

    def plan(self, spec: ArgoRolloutsSpec, inventory: Inventory, selected: Iterable[Target]) -> Iterator[ArgoTarget]:
        return plan_targets(spec, inventory, selected)

    def converted(self, inventory: Inventory) -> list[Resource]:
        """Rollouts: a Deployment converted in place is one now, and with workloadRef one drives it."""
        return inventory.of_kind(ROLLOUT.group, ROLLOUT.kind)

    def replacement(self, spec: ArgoRolloutsSpec) -> Replacement:
        """The Rollout, whichever the migration: with workloadRef it owns the pods (and scales the Deployment down)."""
        return REPLACEMENT

    def check_existing(self, spec: ArgoRolloutsSpec, inventory: Inventory) -> list[Result]:
        return check_existing(spec, inventory, self.rules, self)

    def convert(self, spec: ArgoRolloutsSpec, target: ArgoTarget) -> Conversion:
        deployment = target.deployment
        if spec.migration == "workloadRef":
            items: list[Any] = [deployment, target.rollout]
            how = f"a Rollout now drives it through workloadRef (scaleDown: {spec.scaleDown})"
        else:
            items = [target.rollout]
            how = "converted to an Argo Rollout"
        items.extend(target.generated)
        results = [info(f"{how} ({_summary(target)})", deployment, rule="convert")]
        if spec.migration == "workloadRef":
            results.append(warning(WORKLOAD_REF_IS_A_SWITCH, deployment, rule="convert"))
        role = "canary" if target.canary is not None else "preview"
        for service in target.generated:  # each a clone of one of the Services selecting the pods
            plain = next(f"{s.name}-{role}" for s in target.services if generated_name(s.name, role) == service.name)
            why = "" if service.name == plain else f" ({plain} would pass the 63 characters a Service name may have)"
            results.append(info(f"added {role} Service {service.name}{why}", service, rule=f"{role}-service"))
        edits, said = keep_out_of_server_side_apply(target.strategy, [*target.services, *target.generated], deployment.name)
        return Conversion(items, results + said, edits)


def _summary(target: ArgoTarget) -> str:
    if target.canary is not None:
        steps = len(target.canary["steps"])
        plural = "s" if steps != 1 else ""
        return f"canary: {steps} step{plural}, maxSurge {target.canary['maxSurge']}, maxUnavailable {target.canary['maxUnavailable']}"
    blue_green = target.blue_green or {}
    preview = f", preview {blue_green['previewService']}" if "previewService" in blue_green else ""
    promotion = "automatic" if blue_green.get("autoPromotionEnabled") else "manual"
    return f"blueGreen: active {blue_green.get('activeService')}{preview}, {promotion} promotion"


WORKLOAD_REF_IS_A_SWITCH = (
    "workloadRef is a one-time switch: once the Rollout has moved the pods, render with migration: convert before the"
    " Deployment's template changes. Until then every sync applies the Deployment's replicas again, and after the"
    " Rollout's first revision nothing scales them down: a new image would run in the Deployment's pods beside the"
    " canary, outside it (docs/migration.md)"
)

PROVIDER: Provider[ArgoRolloutsSpec, ArgoTarget] = ArgoRollouts()
