"""selector: the Rollout needs a non-empty selector that matches its pod template.

The controller marks a Rollout with no selector, an empty one, or one its own pod
template's labels do not satisfy as InvalidSpec, after the apply; a template with no
containers is rejected the same way. The selector is immutable from v1.9 on, so it is
carried over exactly as the Deployment had it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....labelselector import LabelSelector
from ....provider_api import Traits
from ....results import Result, error
from ..plan import ArgoContext

ID = "selector"
TRAITS = Traits(existing=True, needs_template=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        deployment = target.deployment
        selector = LabelSelector.from_label_selector(deployment.get("spec", "selector"))
        if selector.is_empty:
            yield error("a Rollout needs a non-empty selector (matchLabels or matchExpressions)", deployment, "spec.selector", ID)
        elif not deployment.get_list("spec", "template", "spec", "containers"):
            yield error("the pod template has no containers", deployment, "spec.template.spec.containers", ID)
        elif not selector.matches(deployment.pod_labels):
            yield error(
                "spec.selector does not match the pod template's labels; the controller would reject the Rollout",
                deployment,
                "spec.template.metadata.labels",
                ID,
            )
