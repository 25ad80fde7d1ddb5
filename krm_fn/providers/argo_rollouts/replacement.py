"""What stands for a converted Deployment where other objects referred to it, in Argo Rollouts' words."""

from __future__ import annotations

from ...inventory import Inventory
from ...provider_api import Replacement
from .api import ROLLOUT
from .plan import driven_by_workload_ref

_PLUGIN = "kubectl argo rollouts"
COMMANDS = {
    "rollout restart": f"{_PLUGIN} restart {{name}}{{namespace}}",
    "rollout status": f"{_PLUGIN} status {{name}}{{namespace}}",
    "rollout undo": f"{_PLUGIN} undo {{name}}{{namespace}}",
    "rollout pause": f"{_PLUGIN} pause {{name}}{{namespace}}",
    "rollout resume": f"{_PLUGIN} promote {{name}}{{namespace}}",
    "rollout history": f"{_PLUGIN} get rollout {{name}}{{namespace}} (it lists the revisions)",
    "set image": f"{_PLUGIN} set image {{name}}{{namespace}} CONTAINER=IMAGE",
    # kubectl itself reads a Rollout by name, and scales it through its scale subresource.
    "scale": "kubectl scale rollout/{name}{namespace} --replicas=N",
    "patch": "kubectl patch rollout/{name}{namespace} --type merge (a custom resource takes no strategic merge patch)",
    "logs": "",
    "exec": "",
    "port-forward": "",
    "attach": "",
    "*": "the same command on rollout/{name}",
}
"""The commands with no equivalent (logs, exec, port-forward, attach) pick a pod of the Deployment:
kubectl resolves `rollout/NAME` to no pod, so select the pods by label instead."""

# kube-state-metrics' Deployment metrics -> the Argo Rollouts controller's own.
METRICS = {
    "kube_deployment_spec_replicas": "rollout_info_replicas_desired",
    "kube_deployment_status_replicas": "rollout_info_replicas_available + rollout_info_replicas_unavailable",
    "kube_deployment_status_replicas_available": "rollout_info_replicas_available",
    "kube_deployment_status_replicas_unavailable": "rollout_info_replicas_unavailable",
    "kube_deployment_status_replicas_updated": "rollout_info_replicas_updated",
    "kube_deployment_status_condition": "rollout_info (its phase label: Progressing, Paused, Timeout, Error, Abort, ...)",
    "kube_deployment_spec_paused": "rollout_info (phase Paused, which a canary's pause step sets too)",
}


def earlier(inventory: Inventory) -> set[tuple[str, str]]:
    """A Rollout with no Deployment of its name replaced one (converted in place by an earlier run); a
    Rollout with a workloadRef drives the Deployment it names, which it scaled down."""
    in_place = {
        (rollout.namespace, rollout.name)
        for rollout in inventory.of_kind(ROLLOUT.group, ROLLOUT.kind)
        if rollout.get_map("spec", "workloadRef").get("kind") != "Deployment"
        and not inventory.has("apps", "Deployment", rollout.namespace, rollout.name)
    }
    return in_place | driven_by_workload_ref(inventory)


REPLACEMENT = Replacement(
    workload=ROLLOUT,
    resource="rollouts",
    commands=COMMANDS,
    metrics=METRICS,
    metric_labels='name="{name}"{namespace}',
    reloader="Reloader leaves Rollouts alone unless it runs with --is-Argo-Rollouts=true (Helm value"
    " reloader.isArgoRollouts: true; its chart grants it rollouts only where helm sees the argoproj.io/v1alpha1 API)",
    proportional_autoscaler="the cluster-proportional-autoscaler takes only deployment/, replicationcontroller/ and"
    " replicaset/ targets (rollout/NAME stops it at start-up): scale the Rollout with an HPA instead, or keep this"
    " Deployment out of the selection",
    earlier=earlier,
)
