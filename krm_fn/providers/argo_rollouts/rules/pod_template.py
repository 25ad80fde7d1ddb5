"""pod-template: the Rollout's pod template must be one the Rollout CRD accepts, running the same pods.

The API server holds a Rollout to the CRD's structural schema, which a Deployment never
met: duplicate `env` names or ports in a container, or two `hostAliases` for one IP, are
rejected, and template metadata other than labels and annotations (`name`, `namespace`,
`creationTimestamp: null`, as `kubectl create --dry-run` writes it) is pruned, which
`kubectl apply` refuses. Where one small change keeps the pods as the Deployment ran them
(the later of two same-named env entries is the one the container gets), it is made and
reported as a warning naming the field; where none can, it is an error. A Deployment
with such an error that no `selector.names` entry named is left as a Deployment.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error, warning
from ..plan import ArgoContext

ID = "pod-template"
TRAITS = Traits(unconvertible=True, existing=True, needs_template=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        for note in target.template.changes:
            if target.existing:  # passed through as it is: what a conversion would change is refused
                yield error(note.refused, target.deployment, note.field, ID)
            else:
                yield warning(note.message, target.deployment, note.field, ID)
        for note in target.template.problems:
            yield error(note.message, target.deployment, note.field, ID)
