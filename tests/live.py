"""What the live scenarios (tests/cluster) share: the function's list for one workload, rendered
as the scenario asks, and the live objects read and watched on the test control plane
(tests/controlplane.py).

The workload is a Deployment `web` and the Service that selects its pods. The function's account
of a canary is read from its `canary-steps` result, so a scenario can hold the controller to it.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from conftest import require_tool, run_fn
from controlplane import BIN, TIMEOUT, Cluster

NAME = "web"
REPLICAS = 4
HASH = "rollouts-pod-template-hash"
SHOW = ("rollout", "deployments", "replicasets", "pods", "endpointslices")
"""What a failed wait shows of a scenario's namespace."""

Object = dict[str, Any]
T = TypeVar("T")


def resource_list(image: str, replicas: int = REPLICAS, config: Object | None = None, args: tuple[str, ...] = ()) -> str:
    """A Deployment of `replicas` (4) and its Service, converted with the default steps (setWeight
    25, then an indefinite pause) and any other `config` fields (`enabled: false` gives the list
    back as it is). The container runs with `args`. The CRD is the cluster's: the function is
    told not to require it."""
    config = {"enabled": True, **(config or {})}
    fields = "".join(f"\n    {key}: {json.dumps(value)}" for key, value in config.items())  # JSON is YAML
    return f"""\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata:
    name: canary
  spec:
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
          args: {json.dumps(list(args))}
          ports:
          - name: http
            containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
"""


@dataclass
class Step:
    """A setWeight step as the function's `canary-steps` result gives it in pods."""

    weight: int
    canary: int
    stable: int


@dataclass
class Render:
    items: list[Object]
    steps: list[Step]
    """Every setWeight step, in pods (none where nothing became a canary Rollout)."""

    @property
    def manifest(self) -> str:
        """The items as a List, for `kubectl apply`."""
        return json.dumps({"apiVersion": "v1", "kind": "List", "items": self.items})

    def kinds(self) -> list[str]:
        return sorted(item["kind"] for item in self.items)


def render(image: str, replicas: int = REPLICAS, config: Object | None = None, args: tuple[str, ...] = ()) -> Render:
    """The function's output for the list, with the steps its `canary-steps` result reports."""
    run = run_fn(resource_list(image, replicas, config, args))
    assert run.exit_code == 0, run.stderr
    reported = [r["message"] for r in run.results if r.get("tags", {}).get("rule") == "canary-steps" and r["severity"] == "info"]
    assert len(reported) <= 1, run.results
    found = re.findall(r"setWeight (\d+): (\d+) canary \+ (\d+) stable", reported[0]) if reported else []
    return Render(run.items, [Step(*(int(number) for number in step)) for step in found])


# Reading the live objects.


def rollout(cluster: Cluster, ns: str, name: str = NAME) -> Object:
    return cluster.get("rollout", name, "-n", ns)


def replica_sets(cluster: Cluster, ns: str) -> dict[str, Object]:
    """The Rollout's ReplicaSets, by pod template hash."""
    items = cluster.get("replicasets", "-n", ns, "-l", HASH)["items"]
    return {rs["metadata"]["labels"][HASH]: rs for rs in items}


def ready(rs: Object) -> int:
    return int(rs.get("status", {}).get("readyReplicas") or 0)


def ready_pods(cluster: Cluster, ns: str) -> dict[str, str]:
    """The Rollout's Ready pods that are not being deleted: name -> pod template hash."""
    pods = cluster.get("pods", "-n", ns, "-l", HASH)["items"]
    return {
        pod["metadata"]["name"]: pod["metadata"]["labels"][HASH]
        for pod in pods
        if "deletionTimestamp" not in pod["metadata"]
        and any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))
    }


def owners(cluster: Cluster, ns: str) -> dict[str, str]:
    """Each ReplicaSet's owner's kind: `Deployment` or `Rollout`."""
    return {
        rs["metadata"]["name"]: ref["kind"]
        for rs in cluster.get("replicasets", "-n", ns)["items"]
        for ref in rs["metadata"].get("ownerReferences", [])
        if ref.get("controller")
    }


def ready_endpoints(slices: list[Object]) -> set[str]:
    """The pods a Service's EndpointSlices list as ready."""
    return {
        endpoint["targetRef"]["name"]
        for piece in slices
        for endpoint in piece.get("endpoints") or []
        if endpoint.get("conditions", {}).get("ready") and endpoint.get("targetRef", {}).get("kind") == "Pod"
    }


def endpoints(cluster: Cluster, ns: str, service: str = NAME) -> set[str]:
    """The pods a Service lists as ready, now."""
    return ready_endpoints(cluster.get("endpointslices", "-n", ns, "-l", f"kubernetes.io/service-name={service}")["items"])


def wait_healthy(cluster: Cluster, ns: str, replicas: int = REPLICAS, name: str = NAME) -> Object:
    """Wait for the Rollout to be Healthy, at its stable revision, with all its pods Ready."""

    def healthy() -> Object | None:
        live = rollout(cluster, ns, name)
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

    live: Object = cluster.wait_for(f"Rollout {name} to be Healthy", healthy, *SHOW, namespace=ns)
    return live


def wait_available(cluster: Cluster, ns: str, replicas: int = REPLICAS) -> Object:
    """Wait for the Deployment to have rolled out: every pod of its current template Ready."""

    def available() -> Object | None:
        live = cluster.get("deployment", NAME, "-n", ns)
        status = live.get("status", {})
        done = status.get("observedGeneration") == live["metadata"]["generation"] and (
            status.get("updatedReplicas") == status.get("readyReplicas") == status.get("replicas") == replicas
        )
        return live if done else None

    live: Object = cluster.wait_for("the Deployment to be available", available, *SHOW, namespace=ns)
    return live


