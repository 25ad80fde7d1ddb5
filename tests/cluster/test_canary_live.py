"""The function's Rollouts on a real control plane (tests/controlplane.py): applied server-side,
driven by the real Argo Rollouts controller through their steps, and judged by the live objects
(the Rollout's status, its ReplicaSets, its pods, the Service's EndpointSlices), not by logs.

The function's own account of a canary is checked against what the controller does: at the
paused step, the canary and stable ReplicaSets run the pods its `canary-steps` result reported
at render time.
"""

from __future__ import annotations

import copy

import pytest

from krm_fn.providers.argo_rollouts.selector_services import SYNC_OPTIONS

from controlplane import Cluster, cluster_fixture, namespace_fixture  # noqa: F401 (fixtures: cluster, namespace)
from live import (
    NAME,
    REPLICAS,
    SHOW,
    Object,
    Render,
    argocd_sync,
    endpoints,
    ready,
    ready_pods,
    render,
    replica_sets,
    rollout,
    wait_healthy,
)

pytestmark = pytest.mark.tools


def deploy_healthy(cluster: Cluster, ns: str, image: str, replicas: int = REPLICAS, config: Object | None = None) -> Render:
    """Apply the function's output; wait for the Rollout to be Healthy with all its pods Ready."""
    rendered = render(image, replicas, config)
    cluster.apply(rendered.manifest, ns)
    wait_healthy(cluster, ns, replicas)
    return rendered


def pause_index(rendered: Render) -> int:
    """The index of the Rollout's first pause step."""
    (item,) = (item for item in rendered.items if item["kind"] == "Rollout")
    steps: list[Object] = item["spec"]["strategy"]["canary"]["steps"]
    return next(index for index, step in enumerate(steps) if "pause" in step)


def wait_paused_step(cluster: Cluster, ns: str, rendered: Render, stable_hash: str) -> str:
    """Wait for the Rollout to stop at its pause with the pods the function reported for the step
    before it; the canary's hash."""
    step, index = rendered.steps[-1], pause_index(rendered)

    def at_pause() -> str | None:
        status = rollout(cluster, ns).get("status", {})
        canary_hash = status.get("currentPodHash")
        if status.get("phase") != "Paused" or status.get("currentStepIndex") != index or canary_hash == stable_hash:
            return None
        sets = replica_sets(cluster, ns)
        pods = list(ready_pods(cluster, ns).values())
        counts = (ready(sets[canary_hash]), ready(sets[stable_hash]), pods.count(canary_hash), pods.count(stable_hash), len(pods))
        return canary_hash if counts == (step.canary, step.stable, step.canary, step.stable, step.canary + step.stable) else None

    message = f"the pause at step {index} with {step.canary} canary + {step.stable} stable Ready pods"
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
    assert [(step.canary, step.stable) for step in update.steps] == [(1, 3)]  # what the function says at 4 replicas and setWeight 25
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


PLANS: list[tuple[int, Object]] = [
    (1, {}),  # one replica: the step runs 1 canary beside 1 stable pod (50%), as the function warns
    (2, {}),
    (3, {"maxSurge": 1, "maxUnavailable": 0}),
    (4, {"maxSurge": 0, "maxUnavailable": 1}),  # no surge: a stable pod goes before the canary pod comes
    (10, {"maxSurge": "25%", "maxUnavailable": "25%"}),
    (10, {"maxSurge": "50%", "maxUnavailable": 0}),
]


@pytest.mark.parametrize(
    ("replicas", "surges"), PLANS, ids=[f"{r}-replicas-{'-'.join(map(str, s.values())) or 'defaults'}" for r, s in PLANS]
)
def test_each_plan_holds_at_the_step_with_the_pods_the_function_reported(
    cluster: Cluster, namespace: str, replicas: int, surges: Object
) -> None:
    deploy_healthy(cluster, namespace, "registry.example/web:1.0", replicas, surges)
    stable_hash = rollout(cluster, namespace)["status"]["stableRS"]
    update = render("registry.example/web:2.0", replicas, surges)
    cluster.apply(update.manifest, namespace)
    canary_hash = wait_paused_step(cluster, namespace, update, stable_hash)
    cluster.rollouts("promote", NAME, "-n", namespace)
    assert wait_healthy(cluster, namespace, replicas)["status"]["stableRS"] == canary_hash


LEADER = ("--leader-elect",)


