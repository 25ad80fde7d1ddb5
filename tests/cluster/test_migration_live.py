"""Migrating a live workload on a real control plane (tests/controlplane.py): from a Deployment
with Ready pods behind its Service to the function's Rollout, and back, the ways docs/migration.md
gives. A watch records the Service's ready endpoints from before the change until after it; their
count must never drop below the Deployment's replicas minus its maxUnavailable (0 here).

Run with `-s` to see each scenario's timeline: the ready endpoints over time, by the ReplicaSet
their pods belong to.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from controlplane import Cluster, cluster_fixture, namespace_fixture  # noqa: F401 (fixtures: cluster, namespace)
from live import (
    NAME,
    REPLICAS,
    SHOW,
    Object,
    Render,
    Sync,
    Watch,
    argocd_sync,
    endpoints,
    owners,
    ready_by_replica_set,
    render,
    replica_sets,
    rollout,
    series,
    timeline,
    wait_available,
    wait_healthy,
)

pytestmark = pytest.mark.tools

IMAGE = "registry.example/web:1.0"
FLOOR = REPLICAS  # replicas minus maxUnavailable (the function's default, and the Deployment's here, is 0)
SERVICE = f"kubernetes.io/service-name={NAME}"


def plain() -> Render:
    """The list as the chart renders it: the function disabled gives it back unchanged."""
    rendered = render(IMAGE, config={"enabled": False})
    assert rendered.kinds() == ["Deployment", "Service"]
    return rendered


def converted() -> Render:
    rendered = render(IMAGE)
    assert rendered.kinds() == ["Rollout", "Service"]
    return rendered


def referencing(scale_down: str, image: str = IMAGE) -> Render:
    rendered = render(image, config={"migration": "workloadRef", "scaleDown": scale_down})
    assert rendered.kinds() == ["Deployment", "Rollout", "Service"]
    return rendered


def total(slices: dict[str, Object]) -> int:
    return sum(ready_by_replica_set(slices).values())


@contextmanager
def endpoints_watched(cluster: Cluster, ns: str, name: str) -> Iterator[Watch]:
    """Watch the Service's EndpointSlices through the block, from a state with every pod ready;
    then print the timeline and hold the count to the floor."""
    with Watch(cluster, ns, "endpointslices", "-l", SERVICE) as watch:
        watch.wait_for(f"{REPLICAS} ready endpoints", lambda slices: total(slices) == REPLICAS)
        yield watch
        states = watch.stop()
    full = next(index for index, (_, slices) in enumerate(states) if total(slices) == REPLICAS)
    points = series(states[full:], ready_by_replica_set)  # from the first state with every pod ready
    print(f"\n{name}: the Service's ready endpoints by ReplicaSet\n{timeline(points)}")
    lowest = min(sum(counts.values()) for _, counts in points)
    assert lowest >= FLOOR, f"the ready endpoints dropped to {lowest}, below {FLOOR}:\n{timeline(points)}"


def served_by(cluster: Cluster, watch: Watch, ns: str, kind: str) -> None:
    """Wait until the Service's ready endpoints are all of `kind`'s pods, and only those."""
    of = owners(cluster, ns)
    watch.wait_for(
        f"the Service's endpoints to be the {kind}'s pods only",
        lambda slices: {of.get(rs) for rs in ready_by_replica_set(slices)} == {kind} and total(slices) == REPLICAS,
    )


def rollout_at_pause(cluster: Cluster, ns: str) -> Object:
    def paused() -> Object | None:
        status: Object = rollout(cluster, ns).get("status", {})
        return status if status.get("phase") == "Paused" else None

    status: Object = cluster.wait_for("the Rollout to pause", paused, *SHOW, namespace=ns)
    return status


def ready_pods_by_owner(cluster: Cluster, ns: str) -> dict[tuple[str, str], int]:
    """The pods the Service lists as ready, counted by their owner's kind and their image."""
    of = owners(cluster, ns)
    pods = {pod["metadata"]["name"]: pod for pod in cluster.get("pods", "-n", ns)["items"]}
    counts: dict[tuple[str, str], int] = {}
    for name in endpoints(cluster, ns):
        key = (of[pods[name]["metadata"]["ownerReferences"][0]["name"]], pods[name]["spec"]["containers"][0]["image"])
        counts[key] = counts.get(key, 0) + 1
    return counts


