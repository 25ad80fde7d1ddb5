"""name-conflict: a Rollout of the same name and namespace is already in the list.

Converting would leave two Rollouts with one name: the later apply wins and the other
is lost. The existing Rollout is left alone; the Deployment is not converted.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error
from ..api import ROLLOUT
from ..plan import ArgoContext

ID = "name-conflict"
TRAITS = Traits()


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        deployment = target.deployment
        if ctx.inventory.has(ROLLOUT.group, ROLLOUT.kind, deployment.namespace, deployment.name):
            where = f" in namespace {deployment.namespace}" if deployment.namespace else ""
            yield error(
                f"a Rollout named {deployment.name}{where} is already in the list; converting this Deployment "
                "would make a second one (rename one, or exclude the Deployment)",
                deployment,
                "metadata.name",
                ID,
            )
