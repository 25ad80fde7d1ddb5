"""tool-annotations: tools that act on a Deployment through its annotations.

Stakater Reloader (`reloader.stakater.com/auto`, `configmap.reloader.stakater.com/reload`, ...)
restarts a Deployment when its ConfigMaps or Secrets change; it acts on the workload only when it
runs with the option the provider names. A Reloader in the list that has it says nothing; else
the converted workload is warned about. `deployment.kubernetes.io/*` annotations are the
Deployment controller's: nothing keeps them on the workload, and a tool reading them reads stale
values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..inventory import Inventory
from ..resource import Resource
from .model import Finding, Scope
from .scripts import POD_SPECS

ID = "tool-annotations"
RELOADER = (
    "reloader.stakater.com/",
    "configmap.reloader.stakater.com/",
    "secret.reloader.stakater.com/",
    "secretproviderclass.reloader.stakater.com/",
)
RELOADER_ROLLOUTS = "--is-Argo-Rollouts=true"
DEPLOYMENT_CONTROLLER = "deployment.kubernetes.io/"
_MARKER = re.compile("reloader\\.stakater\\.com/|deployment\\.kubernetes\\.io/")


def reads(resource: Resource, scope: Scope) -> bool:
    workload = scope.replacement.workload
    same_kind = (resource.group, resource.kind) == (workload.group, workload.kind)
    return same_kind and scope.is_gone(resource.namespace, resource.name) and scope.may_name(resource, _MARKER)


def find(resource: Resource, scope: Scope) -> Iterator[Finding]:
    if not resource.has("spec", "template"):
        return  # it drives the Deployment (workloadRef), which Reloader still restarts
    annotations = resource.annotations
    covered = ((resource.namespace, resource.name),)
    reloader = [key for key in annotations if str(key).startswith(RELOADER)]
    if reloader and not scope.inventory.derived("reloader-rollouts", _reloader_acts_on_rollouts):
        loc = ("metadata", "annotations", str(reloader[0]))
        yield Finding(resource, loc, str(reloader[0]), covered, scope.replacement.reloader)
    for key in annotations:
        if str(key).startswith(DEPLOYMENT_CONTROLLER):
            advice = f"the Deployment controller kept it; on a {scope.replacement.workload.kind} it goes stale: remove it"
            yield Finding(resource, ("metadata", "annotations", str(key)), str(key), covered, advice)


def _reloader_acts_on_rollouts(inventory: Inventory) -> bool:
    """Whether a container in the list runs with Reloader's option for Argo Rollouts."""
    for resource in inventory.resources:
        text = resource.document.source
        if resource.kind not in POD_SPECS or (text is not None and RELOADER_ROLLOUTS not in text):
            continue
        for container in resource.get_list(*POD_SPECS[resource.kind], "containers"):
            if isinstance(container, dict) and RELOADER_ROLLOUTS in (container.get("args") or []):
                return True
    return False
