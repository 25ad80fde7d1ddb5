"""The function's Rollouts on a real control plane (tests/controlplane.py): applied server-side,
driven by the real Argo Rollouts controller through their steps, and judged by the live objects
(the Rollout's status, its ReplicaSets, its pods, the Service's EndpointSlices), not by logs.

The function's own account of a canary is checked against what the controller does: at the
paused step, the canary and stable ReplicaSets run the pods its `canary-steps` result reported
at render time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import run_fn
from controlplane import Cluster, cluster_fixture, namespace_fixture  # noqa: F401 (fixtures: cluster, namespace)

pytestmark = pytest.mark.tools

NAME = "web"
REPLICAS = 4
HASH = "rollouts-pod-template-hash"


def resource_list(image: str, replicas: int = REPLICAS, config: dict[str, Any] | None = None) -> str:
    """A Deployment of `replicas` (4) and its Service, converted with the default steps (setWeight 25,
    then an indefinite pause) and any other `config` fields. The CRD is the cluster's: the function is
    told not to require it."""
    fields = "".join(f"\n    {key}: {json.dumps(value)}" for key, value in (config or {}).items())  # JSON is YAML
    return f"""\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata:
    name: canary
  spec:
    enabled: true
    requireCRD: false{fields}
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: {NAME}
  spec:
    selector:
      app: {NAME}
    ports:
    - name: http
      port: 80
      targetPort: http
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: {NAME}
  spec:
    replicas: {replicas}
    selector:
      matchLabels:
        app: {NAME}
    template:
      metadata:
        labels:
          app: {NAME}
      spec:
        containers:
        - name: {NAME}
          image: {image}
          ports:
          - name: http
            containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
"""


@dataclass
class Render:
    manifest: str
    """The function's items as a List, for `kubectl apply`."""
    replicas: int
    canary: int
    stable: int
    """The pods the function says the setWeight step runs."""


def render(image: str, replicas: int = REPLICAS, surges: tuple[object, object] | None = None) -> Render:
    config = None if surges is None else {"maxSurge": surges[0], "maxUnavailable": surges[1]}
    run = run_fn(resource_list(image, replicas, config))
    assert run.exit_code == 0, run.stderr
    kinds = sorted(item["kind"] for item in run.items)
    assert kinds == ["Rollout", "Service"], kinds
    steps = [r["message"] for r in run.results if r.get("tags", {}).get("rule") == "canary-steps" and r["severity"] == "info"]
    assert len(steps) == 1, run.results
    found = re.findall(r"setWeight (\d+): (\d+) canary \+ (\d+) stable", steps[0])
    assert len(found) == 1, steps[0]
    _, canary, stable = (int(number) for number in found[0])
    return Render(json.dumps({"apiVersion": "v1", "kind": "List", "items": run.items}), replicas, canary, stable)


def rollout(cluster: Cluster, ns: str) -> dict[str, Any]:
    return cluster.get("rollout", NAME, "-n", ns)


def replica_sets(cluster: Cluster, ns: str) -> dict[str, dict[str, Any]]:
    """The Rollout's ReplicaSets, by pod template hash."""
    items = cluster.get("replicasets", "-n", ns, "-l", f"app={NAME}")["items"]
    return {rs["metadata"]["labels"][HASH]: rs for rs in items}


def ready(rs: dict[str, Any]) -> int:
    return int(rs.get("status", {}).get("readyReplicas") or 0)


def ready_pods(cluster: Cluster, ns: str) -> dict[str, str]:
    """The Rollout's Ready pods that are not being deleted: name -> pod template hash."""
    pods = cluster.get("pods", "-n", ns, "-l", f"app={NAME}")["items"]
    return {
        pod["metadata"]["name"]: pod["metadata"]["labels"][HASH]
        for pod in pods
        if "deletionTimestamp" not in pod["metadata"]
        and any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))
    }


SHOW = ("rollout", "replicasets", "pods", "endpointslices")


def deploy_healthy(cluster: Cluster, ns: str, image: str, replicas: int = REPLICAS, surges: tuple[object, object] | None = None) -> Render:
    """Apply the function's output; wait for the Rollout to be Healthy with all its pods Ready."""
    rendered = render(image, replicas, surges)
    cluster.apply(rendered.manifest, ns)
    wait_healthy(cluster, ns, replicas)
    return rendered


def wait_healthy(cluster: Cluster, ns: str, replicas: int = REPLICAS) -> dict[str, Any]:
    def healthy() -> dict[str, Any] | None:
        live = rollout(cluster, ns)
        status = live.get("status", {})
        done = (
            status.get("phase") == "Healthy"
            and status.get("observedGeneration") == str(live["metadata"]["generation"])
            and status.get("stableRS") == status.get("currentPodHash")
            and status.get("readyReplicas") == replicas
            and status.get("updatedReplicas") == replicas
            and status.get("replicas") == replicas
        )
        return live if done else None

    live: dict[str, Any] = cluster.wait_for("the Rollout to be Healthy", healthy, *SHOW, namespace=ns)
    return live


