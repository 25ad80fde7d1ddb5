"""service-selection: no Service may stop selecting pods because of the conversion.

The Rollout keeps the Deployment's pod template labels, so every Service that selected
its pods still does; this check proves it on the output and warns, naming the Service,
if one that selected pods before selects nothing after.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..labelselector import service_matches
from ..results import Result, warning
from ..select import name_of, namespace_of
from . import After

ID = "service-selection"


def _pod_templates(items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for item in items:
        spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
        template = spec.get("template")
        if item.get("kind") == "CronJob":
            job = (spec.get("jobTemplate") or {}).get("spec") or {}
            template = job.get("template")
        if isinstance(template, dict):
            labels = (template.get("metadata") or {}).get("labels") or {}
            found.append((namespace_of(item), labels))
    return found


def _selects(service: dict[str, Any], templates: list[tuple[str, dict[str, Any]]]) -> bool:
    selector = (service.get("spec") or {}).get("selector") or {}
    return any(ns == namespace_of(service) and service_matches(selector, labels) for ns, labels in templates)


def check(ctx: After) -> Iterator[Result]:
    if not ctx.targets:
        return
    before, after = _pod_templates(ctx.before), _pod_templates(ctx.after)
    for service in ctx.after:
        if service.get("kind") == "Service" and service.get("apiVersion") == "v1":
            if _selects(service, before) and not _selects(service, after):
                yield warning(
                    f"Service {name_of(service)} selected the converted workload's pods and now selects none",
                    service,
                    "spec.selector",
                    ID,
                )
