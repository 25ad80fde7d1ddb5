"""analysis-templates: every AnalysisTemplate a canary names should be in the list.

A missing template makes the AnalysisRun fail and the canary abort. It may come from
another application (or be a ClusterAnalysisTemplate installed cluster-wide), so a
missing one is a warning naming it, not an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..results import Result, warning
from ..select import name_of, namespace_of
from . import Context

ID = "analysis-templates"


def _template_refs(canary: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    analysis = canary.get("analysis")
    if isinstance(analysis, dict):
        for i, ref in enumerate(analysis.get("templates") or []):
            yield f"spec.strategy.canary.analysis.templates[{i}]", ref
    for s, step in enumerate(canary.get("steps") or []):
        step_analysis = step.get("analysis") if isinstance(step, dict) else None
        if isinstance(step_analysis, dict):
            for i, ref in enumerate(step_analysis.get("templates") or []):
                yield f"spec.strategy.canary.steps[{s}].analysis.templates[{i}]", ref


def check(ctx: Context) -> Iterator[Result]:
    namespaced = {(namespace_of(i), name_of(i)) for i in ctx.items if i.get("kind") == "AnalysisTemplate"}
    cluster = {name_of(i) for i in ctx.items if i.get("kind") == "ClusterAnalysisTemplate"}
    for target in ctx.targets:
        for field, ref in _template_refs(target.canary):
            if not isinstance(ref, dict) or not ref.get("templateName"):
                continue
            name = str(ref["templateName"])
            if ref.get("clusterScope") is True:
                if name not in cluster:
                    yield warning(f"ClusterAnalysisTemplate {name} is not in the list (fine if installed cluster-wide)", target.deployment, field, ID)
            elif (namespace_of(target.deployment), name) not in namespaced:
                yield warning(f"AnalysisTemplate {name} is not in the list (fine if another application creates it)", target.deployment, field, ID)
