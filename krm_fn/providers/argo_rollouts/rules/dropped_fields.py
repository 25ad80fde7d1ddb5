"""dropped-fields: Deployment spec fields a Rollout has no place for.

Everything a Deployment spec can hold is carried over (`strategy` becomes the canary),
so anything else is unknown to Kubernetes too; say so rather than drop it silently.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, warning
from ..convert import dropped_fields
from ..plan import ArgoContext

ID = "dropped-fields"
TRAITS = Traits()


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        for key in dropped_fields(target.deployment.get_map("spec")):
            yield warning("not a Deployment field a Rollout can carry; it is dropped", target.deployment, f"spec.{key}", ID)