def wait_paused_step(cluster: Cluster, ns: str, rendered: Render, stable_hash: str) -> str:
    """Wait for the Rollout to stop at its pause with the pods the function reported; the canary's hash."""

    def at_pause() -> str | None:
        status = rollout(cluster, ns).get("status", {})
        canary_hash = status.get("currentPodHash")
        if status.get("phase") != "Paused" or status.get("currentStepIndex") != 1 or canary_hash == stable_hash:
            return None
        sets = replica_sets(cluster, ns)
        pods = ready_pods(cluster, ns)
        counts = (
            ready(sets[canary_hash]),
            ready(sets[stable_hash]),
            list(pods.values()).count(canary_hash),
            list(pods.values()).count(stable_hash),
            len(pods),
        )
        expected = (rendered.canary, rendered.stable, rendered.canary, rendered.stable, rendered.canary + rendered.stable)
        return canary_hash if counts == expected else None

    message = f"the paused step with {rendered.canary} canary + {rendered.stable} stable Ready pods"
    canary_hash: str = cluster.wait_for(message, at_pause, *SHOW, namespace=ns)
    return canary_hash


def test_rollout_becomes_healthy_and_serves_through_its_service(cluster: Cluster, namespace: str) -> None:
    deploy_healthy(cluster, namespace, "registry.example/web:1.0")
    status = cluster.rollouts("status", NAME, "-n", namespace, "--timeout=60s")
    assert "Healthy" in status, status

    def endpoints_match() -> bool:
        pods = ready_pods(cluster, namespace)
        return len(pods) == REPLICAS and endpoints(cluster, namespace, NAME) == set(pods)

    cluster.wait_for("the Service's EndpointSlices to list the Rollout's Ready pods", endpoints_match, *SHOW, namespace=namespace)


def test_new_image_pauses_with_the_rendered_pods_then_promotes(cluster: Cluster, namespace: str) -> None:
    deploy_healthy(cluster, namespace, "registry.example/web:1.0")
    stable_hash = rollout(cluster, namespace)["status"]["stableRS"]

    update = render("registry.example/web:2.0")
    assert (update.canary, update.stable) == (1, 3)  # what the function says at 4 replicas and setWeight 25
    cluster.apply(update.manifest, namespace)
    canary_hash = wait_paused_step(cluster, namespace, update, stable_hash)

    cluster.rollouts("promote", NAME, "-n", namespace)
    live = wait_healthy(cluster, namespace)
    assert live["status"]["stableRS"] == canary_hash

    def old_scaled_down() -> bool:
        sets = replica_sets(cluster, namespace)
        pods = ready_pods(cluster, namespace)
        return (
            ready(sets[canary_hash]) == REPLICAS
            and int(sets[stable_hash]["spec"].get("replicas", 0)) == 0
            and set(pods.values()) == {canary_hash}
            and len(pods) == REPLICAS
        )

    cluster.wait_for("the old ReplicaSet to be scaled down", old_scaled_down, *SHOW, namespace=namespace)
    images = {c["image"] for pod in cluster.get("pods", "-n", namespace, "-l", f"app={NAME}")["items"] for c in pod["spec"]["containers"]}
    assert images == {"registry.example/web:2.0"}


def test_abort_returns_to_stable_and_rolling_back_the_spec_is_healthy(cluster: Cluster, namespace: str) -> None:
    original = deploy_healthy(cluster, namespace, "registry.example/web:1.0")
    stable_hash = rollout(cluster, namespace)["status"]["stableRS"]
    update = render("registry.example/web:2.0")
    cluster.apply(update.manifest, namespace)
    canary_hash = wait_paused_step(cluster, namespace, update, stable_hash)

    cluster.rollouts("abort", NAME, "-n", namespace)

    def aborted() -> bool:
        status = rollout(cluster, namespace).get("status", {})
        sets = replica_sets(cluster, namespace)
        pods = ready_pods(cluster, namespace)
        return (
            status.get("abort") is True
            and status.get("phase") == "Degraded"
            and status.get("stableRS") == stable_hash
            and int(sets[canary_hash]["spec"].get("replicas", 0)) == 0
            and ready(sets[stable_hash]) == REPLICAS
            and set(pods.values()) == {stable_hash}
            and len(pods) == REPLICAS
        )

    cluster.wait_for("the aborted Rollout to be back on its stable pods", aborted, *SHOW, namespace=namespace)

    # Rolling back: the spec is the stable one again (a revert in Git, re-rendered and applied).
    cluster.apply(original.manifest, namespace)
    live = wait_healthy(cluster, namespace)
    assert live["status"]["stableRS"] == stable_hash
    assert not live["status"].get("abort")
    assert set(replica_sets(cluster, namespace)) == {stable_hash, canary_hash}  # no new ReplicaSet
    assert set(ready_pods(cluster, namespace).values()) == {stable_hash}