def operations(sync: Sync) -> list[tuple[str, str, str]]:
    """What the sync did to each object, in the engine's order: (operation, kind, status)."""
    return [(task["operation"], task["kind"], task["status"]) for task in sync.tasks]


def test_convert_with_prune_last_never_drops_a_ready_endpoint(cluster: Cluster, namespace: str) -> None:
    argocd_sync(cluster, namespace, plain())
    wait_available(cluster, namespace)
    with endpoints_watched(cluster, namespace, "convert, PruneLast") as watch:
        sync = argocd_sync(cluster, namespace, converted())
        served_by(cluster, watch, namespace, "Rollout")
    assert ("prune", "Deployment", "Pruned") in operations(sync)
    assert not cluster.get("deployments", "-n", namespace)["items"]


def test_the_way_back_with_prune_last_never_drops_a_ready_endpoint(cluster: Cluster, namespace: str) -> None:
    argocd_sync(cluster, namespace, converted())
    wait_healthy(cluster, namespace)
    with endpoints_watched(cluster, namespace, "back to a Deployment, PruneLast") as watch:
        sync = argocd_sync(cluster, namespace, plain())
        served_by(cluster, watch, namespace, "Deployment")
    assert ("prune", "Rollout", "Pruned") in operations(sync)


def test_without_prune_last_the_service_loses_its_ready_endpoints(cluster: Cluster, namespace: str) -> None:
    """The control: the failure docs/migration.md warns of (Argo CD's default order prunes the
    Deployment in the same wave, before it creates the Rollout), which shows the watch sees a gap."""
    argocd_sync(cluster, namespace, plain())
    wait_available(cluster, namespace)
    dropped = pytest.raises(AssertionError, match=r"the ready endpoints dropped to \d, below 4")
    with dropped, endpoints_watched(cluster, namespace, "convert, no PruneLast") as watch:
        sync = argocd_sync(cluster, namespace, converted(), prune_last=False)
        assert operations(sync)[0] == ("prune", "Deployment", "Pruned")
        wait_healthy(cluster, namespace)
        served_by(cluster, watch, namespace, "Rollout")


def deployment_replicas(deployments: dict[str, Object]) -> tuple[int, int] | None:
    """The Deployment's wanted and ready replicas."""
    live = deployments.get(NAME)
    return None if live is None else (live["spec"]["replicas"], live.get("status", {}).get("readyReplicas") or 0)


@pytest.mark.parametrize("scale_down", ["progressively", "onsuccess", "never"])
def test_workload_ref_never_drops_a_ready_endpoint(cluster: Cluster, namespace: str, scale_down: str) -> None:
    argocd_sync(cluster, namespace, plain())
    wait_available(cluster, namespace)
    with (
        endpoints_watched(cluster, namespace, f"workloadRef, scaleDown: {scale_down}"),
        Watch(cluster, namespace, "deployments") as deployments,
    ):
        argocd_sync(cluster, namespace, referencing(scale_down))
        wait_healthy(cluster, namespace)
        left = 0 if scale_down != "never" else REPLICAS
        deployments.wait_for(f"the Deployment at {left} replicas", lambda live: deployment_replicas(live) == (left, left))
        points = series(deployments.stop(), deployment_replicas)
    print(f"the Deployment's (wanted, ready) replicas\n{timeline(points)}")
    wanted = [counts[0] for _, counts in points if counts]
    assert wanted == sorted(wanted, reverse=True), "the Deployment was scaled up again"
    if scale_down == "onsuccess":  # at full size until the Rollout is Healthy, then to 0 at once
        assert sorted(set(wanted)) == [0, REPLICAS], timeline(points)


