"""readiness: the main container needs a readinessProbe for a canary to judge anything.

A pod without a readinessProbe is Ready as soon as its containers start. A step waits for the
canary pods to be Ready, and a pause or an analysis watches them: without a probe the canary
passes the moment it starts, whether it serves or not. The main container is the one the
template's `kubectl.kubernetes.io/default-container` annotation names, else the first.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, warning
from ..plan import ArgoContext

ID = "readiness"
TRAITS = Traits(existing=True, needs_template=True)
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        deployment = target.deployment
        containers = deployment.get_list("spec", "template", "spec", "containers")
        named = deployment.get_map("spec", "template", "metadata", "annotations").get(DEFAULT_CONTAINER)
        index = next((i for i, c in enumerate(containers) if isinstance(c, dict) and c.get("name") == named), 0)
        main = containers[index] if containers else None
        if isinstance(main, dict) and not isinstance(main.get("readinessProbe"), dict):
            yield warning(
                f"the main container {main.get('name')} has no readinessProbe: its pods are Ready as soon as they start, so the"
                " steps, pauses and analyses judge nothing of whether the new version serves",
                deployment,
                f"spec.template.spec.containers[{index}].readinessProbe",
                ID,
            )
