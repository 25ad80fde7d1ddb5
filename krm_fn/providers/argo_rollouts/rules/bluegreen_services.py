"""bluegreen-services: a blueGreen Rollout needs its active Service, and a preview Service apart from it.

The controller marks a Rollout InvalidSpec when the two are the same (both unset included)
and when a Service it names does not select the Rollout's pods. When `activeService` is not
set, it is the one Service in the list that selects the Deployment's pods: none, or more
than one, is an error naming them and saying how to choose. A named Service not in the list
may come from another application: a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....labelselector import service_selector
from ....provider_api import Traits
from ....results import Result, error
from ..plan import ArgoContext, ArgoTarget
from ..services import GENERATE, named, not_in_list

ID = "bluegreen-services"
TRAITS = Traits(existing=True, needs_template=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        if target.blue_green is not None:
            yield from _check(ctx, target, target.blue_green)


def _check(ctx: ArgoContext, target: ArgoTarget, block: dict[str, object]) -> Iterator[Result]:
    deployment = target.deployment
    active, preview = named(block, "activeService"), named(block, "previewService")
    if not active:
        found = ", ".join(s.name for s in target.services)
        how = "add one, or set blueGreen.activeService" if not found else "set blueGreen.activeService to the one that serves it"
        yield error(
            f"blueGreen needs an active Service: the Services in the list selecting its pods are {found or 'none'} ({how})",
            deployment,
            "spec.strategy.blueGreen.activeService",
            ID,
        )
        return
    if active == preview:
        yield error(
            "activeService and previewService are the same Service; the controller needs two",
            deployment,
            "spec.strategy.blueGreen.previewService",
            ID,
        )
    if (
        ctx.spec.blueGreen.previewService == GENERATE
        and not target.generated
        and not ctx.inventory.has("", "Service", deployment.namespace, str(preview))
    ):
        yield error(
            f"previewService: {GENERATE} clones the active Service, and Service {active} is not in the list",
            deployment,
            "spec.strategy.blueGreen.previewService",
            ID,
        )
        return
    generated = {s.name for s in target.generated}
    for field, name in (("activeService", active), ("previewService", preview)):
        if not name or name in generated:
            continue
        service = ctx.inventory.find("", "Service", deployment.namespace, str(name))
        if service is None:
            yield not_in_list(name, deployment, f"spec.strategy.blueGreen.{field}", ID)
            continue
        selector = service_selector(service.get("spec", "selector"))
        if selector is None or not selector.matches(deployment.pod_labels):
            yield error(
                f"Service {name} does not select its pods; the controller would reject the Rollout",
                deployment,
                f"spec.strategy.blueGreen.{field}",
                ID,
            )
