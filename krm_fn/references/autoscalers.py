"""Point autoscalers at the workload that replaced (or now drives) their Deployment.

An HPA, VPA or KEDA ScaledObject left targeting a Deployment that is gone stops scaling
anything, silently. Only a target in the autoscaler's own namespace is the same workload.
"""

from __future__ import annotations

from ..inventory import Inventory
from ..provider_api import Kind
from ..resource import Resource, parse_all
from ..results import Result, info, warning

RULE = "retarget"
# (API group, kind) -> the spec field that names the target.
AUTOSCALERS = {
    ("autoscaling", "HorizontalPodAutoscaler"): "scaleTargetRef",
    ("autoscaling.k8s.io", "VerticalPodAutoscaler"): "targetRef",
    ("keda.sh", "ScaledObject"): "scaleTargetRef",
}
# KEDA defaults an unset target kind to a Deployment.
_IMPLIED_KIND = {"ScaledObject": "Deployment"}
# (API group, kind) -> the spec fields of the fewest and most replicas it scales to, with their defaults.
REPLICA_BOUNDS = {
    ("autoscaling", "HorizontalPodAutoscaler"): (("minReplicas", 1), ("maxReplicas", None)),
    ("keda.sh", "ScaledObject"): (("minReplicaCount", 0), ("maxReplicaCount", 100)),
}


def target_deployment(autoscaler: Resource, ref: dict[str, object]) -> str | None:
    """The name of the Deployment an autoscaler's target `ref` names (in the autoscaler's namespace), or None."""
    return str(ref.get("name", "")) if ref.get("kind", _IMPLIED_KIND.get(autoscaler.kind)) == "Deployment" else None


def scales_deployment(autoscaler: Resource, namespace: str, name: str) -> bool:
    """Whether the autoscaler targets the Deployment `name` in `namespace`."""
    field = AUTOSCALERS.get((autoscaler.group, autoscaler.kind))
    ref = autoscaler.get("spec", field) if field else None
    return isinstance(ref, dict) and autoscaler.namespace == namespace and target_deployment(autoscaler, ref) == name


def retarget(
    items: list[Resource], converted: set[tuple[str, str]], workload: Kind, inventory: Inventory
) -> tuple[list[Resource], list[Result]]:
    """Items with every autoscaler of a converted Deployment pointed at `workload`, and a result for each.

    `converted` holds the (namespace, name) of each converted Deployment; `inventory` is the
    list before the conversion.
    """
    output: list[Resource] = []
    results: list[Result] = []
    parse_all(item for item in items if (item.group, item.kind) in AUTOSCALERS)
    for resource in items:
        field = AUTOSCALERS.get((resource.group, resource.kind))
        if field is None:
            output.append(resource)
            continue
        ref = resource.get("spec", field)
        if not isinstance(ref, dict):
            results.append(warning(f"has no spec.{field} to retarget", resource, f"spec.{field}", RULE))
            output.append(resource)
            continue
        name = target_deployment(resource, ref)
        if name is None:
            output.append(resource)
            continue
        key = (resource.namespace, name)
        if key in converted:
            new_ref = {**ref, "apiVersion": workload.api_version, "kind": workload.kind}
            output.append(Resource({**resource.obj, "spec": {**resource.obj["spec"], field: new_ref}}, origin=resource))
            results.append(info(f"spec.{field} now targets {workload.kind} {key[1]}", resource, f"spec.{field}", RULE))
            continue
        output.append(resource)
        if not inventory.has("apps", "Deployment", *key):
            where = f" in namespace {key[0]}" if key[0] else ""
            results.append(
                warning(
                    f"targets Deployment {key[1]}{where}, which is not in the list; if that Deployment becomes a "
                    f"{workload.kind} elsewhere, point this at the {workload.kind} by hand",
                    resource,
                    f"spec.{field}",
                    RULE,
                )
            )
    return output, results
