"""service-selection: no Service may stop selecting pods because of the conversion.

The Rollout keeps the Deployment's pod template labels, so every Service that selected
its pods still does; this check proves it on the output and warns, naming the Service,
if one that selected pods before selects nothing after.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..fields import get_map, pod_labels
from ..labelselector import TemplateIndex
from ..results import Result, warning
from ..select import name_of, namespace_of
from . import After

ID = "service-selection"


def _index(items: list[dict[str, Any]]) -> TemplateIndex:
    index = TemplateIndex()
    for item in items:
        labels = pod_labels(item)
        if labels:
            index.add(namespace_of(item), labels)
    return index


def check(ctx: After) -> Iterator[Result]:
    if not ctx.targets:
        return
    before, after = _index(ctx.before), _index(ctx.after)
    for service in ctx.after:
        if service.get("kind") == "Service" and service.get("apiVersion") == "v1":
            selector = get_map(service, "spec", "selector")
            namespace = namespace_of(service)
            if before.selects(namespace, selector) and not after.selects(namespace, selector):
                yield warning(
                    f"Service {name_of(service)} selected the converted workload's pods and now selects none",
                    service,
                    "spec.selector",
                    ID,
                )
