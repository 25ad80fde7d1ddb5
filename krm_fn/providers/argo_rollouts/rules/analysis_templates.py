"""analysis-templates: every AnalysisTemplate a Rollout names should be in the list.

The controller marks a Rollout whose template is missing InvalidSpec. It may come from
another application (or be a ClusterAnalysisTemplate installed cluster-wide), so a
missing one is a warning naming it, not an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....providers import Traits
from ....results import Result, warning
from ..plan import ArgoContext

ID = "analysis-templates"
TRAITS = Traits(existing=True)


def _template_refs(strategy: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every analysis template reference: canary background and step analyses, blueGreen pre/post promotion."""
    for kind, block in strategy.items():
        for key in ("analysis", "prePromotionAnalysis", "postPromotionAnalysis"):
            analysis = block.get(key)
            if isinstance(analysis, dict):
                for i, ref in enumerate(analysis.get("templates") or []):
                    yield f"spec.strategy.{kind}.{key}.templates[{i}]", ref
    canary = strategy.get("canary") or {}
    for s, step in enumerate(canary.get("steps") or []):
        step_analysis = step.get("analysis") if isinstance(step, dict) else None
        if isinstance(step_analysis, dict):
            for i, ref in enumerate(step_analysis.get("templates") or []):
                yield f"spec.strategy.canary.steps[{s}].analysis.templates[{i}]", ref


def check(ctx: ArgoContext) -> Iterator[Result]:
    cluster_wide = ctx.inventory.names("argoproj.io", "ClusterAnalysisTemplate")  # kustomize may give them a namespace
    for target in ctx.targets:
        namespace = target.deployment.namespace
        for field, ref in _template_refs(target.strategy):
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
