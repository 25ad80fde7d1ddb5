"""The canary overlay (the example chart converted, as scripts/render-canary.sh renders it with the
real kustomize and helm) on a real control plane (tests/controlplane.py), applied server-side as
rendered: every Rollout becomes Healthy, each Service lists its Rollout's Ready pods, and the
PodDisruptionBudget and the HorizontalPodAutoscaler find the Rollout's pods and replicas (their
controllers reach a Rollout through its scale subresource)."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import REPO
from controlplane import Cluster, cluster_fixture, namespace_fixture  # noqa: F401 (fixtures: cluster, namespace)
from live import SHOW, Object, endpoints, owners, wait_healthy
from tools import kustomize, run

pytestmark = pytest.mark.tools

OVERLAY = "kustomize/overlays/canary"


def overlay_in(namespace: str) -> list[Object]:
    """The overlay's objects, moved to the test's namespace (they name `agents`)."""
    built = run([kustomize(), "build", "--enable-alpha-plugins", "--enable-exec", "--enable-helm", OVERLAY], cwd=REPO)
    assert built.returncode == 0, built.stderr
    items: list[Object] = [item for item in yaml.safe_load_all(built.stdout) if item]
    for item in items:
        if item["metadata"].get("namespace"):
            item["metadata"]["namespace"] = namespace
        for subject in item.get("subjects") or []:
            if subject.get("namespace"):
                subject["namespace"] = namespace
    return items


def selected_pods(cluster: Cluster, ns: str, selector: dict[str, str]) -> dict[str, Object]:
    labels = ",".join(f"{key}={value}" for key, value in selector.items())
    return {pod["metadata"]["name"]: pod for pod in cluster.get("pods", "-n", ns, "-l", labels)["items"]}


def condition(live: Object, kind: str) -> Object:
    return next((c for c in live.get("status", {}).get("conditions") or [] if c["type"] == kind), {})


def test_the_canary_overlay_as_rendered_is_healthy_and_served(cluster: Cluster, namespace: str) -> None:
    items = overlay_in(namespace)
    of_kind = {kind: [item for item in items if item["kind"] == kind] for kind in {item["kind"] for item in items}}
    assert {item["kind"] for item in items} >= {"Rollout", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"}
    assert "Deployment" not in of_kind
    cluster.apply(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}), namespace)

    rollouts = {item["metadata"]["name"]: item for item in of_kind["Rollout"]}
    for name, item in rollouts.items():
        wait_healthy(cluster, namespace, item["spec"]["replicas"], name)

    # Each Service lists exactly the Ready pods it selects, and they are a Rollout's.
    of = owners(cluster, namespace)
    for service in of_kind["Service"]:
        name = service["metadata"]["name"]
        pods = selected_pods(cluster, namespace, service["spec"]["selector"])
        owned = {of[pod["metadata"]["ownerReferences"][0]["name"]] for pod in pods.values()}
        assert pods and owned == {"Rollout"}, (name, owned)

        def served(name: str = name, listed: frozenset[str] = frozenset(pods)) -> bool:
            return endpoints(cluster, namespace, name) == listed

        cluster.wait_for(f"Service {name}'s endpoints", served, *SHOW)

    # The PodDisruptionBudget counts the Rollout's pods, whose number it reads from the Rollout's scale.
    for budget in of_kind["PodDisruptionBudget"]:
        name = budget["metadata"]["name"]
        expected = len(selected_pods(cluster, namespace, budget["spec"]["selector"]["matchLabels"]))
        allowed = expected - int(budget["spec"]["minAvailable"])
        assert expected > 0, f"PodDisruptionBudget {name} selects no pod"

        def counted(name: str = name, expected: int = expected, allowed: int = allowed) -> bool:
            status = cluster.get("poddisruptionbudget", name, "-n", namespace).get("status", {})
            counts = (status.get("expectedPods"), status.get("currentHealthy"), status.get("disruptionsAllowed"))
            return counts == (expected, expected, allowed)

        cluster.wait_for(f"PodDisruptionBudget {name} to count {expected} pods", counted, "poddisruptionbudgets", namespace=namespace)

    # The autoscaler reaches its target's scale (no metrics here, so it scales nothing).
    for autoscaler in of_kind["HorizontalPodAutoscaler"]:
        name, target = autoscaler["metadata"]["name"], autoscaler["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) in {("Rollout", rollout) for rollout in rollouts}

        def scales(name: str = name) -> bool:
            able = condition(cluster.get("horizontalpodautoscaler", name, "-n", namespace), "AbleToScale")
            return able.get("status") == "True" and able.get("reason") == "SucceededGetScale"

        what = f"HorizontalPodAutoscaler {name} to read its target's scale"
        cluster.wait_for(what, scales, "horizontalpodautoscalers", namespace=namespace)
