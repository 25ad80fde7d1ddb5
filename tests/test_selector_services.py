"""The Services whose selector the Rollouts controller writes get Argo CD's `ServerSideApply=false`
sync option (krm_fn/providers/argo_rollouts/selector_services.py); tests/cluster shows why, with Argo
CD's own sync code."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import run_fn

OPTIONS = "argocd.argoproj.io/sync-options"


def resource_list(config: str, annotations: str = "") -> str:
    return f"""\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata: {{name: canary}}
  spec: {{enabled: true, requireCRD: false, {config}}}
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web{annotations}
  spec:
    selector: {{app: web}}
    ports: [{{port: 80, targetPort: 8080}}]
- apiVersion: v1
  kind: Service
  metadata:
    name: other
  spec:
    selector: {{app: web, tier: none}}
    ports: [{{port: 80, targetPort: 8080}}]
- apiVersion: apps/v1
  kind: Deployment
  metadata: {{name: web}}
  spec:
    replicas: 2
    selector: {{matchLabels: {{app: web}}}}
    template:
      metadata: {{labels: {{app: web}}}}
      spec:
        containers:
        - name: web
          image: registry.example/web:1.0
          readinessProbe: {{httpGet: {{path: /ready, port: 8080}}}}
"""


def options(run_items: list[dict[str, Any]]) -> dict[str, object]:
    """Each Service's sync options (None: no annotation)."""
    services = [item["metadata"] for item in run_items if item["kind"] == "Service"]
    return {metadata["name"]: (metadata.get("annotations") or {}).get(OPTIONS) for metadata in services}


BLUE_GREEN = "strategy: blueGreen, blueGreen: {previewService: generate}"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (BLUE_GREEN, {"web": "ServerSideApply=false", "other": None, "web-preview": "ServerSideApply=false"}),
        # no stableService: the controller writes the canary Service's selector alone
        ("canary: {canaryService: generate}", {"web": None, "other": None, "web-canary": "ServerSideApply=false"}),
        ("canarySteps: [{setWeight: 50}, {pause: {}}]", {"web": None, "other": None}),  # no Service named: nothing written
    ],
    ids=["blue-green", "canary-services", "plain-canary"],
)
def test_the_services_the_controller_writes_are_kept_out_of_server_side_apply(config: str, expected: dict[str, object]) -> None:
    run = run_fn(resource_list(config))
    assert run.exit_code == 0, run.stderr
    assert options(run.items) == expected
    said = [r for r in run.results if r.get("tags", {}).get("rule") == "selector-services"]
    assert sorted(r["resourceRef"]["name"] for r in said) == sorted(name for name, value in expected.items() if value)
    assert all(r["severity"] == "info" for r in said)


def test_the_options_a_service_has_are_kept() -> None:
    annotations = f"\n    annotations:\n      {OPTIONS}: Prune=false,Replace=false"
    run = run_fn(resource_list(BLUE_GREEN, annotations))
    assert options(run.items)["web"] == "Prune=false,Replace=false,ServerSideApply=false"


@pytest.mark.parametrize("asked", ["ServerSideApply=false", "Prune=false, ServerSideApply=false"])
def test_a_service_already_kept_out_is_left_as_it_is(asked: str) -> None:
    run = run_fn(resource_list(BLUE_GREEN, f"\n    annotations:\n      {OPTIONS}: {asked}"))
    assert options(run.items) == {"web": asked, "other": None, "web-preview": asked}  # the preview is its clone
    assert not [r for r in run.results if r.get("tags", {}).get("rule") == "selector-services"]


def test_a_service_that_asks_for_server_side_apply_is_left_with_a_warning() -> None:
    run = run_fn(resource_list(BLUE_GREEN, f"\n    annotations:\n      {OPTIONS}: ServerSideApply=true"))
    assert run.exit_code == 0
    assert options(run.items) == {"web": "ServerSideApply=true", "other": None, "web-preview": "ServerSideApply=true"}
    said = [r for r in run.results if r.get("tags", {}).get("rule") == "selector-services"]
    assert sorted((r["severity"], r["resourceRef"]["name"]) for r in said) == [("warning", "web"), ("warning", "web-preview")]
    assert all("promoted" in r["message"] and "ServerSideApply=false" in r["message"] for r in said)
