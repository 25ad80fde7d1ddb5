"""Point autoscalers at the Rollout that replaced (or now drives) their Deployment.

An HPA, VPA or KEDA ScaledObject left targeting a Deployment that is gone stops scaling
anything, silently. Only a target in the autoscaler's own namespace is the same workload.
"""

from __future__ import annotations

from typing import Any

from .convert import ROLLOUT_API_VERSION
from .fields import get_map
from .results import Result, info, warning
from .select import is_deployment, name_of, namespace_of

# (API group, kind) -> the spec field that names the target.
AUTOSCALERS = {
    ("autoscaling", "HorizontalPodAutoscaler"): "scaleTargetRef",
    ("autoscaling.k8s.io", "VerticalPodAutoscaler"): "targetRef",
    ("keda.sh", "ScaledObject"): "scaleTargetRef",
}
# KEDA defaults an unset target kind to an apps/v1 Deployment.
_IMPLIED_KIND = {"ScaledObject": ("apps/v1", "Deployment")}


def target_field(item: dict[str, Any]) -> str | None:
    group = str(item.get("apiVersion", "")).rpartition("/")[0]
    return AUTOSCALERS.get((group, str(item.get("kind"))))


def retarget(items: list[dict[str, Any]], converted: set[tuple[str, str]]) -> tuple[list[dict[str, Any]], list[Result]]:
    """Items with every autoscaler of a converted Deployment retargeted, and a result for each."""
    deployments = {(namespace_of(i), name_of(i)) for i in items if is_deployment(i)}
    output, results = [], []
    for item in items:
        field = target_field(item)
        ref = get_map(item, "spec").get(field) if field else None
        if field is None or not isinstance(ref, dict):
            if field is not None:
                results.append(warning(f"has no spec.{field} to retarget", item, f"spec.{field}", "retarget"))
            output.append(item)
            continue
        api_version, kind = _IMPLIED_KIND.get(str(item.get("kind")), (None, None))
        kind = ref.get("kind", kind)
        if kind != "Deployment":
            output.append(item)
            continue
        key = (namespace_of(item), str(ref.get("name", "")))
        if key in converted:
            new_ref = dict(ref)
            new_ref["apiVersion"], new_ref["kind"] = ROLLOUT_API_VERSION, "Rollout"
            output.append({**item, "spec": {**item["spec"], field: new_ref}})
            results.append(info(f"spec.{field} now targets Rollout {key[1]}", item, f"spec.{field}", "retarget"))
            continue
        output.append(item)
        if key not in deployments:
            where = f" in namespace {key[0]}" if key[0] else ""
            results.append(
                warning(
                    f"targets Deployment {key[1]}{where}, which is not in the list; if that Deployment becomes a "
                    "Rollout elsewhere, point this at the Rollout by hand",
                    item,
                    f"spec.{field}",
                    "retarget",
                )
            )
    return output, results