@pytest.mark.parametrize("replicas", [1, 2])
def test_a_leader_elected_workload_hands_over_to_the_new_version_and_an_abort_brings_the_old_back(
    cluster: Cluster, namespace: str, replicas: int
) -> None:
    original = render("registry.example/web:1.0", replicas, args=LEADER)
    cluster.apply(original.manifest, namespace)
    stable_hash = wait_healthy(cluster, namespace, replicas)["status"]["stableRS"]
    update = render("registry.example/web:2.0", replicas, args=LEADER)
    # The handover plan: one canary pod beside every stable one, then every pod new, then the pause.
    assert [step.weight for step in update.steps] == [50 if replicas == 1 else 33, 100]
    assert (update.steps[-1].canary, update.steps[-1].stable) == (replicas, 0)
    cluster.apply(update.manifest, namespace)
    canary_hash = wait_paused_step(cluster, namespace, update, stable_hash)  # only new pods: the old leader is gone

    cluster.rollouts("abort", NAME, "-n", namespace)

    def old_version_back() -> bool:
        pods = ready_pods(cluster, namespace)
        sets = replica_sets(cluster, namespace)
        return set(pods.values()) == {stable_hash} and len(pods) == replicas and int(sets[canary_hash]["spec"].get("replicas", 0)) == 0

    cluster.wait_for("the old version's pods back, the new ones gone", old_version_back, *SHOW, namespace=namespace)


def render_blue_green(image: str) -> Render:
    """The same list as blueGreen: the Service selecting the pods is the active one, a preview Service
    is generated, promotion is manual, and the old pods go 5 s after it."""
    rendered = render(image, config={"strategy": "blueGreen", "blueGreen": {"previewService": "generate", "scaleDownDelaySeconds": 5}})
    assert rendered.kinds() == ["Rollout", "Service", "Service"], rendered.items
    return rendered


def wait_previewing(cluster: Cluster, ns: str, blue: str) -> str:
    """Wait for the Rollout to pause before promotion with the active Service on the old pods and
    the preview Service on the new; the new pods' hash."""

    def previewing() -> str | None:
        status = rollout(cluster, ns).get("status", {})
        green = status.get("currentPodHash")
        if status.get("phase") != "Paused" or green == blue:
            return None
        pods = ready_pods(cluster, ns)
        by_hash = {h: {name for name, of in pods.items() if of == h} for h in (blue, green)}
        served = endpoints(cluster, ns, NAME) == by_hash[blue] and endpoints(cluster, ns, f"{NAME}-preview") == by_hash[green]
        return green if served and len(by_hash[blue]) == len(by_hash[green]) == REPLICAS else None

    green: str = cluster.wait_for("the active Service on the old pods and the preview Service on the new", previewing, *SHOW, namespace=ns)
    return green


def test_blue_green_serves_the_old_pods_until_promotion_and_the_new_ones_after(cluster: Cluster, namespace: str) -> None:
    cluster.apply(render_blue_green("registry.example/web:1.0").manifest, namespace)
    blue = wait_healthy(cluster, namespace)["status"]["stableRS"]
    # Only the Rollout changed. The controller now owns the Services' selectors (it adds the pod
    # template hash; a Service's selector is one atomic field): kubectl's server-side apply of them
    # again is refused as a conflict with "rollouts-controller" over .spec.selector (Argo CD's forces
    # it: see the test after the next).
    update = render_blue_green("registry.example/web:2.0")
    cluster.apply(Render([item for item in update.items if item["kind"] == "Rollout"], []).manifest, namespace)

    green = wait_previewing(cluster, namespace, blue)
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


def without_sync_options(rendered: Render) -> Render:
    """The list without the Argo CD sync option the function gives the Services."""
    items = copy.deepcopy(rendered.items)
    for item in items:
        (item["metadata"].get("annotations") or {}).pop(SYNC_OPTIONS, None)
    return Render(items, rendered.steps)


@pytest.mark.parametrize("as_rendered", [True, False], ids=["as-rendered", "control-without-the-sync-option"])
def test_argocd_server_side_sync_leaves_a_blue_green_rollout_paused_only_as_rendered(
    cluster: Cluster, namespace: str, as_rendered: bool
) -> None:
    """Synced by Argo CD's own code with `ServerSideApply=true`: the Services the controller writes
    are applied client-side, as the function marks them, and the new version waits for its
    promotion. The control, without the mark, shows what the mark prevents: the sync takes the
    active Service's selector back, and the controller promotes the new version on its own."""
    first, update = render_blue_green("registry.example/web:1.0"), render_blue_green("registry.example/web:2.0")
    if not as_rendered:
        first, update = without_sync_options(first), without_sync_options(update)
    argocd_sync(cluster, namespace, first, server_side=True)
    blue = wait_healthy(cluster, namespace)["status"]["stableRS"]
    argocd_sync(cluster, namespace, update, server_side=True)
    if as_rendered:
        green = wait_previewing(cluster, namespace, blue)
        argocd_sync(cluster, namespace, update, server_side=True)  # a re-sync changes nothing
        assert wait_previewing(cluster, namespace, blue) == green
        return

    def promoted_by_nobody() -> bool:
        status = rollout(cluster, namespace).get("status", {})
        return status.get("phase") == "Healthy" and status.get("stableRS") not in (None, blue) and not status.get("pauseConditions")

    cluster.wait_for("the new version promoted without a promotion", promoted_by_nobody, *SHOW, namespace=namespace)
