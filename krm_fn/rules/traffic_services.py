"""traffic-services: the canary and stable Services must exist, differ, and suit the router.

With `canaryService: generate`, exactly one Service in the list must select the
Deployment's pods (it is cloned as `<service>-canary`). Traffic routers other than ALB
with pingPong and Istio with a DestinationRule need both Services (error). A named
Service not in the list may live in another application: a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..config import GENERATE
from ..results import Result, error, warning
from ..select import name_of, namespace_of
from . import Context

ID = "traffic-services"


def check(ctx: Context) -> Iterator[Result]:
    present = {(namespace_of(i), name_of(i)) for i in ctx.items if i.get("kind") == "Service"}
    options = ctx.spec.canary
    for target in ctx.targets:
        canary, stable = target.canary.get("canaryService"), target.canary.get("stableService")
        if canary == GENERATE:
            found = ", ".join(name_of(s) for s in target.services) or "none"
            yield error(
                f"canaryService: generate needs exactly one Service in the list selecting this Deployment's pods (found: {found})",
                target.deployment,
                "spec.strategy.canary.canaryService",
                ID,
            )
            continue
        if canary and canary == stable:
            yield error("canaryService and stableService resolve to the same Service", target.deployment, "spec.strategy.canary.stableService", ID)
        if options.needs_both_services():
            for field, value in (("canaryService", canary), ("stableService", stable)):
                if not value:
                    yield error(
                        f"the traffic router needs both canaryService and stableService; {field} is not set",
                        target.deployment,
                        f"spec.strategy.canary.{field}",
                        ID,
                    )
        generated = {name_of(s) for s in target.generated}
        for field, value in (("canaryService", canary), ("stableService", stable)):
            key = (namespace_of(target.deployment), value)
            if value and value not in generated and key not in present:
                yield warning(
                    f"Service {value} is not in the list; the Rollout stays degraded until it exists (fine if another application creates it)",
                    target.deployment,
                    f"spec.strategy.canary.{field}",
                    ID,
                )
