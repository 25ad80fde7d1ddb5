"""selector: the Rollout needs a non-empty selector that matches its pod template.

The controller marks a Rollout with no selector, an empty one, or one its own pod
template's labels do not satisfy as InvalidSpec, after the apply; a template with no
containers is rejected the same way. The selector is immutable from v1.9 on, so it is
carried over exactly as the Deployment had it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import labelselector
from ..fields import get_list, get_map, pod_labels
from ..results import Result, error
from . import Context

ID = "selector"


def check(ctx: Context) -> Iterator[Result]:
    for target in ctx.targets:
        selector = get_map(target.deployment, "spec", "selector")
        if labelselector.is_empty(selector):
            yield error("a Rollout needs a non-empty selector (matchLabels or matchExpressions)", target.deployment, "spec.selector", ID)
            continue
        if not get_list(target.deployment, "spec", "template", "spec", "containers"):
            yield error("the pod template has no containers", target.deployment, "spec.template.spec.containers", ID)
            continue
        if not labelselector.matches(selector, pod_labels(target.deployment)):
            yield error(
                "spec.selector does not match the pod template's labels; the controller would reject the Rollout",
                target.deployment,
                "spec.template.metadata.labels",
                ID,
            )