PLANS = [
    (1, None),  # one replica: the step runs 1 canary beside 1 stable pod (50%), as the function warns
    (2, None),
    (3, (1, 0)),
    (4, (0, 1)),  # no surge: a stable pod goes before the canary pod comes
    (10, ("25%", "25%")),
    (10, ("50%", 0)),
]


@pytest.mark.parametrize(("replicas", "surges"), PLANS, ids=[f"{r}-replicas-{s or 'defaults'}" for r, s in PLANS])
def test_each_plan_holds_at_the_step_with_the_pods_the_function_reported(
    cluster: Cluster, namespace: str, replicas: int, surges: tuple[object, object] | None
) -> None:
    deploy_healthy(cluster, namespace, "registry.example/web:1.0", replicas, surges)
    stable_hash = rollout(cluster, namespace)["status"]["stableRS"]
    update = render("registry.example/web:2.0", replicas, surges)
    cluster.apply(update.manifest, namespace)
    canary_hash = wait_paused_step(cluster, namespace, update, stable_hash)
    cluster.rollouts("promote", NAME, "-n", namespace)
    assert wait_healthy(cluster, namespace, replicas)["status"]["stableRS"] == canary_hash


def render_blue_green(image: str) -> str:
    """The same list as blueGreen: the Service selecting the pods is the active one, a preview Service
    is generated, promotion is manual, and the old pods go 5 s after it."""
    config = {"strategy": "blueGreen", "blueGreen": {"previewService": "generate", "scaleDownDelaySeconds": 5}}
    run = run_fn(resource_list(image, config=config))
    assert run.exit_code == 0, run.stderr
    assert sorted(item["kind"] for item in run.items) == ["Rollout", "Service", "Service"], run.items
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": run.items})


def endpoints(cluster: Cluster, ns: str, service: str) -> set[str]:
    """The pods a Service's EndpointSlices list as ready."""
    slices = cluster.get("endpointslices", "-n", ns, "-l", f"kubernetes.io/service-name={service}")["items"]
    return {
        endpoint["targetRef"]["name"]
        for piece in slices
        for endpoint in piece.get("endpoints") or []
        if endpoint.get("conditions", {}).get("ready") and endpoint.get("targetRef", {}).get("kind") == "Pod"
    }


def test_blue_green_serves_the_old_pods_until_promotion_and_the_new_ones_after(cluster: Cluster, namespace: str) -> None:
    cluster.apply(render_blue_green("registry.example/web:1.0"), namespace)
    blue = wait_healthy(cluster, namespace)["status"]["stableRS"]
    # Only the Rollout changed. The controller now owns the Services' selectors (it adds the pod
    # template hash; a Service's selector is one atomic field): applying them again server-side
    # is refused as a conflict with "rollouts-controller" over .spec.selector.
    update = json.loads(render_blue_green("registry.example/web:2.0"))
    rollout_only = {**update, "items": [item for item in update["items"] if item["kind"] == "Rollout"]}
    cluster.apply(json.dumps(rollout_only), namespace)

    def previewing() -> str | None:
        status = rollout(cluster, namespace).get("status", {})
        green = status.get("currentPodHash")
        if status.get("phase") != "Paused" or green == blue:
            return None
        pods = ready_pods(cluster, namespace)
        by_hash = {h: {name for name, of in pods.items() if of == h} for h in (blue, green)}
        served = endpoints(cluster, namespace, NAME) == by_hash[blue] and endpoints(cluster, namespace, f"{NAME}-preview") == by_hash[green]
        return green if served and len(by_hash[blue]) == len(by_hash[green]) == REPLICAS else None

    green: str = cluster.wait_for(
        "the active Service on the old pods and the preview Service on the new", previewing, *SHOW, namespace=namespace
    )
    cluster.rollouts("promote", NAME, "-n", namespace)

    def switched() -> bool:
        pods = ready_pods(cluster, namespace)
        sets = replica_sets(cluster, namespace)
        return (
            endpoints(cluster, namespace, NAME) == {name for name, of in pods.items() if of == green}
            and int(sets[blue]["spec"].get("replicas", 0)) == 0
            and set(pods.values()) == {green}
            and len(pods) == REPLICAS
        )

    cluster.wait_for("the active Service on the new pods, the old ones gone after the delay", switched, *SHOW, namespace=namespace)
