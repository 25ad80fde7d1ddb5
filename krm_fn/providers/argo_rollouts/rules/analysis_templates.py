"""analysis-templates: every AnalysisTemplate a Rollout names should be in the list.

The controller marks a Rollout whose template is missing InvalidSpec. It may come from
another application (or be a ClusterAnalysisTemplate installed cluster-wide), so a
missing one is a warning naming it, not an error. An analysis whose `templates` is not a
list is an error: the API server would reject the Rollout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....provider_api import Traits
from ....results import Result, error, warning
from ..plan import ArgoContext, ArgoTarget

ID = "analysis-templates"
TRAITS = Traits(existing=True)


def _analyses(target: ArgoTarget) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every analysis block: canary background and step analyses, blueGreen pre/post promotion."""
    for kind, block in (("canary", target.canary), ("blueGreen", target.blue_green)):
        for key in ("analysis", "prePromotionAnalysis", "postPromotionAnalysis"):
            analysis = (block or {}).get(key)
            if isinstance(analysis, dict):
                yield f"spec.strategy.{kind}.{key}", analysis
    steps = (target.canary or {}).get("steps")
    for s, step in enumerate(steps if isinstance(steps, list) else []):
        analysis = step.get("analysis") if isinstance(step, dict) else None
        if isinstance(analysis, dict):
            yield f"spec.strategy.canary.steps[{s}].analysis", analysis


def _template_refs(target: ArgoTarget) -> Iterator[tuple[str, Any]]:
    """Every analysis template reference, or (for a `templates` that is not a list) that field and None."""
    for field, analysis in _analyses(target):
        templates = analysis.get("templates")
        if isinstance(templates, list):
            yield from ((f"{field}.templates[{i}]", ref) for i, ref in enumerate(templates))
        elif templates is not None:
            yield f"{field}.templates", None


def check(ctx: ArgoContext) -> Iterator[Result]:
    cluster_wide = ctx.inventory.names("argoproj.io", "ClusterAnalysisTemplate")  # kustomize may give them a namespace
    for target in ctx.targets:
        namespace = target.deployment.namespace
        for field, ref in _template_refs(target):
            if ref is None:
                yield error(
                    "must be a list of {templateName} mappings; the API server would reject the Rollout", target.deployment, field, ID
                )
                continue
            if not isinstance(ref, dict) or not ref.get("templateName"):
                continue
            name = str(ref["templateName"])
            if ref.get("clusterScope") is True:
                if name not in cluster_wide:
                    yield warning(
                        f"ClusterAnalysisTemplate {name} is not in the list (fine if installed cluster-wide)", target.deployment, field, ID
                    )
            elif not ctx.inventory.has("argoproj.io", "AnalysisTemplate", namespace, name):
                yield warning(
                    f"AnalysisTemplate {name} is not in the list (fine if another application creates it)", target.deployment, field, ID
                )
