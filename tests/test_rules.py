"""One test per render-time rule: the golden case that trips it, and the field it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_fn
from krm_fn.rules import RULE_MODULES

GOLDEN = Path(__file__).parent / "golden"

# rule ID -> (golden case, severity, resource kind/name, field path)
TRIPPED_BY = {
    "shape": (None, "error", "Deployment/web", "spec"),
    "selection": ("selector-matches-nothing", "warning", None, "spec.selector"),
    "rollout-crd": ("crd-not-serving-v1alpha1", "error", "CustomResourceDefinition/rollouts.argoproj.io", "spec.versions"),
    "name-conflict": ("name-conflict", "error", "Deployment/agents", "metadata.name"),
    "recreate-strategy": ("recreate-error", "error", "Deployment/agents", "spec.strategy.type"),
    "selector": ("selector-does-not-match-template", "error", "Deployment/agents", "spec.template.metadata.labels"),
    "progress-deadline": ("progress-deadline", "error", "Deployment/agents", "spec.progressDeadlineSeconds"),
    "surge": ("deployment-both-zero", "error", "Deployment/agents", "spec.strategy.rollingUpdate.maxSurge"),
    "traffic-services": ("traffic-router-needs-services", "error", "Deployment/agents", "spec.strategy.canary.stableService"),
    "analysis-templates": ("named-services-and-templates-missing", "warning", "Deployment/agents", "spec.strategy.canary.analysis.templates[1]"),
    "dropped-fields": ("unknown-spec-field", "warning", "Deployment/agents", "spec.surpriseField"),
    "service-selection": (None, "warning", "Service/agents", "spec.selector"),
}


def test_every_rule_has_a_case() -> None:
    assert sorted(m.ID for m in RULE_MODULES) == sorted(TRIPPED_BY)
    for module in RULE_MODULES:
        assert module.__doc__ and module.__doc__.startswith(f"{module.ID}: "), module.__name__


@pytest.mark.parametrize("rule", sorted(k for k, v in TRIPPED_BY.items() if v[0]))
def test_rule_reports_its_field(rule: str) -> None:
    case, severity, resource, field = TRIPPED_BY[rule]
    run = run_fn((GOLDEN / case / "input.yaml").read_bytes())
    mine = [r for r in run.results if (r.get("tags") or {}).get("rule") == rule]
    assert mine, run.results
    first = mine[0]
    assert first["severity"] == severity
    assert first["field"]["path"] == field
    if resource:
        assert f"{first['resourceRef']['kind']}/{first['resourceRef']['name']}" == resource
    assert run.exit_code == (1 if severity == "error" else 0)


def test_shape_rule_names_the_field_of_the_wrong_type() -> None:
    source = (GOLDEN / "convert-all" / "input.yaml").read_text().replace(
        "      matchLabels:\n        app.kubernetes.io/name: agents\n        app.kubernetes.io/component: agents\n",
        "      matchLabels: [agents]\n",
    )
    run = run_fn(source)
    assert run.exit_code == 1
    mine = [(r["severity"], r["field"]["path"], r["message"]) for r in run.results if r["tags"]["rule"] == "shape"]
    assert mine == [("error", "spec.selector.matchLabels", "must be a mapping, not a list")]


def test_service_selection_rule_warns_when_a_service_loses_its_pods() -> None:
    """The conversion itself never does this (labels are kept); the check guards the output."""
    from krm_fn.rules import After, Target, services

    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "agents", "namespace": "agents"},
                  "spec": {"template": {"metadata": {"labels": {"app": "agents"}}}}}
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "agents", "namespace": "agents"},
               "spec": {"selector": {"app": "agents"}}}
    relabelled = {**deployment, "kind": "Rollout", "spec": {"template": {"metadata": {"labels": {"app": "other"}}}}}
    target = Target(0, deployment, {}, [service], [])
    found = list(services.check(After([deployment, service], [relabelled, service], [target])))
    assert [(r.severity, r.field, r.message) for r in found] == [
        ("warning", "spec.selector", "Service agents selected the converted workload's pods and now selects none")
    ]
