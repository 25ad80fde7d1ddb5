"""traffic-services: the canary and stable Services must exist, differ, and suit the router.

With `canaryService: generate`, exactly one Service in the list must select the
Deployment's pods (it is cloned as `<service>-canary`), and the generated name must not be
the stable Service's. Traffic routers other than ALB with pingPong and Istio with a
DestinationRule need both Services (error). A named Service not in the list may live in
another application: a warning. (A config naming one Service twice fails with the config.)
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error
from ..plan import ArgoContext
from ..services import GENERATE, named, not_in_list

ID = "traffic-services"
TRAITS = Traits(existing=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    options = ctx.spec.canary
    for target in ctx.targets:
        if target.canary is None:
            continue
        deployment = target.deployment
        canary, stable = named(target.canary, "canaryService"), named(target.canary, "stableService")
        if canary == GENERATE:
            found = ", ".join(s.name for s in target.services) or "none"
            yield error(
                f"canaryService: generate needs exactly one Service in the list selecting this Deployment's pods (found: {found})",
                deployment,
                "spec.strategy.canary.canaryService",
                ID,
            )
            continue
        if options.canaryService == GENERATE and canary == stable:
            yield error("canaryService and stableService resolve to the same Service", deployment, "spec.strategy.canary.stableService", ID)
        if options.needs_both_services():
            for field, value in (("canaryService", canary), ("stableService", stable)):
                if not value:
                    yield error(
                        f"the traffic router needs both canaryService and stableService; {field} is not set",
                        deployment,
                        f"spec.strategy.canary.{field}",
                        ID,
                    )
        generated = {s.name for s in target.generated}
        for field, value in (("canaryService", canary), ("stableService", stable)):
            if value and value not in generated and not ctx.inventory.has("", "Service", deployment.namespace, str(value)):
                yield not_in_list(value, deployment, f"spec.strategy.canary.{field}", ID)
