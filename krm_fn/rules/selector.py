"""selector: the Rollout needs a non-empty selector that matches its pod template.

The controller marks a Rollout with no selector, an empty one, or one its own pod
template's labels do not satisfy as InvalidSpec, after the apply; a template with no
containers is rejected the same way. The selector is immutable from v1.9 on, so it is
carried over exactly as the Deployment had it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import labelselector
from ..results import Result, error
from . import Context

ID = "selector"


def check(ctx: Context) -> Iterator[Result]:
    for target in ctx.targets:
        spec = target.deployment.get("spec")
        if not isinstance(spec, dict):
            yield error("the Deployment has no spec", target.deployment, "spec", ID)
            continue
        selector = spec.get("selector")
        if labelselector.is_empty(selector):
            yield error("a Rollout needs a non-empty selector (matchLabels or matchExpressions)", target.deployment, "spec.selector", ID)
            continue
        template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
        pod_spec = template.get("spec") if isinstance(template.get("spec"), dict) else {}
        if not pod_spec.get("containers"):
            yield error("the pod template has no containers", target.deployment, "spec.template.spec.containers", ID)
            continue
        template_labels = (template.get("metadata") or {}).get("labels") or {}
        if not labelselector.matches(selector, template_labels):
            yield error(
                "spec.selector does not match the pod template's labels; the controller would reject the Rollout",
                target.deployment,
                "spec.template.metadata.labels",
                ID,
            )
