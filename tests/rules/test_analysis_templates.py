"""analysis-templates: the AnalysisTemplates an analysis names are in the list (or said not to be)."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import analysis_templates

from ruletest import Found, deployment, found, rollout


def _template(kind: str = "AnalysisTemplate", name: str = "success-rate", namespace: str | None = "shop") -> dict[str, Any]:
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": metadata, "spec": {"metrics": []}}


BACKGROUND = {"canary": {"analysis": {"templates": [{"templateName": "success-rate"}]}}}
CLUSTER = {"canary": {"analysis": {"templates": [{"templateName": "success-rate", "clusterScope": True}]}}}
FIELD = "spec.strategy.canary.analysis.templates[0]"
CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("no analysis", [deployment()], {}, []),
    ("in the list", [deployment(), _template()], BACKGROUND, []),
    (
        "not in the list",
        [deployment()],
        BACKGROUND,
        [("warning", FIELD, "AnalysisTemplate success-rate is not in the list (fine if another application creates it)")],
    ),
    (
        "in another namespace",
        [deployment(), _template(namespace="ops")],
        BACKGROUND,
        [("warning", FIELD, "AnalysisTemplate success-rate is not in the list (fine if another application creates it)")],
    ),
    ("cluster-wide, in the list", [deployment(), _template("ClusterAnalysisTemplate", namespace=None)], CLUSTER, []),
    (
        "cluster-wide, not in the list",
        [deployment()],
        CLUSTER,
        [("warning", FIELD, "ClusterAnalysisTemplate success-rate is not in the list (fine if installed cluster-wide)")],
    ),
    (
        "in a step",
        [deployment()],
        {"canarySteps": [{"setWeight": 20}, {"analysis": {"templates": [{"templateName": "smoke"}]}}]},
        [
            (
                "warning",
                "spec.strategy.canary.steps[1].analysis.templates[0]",
                "AnalysisTemplate smoke is not in the list (fine if another application creates it)",
            )
        ],
    ),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_analysis_templates(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(analysis_templates, items, spec) == expected


def test_templates_not_a_list_in_a_rollout_already_in_the_list() -> None:
    strategy = {"canary": {"analysis": {"templates": {"templateName": "success-rate"}}, "steps": []}}
    assert found(analysis_templates, [rollout(strategy=strategy)], {"checkExisting": "error"}, existing=True) == [
        (
            "error",
            "spec.strategy.canary.analysis.templates",
            "must be a list of {templateName} mappings; the API server would reject the Rollout",
        )
    ]
