"""Argo Rollouts: each selected Deployment becomes an `argoproj.io/v1alpha1` Rollout (canary).

The conversion (`convert`), the CRD it needs, its render-time rules (`rules/`) and its
strategy options (`spec`), behind the interface in `krm_fn.providers`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...providers import CRD, Conversion, Kind, Rule
from ...results import info
from . import rules
from .convert import ROLLOUT_API_VERSION, to_rollout, workload_ref_rollout
from .plan import ArgoTarget, plan
from .spec import ArgoRolloutsSpec, validation_context


class ArgoRollouts:
    name = "argo-rollouts"
    spec_model = ArgoRolloutsSpec
    crd = CRD("rollouts.argoproj.io", "v1alpha1", "https://github.com/argoproj/argo-rollouts/raw/v1.9.1/manifests/crds/rollout-crd.yaml")
    workload = Kind(ROLLOUT_API_VERSION, "Rollout")
    rules: ClassVar[list[Rule]] = list(rules.RULES)
    plan = staticmethod(plan)
    validation_context = staticmethod(validation_context)

    @staticmethod
    def convert(spec: ArgoRolloutsSpec, target: ArgoTarget) -> Conversion:
        deployment = target.deployment
        if spec.migration == "workloadRef":
            items = [deployment.obj, workload_ref_rollout(deployment.obj, target.canary, spec.scaleDown)]
            how = f"a Rollout now drives it through workloadRef (scaleDown: {spec.scaleDown})"
        else:
            items = [to_rollout(deployment.obj, target.canary, target.template.template)]
            how = "converted to an Argo Rollout"
        items.extend(service.obj for service in target.generated)
        steps = len(target.canary["steps"])
        summary = (
            f"{how} (canary: {steps} step{'s' if steps != 1 else ''}, "
            f"maxSurge {target.canary['maxSurge']}, maxUnavailable {target.canary['maxUnavailable']})"
        )
        results = [info(summary, deployment, rule="convert")]
        for service in target.generated:
            plain = f"{target.services[0].name}-canary"
            why = "" if service.name == plain else f" ({plain} would pass the 63 characters a Service name may have)"
            results.append(info(f"added canary Service {service.name}{why}", service, rule="canary-service"))
        return Conversion(items, results)


PROVIDER: Any = ArgoRollouts()
