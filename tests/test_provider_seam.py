"""The seam carries a second provider: tests/flagger_like keeps each Deployment and adds a Canary beside
it, and is registered by an entry in the registry, with no other change to the package."""

from __future__ import annotations

import pytest

from krm_fn import registry

from conftest import run_fn

CONFIG = """\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata:
    name: canary
  spec:
    enabled: true
    provider: flagger-like
    maxWeight: {max_weight}
    stepWeight: 20
"""
ITEMS = """\
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web  # the web tier
    namespace: shop
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: registry.example.com/web:1.0.0
- apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata:
    name: web
    namespace: shop
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    minReplicas: 2
    maxReplicas: 6
"""
CANARY = """\
- apiVersion: flagger.app/v1beta1
  kind: Canary
  metadata:
    name: web
    namespace: shop
  spec:
    targetRef:
      apiVersion: apps/v1
      kind: Deployment
      name: web
    analysis:
      interval: 1m
      threshold: 5
      maxWeight: 40
      stepWeight: 20
"""


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.PROVIDERS, "flagger-like", "flagger_like")


def test_the_deployment_stays_and_a_canary_joins_it() -> None:
    source = CONFIG.format(max_weight=40) + ITEMS
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    deployment, hpa = ITEMS.removeprefix("items:\n").split("- apiVersion: autoscaling/v2")
    assert run.stdout.startswith(CONFIG.format(max_weight=40) + "items:\n" + deployment + CANARY + "- apiVersion: autoscaling/v2" + hpa)
    assert [(r["severity"], r["message"]) for r in run.results] == [("info", "a Canary now drives it (up to 40%)")]


def test_a_second_run_finds_the_canary_and_changes_nothing() -> None:
    first = run_fn(CONFIG.format(max_weight=40) + ITEMS)
    second = run_fn(first.stdout)
    assert second.exit_code == 0, second.stderr
    assert second.items == first.items
    assert second.results[-1]["message"] == "nothing left to convert: already Canarys: web"


def test_its_rules_and_spec_model_are_the_config_s() -> None:
    run = run_fn(CONFIG.format(max_weight=10) + ITEMS)
    assert run.exit_code == 1
    assert [(r["message"], r.get("field", {}).get("path")) for r in run.results] == [
        ("stepWeight 20 is over maxWeight 10", "spec.stepWeight")
    ]
    assert run.stdout.startswith(CONFIG.format(max_weight=10) + ITEMS), "an error run gives the list back as it came"
    wrong = run_fn(CONFIG.format(max_weight=40).replace("stepWeight: 20", "stepWeight: 200") + ITEMS)
    assert [r["message"] for r in wrong.results] == ["Input should be less than or equal to 100"]
