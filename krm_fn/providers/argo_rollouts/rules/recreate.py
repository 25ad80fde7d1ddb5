"""recreate-strategy: a Deployment with `strategy.type: Recreate` cannot become a canary.

Argo Rollouts has no Recreate strategy; converting it would silently change how the
workload is replaced (old and new pods running side by side). Charts ship such
Deployments beside ordinary ones, so one that only a broad selection caught (no
`selector.names`) is left as a Deployment, with a warning; one named in `selector.names`
is an error. Exclude it with `selector.exclude` or the `delivery.krm-fn.dev/skip: "true"`
annotation, or change its strategy.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error
from ..plan import ArgoContext

ID = "recreate-strategy"
TRAITS = Traits(unconvertible=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        if target.deployment.get("spec", "strategy", "type") == "Recreate":
            yield error(
                "strategy Recreate has no Argo Rollouts equivalent (old and new pods would run together); "
                'exclude it (selector.exclude, or the annotation delivery.krm-fn.dev/skip: "true") or use RollingUpdate',
                target.deployment,
                "spec.strategy.type",
                ID,
            )