# Syncing them as Argo CD does.

APP = "web"
"""The Argo CD Application the scenarios' objects belong to."""


@dataclass
class Sync:
    """An Argo CD sync operation that completed."""

    phase: str
    tasks: list[Object]
    """The engine's results: kind, name, status, syncPhase, operation (apply or prune), ..."""
    log: str
    """Each task as the engine reported it, with the time."""


def argocd_sync(cluster: Cluster, ns: str, target: Render, *, prune_last: bool = True, server_side: bool = False) -> Sync:
    """Sync the rendered items as an Argo CD Application `web` with destination `ns`, by Argo CD's
    own sync code: gitops-engine's sync context and cluster cache, driven the way the application
    controller drives them, the Rollout's health judged by Argo CD's Lua script
    (tests/go/argocd-build/sync.go). Live objects tracked for the Application that the target
    no longer has are pruned, last (the `PruneLast=true` sync option) unless told otherwise. It
    returns once the operation completed, which must be Succeeded."""
    binary = require_tool("argocd-build", str(BIN / "argocd-build"))
    options = [*(["-prune-last"] if prune_last else []), *(["-server-side"] if server_side else [])]
    args = ("sync", f"-kubeconfig={cluster.kubeconfig}", f"-namespace={ns}", f"-app={APP}", f"-timeout={TIMEOUT:.0f}s", *options)
    done = cluster.run(binary, *args, input=target.manifest, check=False, timeout=TIMEOUT + 30)
    assert done.returncode == 0, f"argocd-build sync exited with {done.returncode}:\n{done.stderr}{done.stdout}"
    report = json.loads(done.stdout)
    assert report["phase"] == "Succeeded", report
    return Sync(report["phase"], report["tasks"], done.stderr)


# Watching them.


class Watch:
    """`kubectl get RESOURCE --watch` in the background, started before a change and stopped after
    it: every state the objects went through, with the time it was seen. A watch, not a poll, so
    no state between two looks is missed."""

    def __init__(self, cluster: Cluster, ns: str, resource: str, *args: str) -> None:
        self._cluster = cluster
        self.what = f"{resource} {' '.join(args)}".strip()
        command = [str(BIN / "kubectl"), f"--kubeconfig={cluster.kubeconfig}", "get", resource, "-n", ns, *args]
        command += ["--watch", "--output-watch-events", "-o", "json"]
        self.began = time.monotonic()
        self._process = subprocess.Popen(
            ["ip", "netns", "exec", cluster.netns, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self._lock = threading.Lock()
        self._states: list[tuple[float, dict[str, Object]]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """kubectl prints each event as a JSON object (on one line, or indented over several)."""
        assert self._process.stdout is not None
        objects: dict[str, Object] = {}
        text = ""
        for line in self._process.stdout:
            text += line
            try:
                event = json.loads(text)
            except json.JSONDecodeError:
                continue  # the object goes on
            text = ""
            name = event.get("object", {}).get("metadata", {}).get("name")
            if event.get("type") in ("ADDED", "MODIFIED") and name:
                objects[name] = event["object"]
            elif event.get("type") == "DELETED" and name:
                objects.pop(name, None)
            else:
                continue  # bookmarks and errors hold no object state
            with self._lock:
                self._states.append((time.monotonic() - self.began, dict(objects)))

    def states(self) -> list[tuple[float, dict[str, Object]]]:
        with self._lock:
            return list(self._states)

    def wait_for(self, what: str, *conditions: Callable[[dict[str, Object]], bool], timeout: float = TIMEOUT) -> None:
        """Wait until the watch has seen states meeting each of `conditions` (on the objects by
        name), one after the other."""

        def seen() -> bool:
            if self._process.poll() is not None:
                raise AssertionError(f"the watch on {self.what} ended: {self._process.stderr.read() if self._process.stderr else ''}")
            met = 0
            for _, objects in self.states():
                if met < len(conditions) and conditions[met](objects):
                    met += 1
            return met == len(conditions)

        self._cluster.wait_for(f"{what} (watching {self.what})", seen, timeout=timeout)

    def stop(self) -> list[tuple[float, dict[str, Object]]]:
        self._process.terminate()
        self._process.wait(timeout=10)
        self._reader.join(timeout=10)
        for pipe in (self._process.stdout, self._process.stderr):
            if pipe is not None:
                pipe.close()
        return self.states()

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *_: object) -> None:
        if self._process.poll() is None:
            self.stop()


def series(states: list[tuple[float, dict[str, Object]]], measure: Callable[[dict[str, Object]], T]) -> list[tuple[float, T]]:
    """What `measure` gives over the states, keeping only the times it changed."""
    out: list[tuple[float, T]] = []
    for at, objects in states:
        value = measure(objects)
        if not out or out[-1][1] != value:
            out.append((at, value))
    return out


def ready_by_replica_set(slices: dict[str, Object]) -> dict[str, int]:
    """The Service's ready endpoints, counted by the ReplicaSet their pod belongs to (a pod's name
    is its ReplicaSet's and a suffix)."""
    counts: dict[str, int] = {}
    for pod in ready_endpoints(list(slices.values())):
        owner = pod.rsplit("-", 1)[0]
        counts[owner] = counts.get(owner, 0) + 1
    return dict(sorted(counts.items()))


def timeline(points: list[tuple[float, Any]]) -> str:
    """A series as lines: the time from the watch's start, then the value."""
    return "\n".join(f"  {at:6.2f}s  {value}" for at, value in points)