def test_workload_ref_after_the_first_revision_a_sync_scales_the_deployment_up_outside_the_canary(cluster: Cluster, namespace: str) -> None:
    """What Argo CD's re-sync of the kept Deployment does, measured (Argo Rollouts v1.10.2; upstream
    issue #4935): the Deployment's `replicas` are still 4 in Git while the controller set it to 0.

    In revision 1 the controller scales the Deployment down again after each sync. Once the image
    changes, the sync gives the Deployment the new template and its 4 replicas: its pods run the new
    version beside the canary's, behind the same Service, and nothing scales them down again."""
    argocd_sync(cluster, namespace, plain())
    wait_available(cluster, namespace)
    argocd_sync(cluster, namespace, referencing("progressively"))
    wait_healthy(cluster, namespace)
    with Watch(cluster, namespace, "deployments") as deployments:
        deployments.wait_for("the Deployment at 0 replicas", lambda live: deployment_replicas(live) == (0, 0))
        argocd_sync(cluster, namespace, referencing("progressively"))  # a re-sync, Git unchanged
        deployments.wait_for(
            "the Deployment scaled up by the sync, then down again",
            lambda live: deployment_replicas(live) == (REPLICAS, 0),
            lambda live: deployment_replicas(live) == (0, 0),
        )
        resync = series(deployments.stop(), deployment_replicas)
    print(f"\nworkloadRef, re-sync in revision 1: the Deployment's (wanted, ready) replicas\n{timeline(resync)}")

    update = referencing("progressively", "registry.example/web:2.0")
    with Watch(cluster, namespace, "deployments") as deployments:
        argocd_sync(cluster, namespace, update)
        deployments.wait_for("the Deployment back at 4", lambda live: deployment_replicas(live) == (REPLICAS, REPLICAS))
        paused = rollout_at_pause(cluster, namespace)
        serving = ready_pods_by_owner(cluster, namespace)
        cluster.rollouts("promote", NAME, "-n", namespace)
        wait_healthy(cluster, namespace)
        argocd_sync(cluster, namespace, update)
        time.sleep(2)  # the controller acts within a fraction of a second (above); it does not here
        revision_2 = series(deployments.stop(), deployment_replicas)
    print(f"workloadRef, the image changed: the Deployment's (wanted, ready) replicas\n{timeline(revision_2)}")
    assert paused["currentStepIndex"] == 1  # the canary holds at setWeight 25 ...
    # ... with 1 new pod of the Rollout's, and 4 new pods of the Deployment's, behind the Service
    assert serving == {("Deployment", "registry.example/web:2.0"): 4, ("Rollout", "registry.example/web:2.0"): 1, ("Rollout", IMAGE): 3}
    assert deployment_replicas(deployments.states()[-1][1]) == (REPLICAS, REPLICAS)  # and they stay


def test_workload_ref_then_convert_before_the_template_changes(cluster: Cluster, namespace: str) -> None:
    """The way out of the trap above: once `workloadRef` has moved the pods, switch to `convert`. The
    Rollout gets the same template inline, so its pods stay (no new revision), and the Deployment,
    already at 0, is pruned."""
    argocd_sync(cluster, namespace, plain())
    wait_available(cluster, namespace)
    argocd_sync(cluster, namespace, referencing("progressively"))
    stable = wait_healthy(cluster, namespace)["status"]["stableRS"]
    with endpoints_watched(cluster, namespace, "workloadRef, then convert") as watch:
        sync = argocd_sync(cluster, namespace, converted())
        served_by(cluster, watch, namespace, "Rollout")
    assert ("prune", "Deployment", "Pruned") in operations(sync)
    live = wait_healthy(cluster, namespace)
    assert live["status"]["stableRS"] == stable and "workloadRef" not in live["spec"]
    assert set(replica_sets(cluster, namespace)) == {stable}  # the same pods: no new revision
