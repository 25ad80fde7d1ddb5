"""A real control plane for the tests: etcd, the API server, the controller manager, the
scheduler, a fake node (kwok) and the Argo Rollouts controller, built from upstream code by
scripts/build-control-plane.sh.

It comes up once per test session inside a network namespace of its own, with only the loopback
interface up, so every listener (the Rollouts controller binds all interfaces, with no flag to
change it) is reachable from that namespace alone, and nothing is sent anywhere else: every
process runs under `ip netns exec`. TLS certificates are made on the spot with openssl; the API
server authorizes with RBAC; etcd keeps its data in memory (/dev/shm). There is no kubelet: kwok
plays a node and makes the pods bound to it Ready, so a Rollout's ReplicaSets, pods and
EndpointSlices are real objects that the real controllers drive, and the tests assert on them.

A test file imports the fixtures it uses (named `cluster` and `namespace`; imported by their
functions' names, so that a test's parameters do not shadow the imports):

    from controlplane import Cluster, cluster_fixture, namespace_fixture  # noqa: F401 (fixtures)

    def test_x(cluster: Cluster, namespace: str) -> None:
        cluster.kubectl("apply", "-n", namespace, "-f", "-", input=...)

A missing binary is a failure under CI=true and a skip elsewhere, as with `require_tool`.
Everything is stopped by process id at the end of the session, even after a failure, and the
network namespace deleted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from conftest import REPO, SHARED, unavailable

BIN = REPO / ".tools" / "bin"
SHARE = REPO / ".tools" / "share"
KWOK_STAGES = SHARE / "kwok-stages"
ROLLOUTS_CRDS = SHARE / "argo-rollouts-crds"
ROLLOUT_CRD = SHARED / "argo-rollouts" / "rollout-crd-v1.10.2.yaml"
"""The Rollout CRD of the controller's release (v1.10.2), the copy the other tests read."""
BINARIES = (
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubectl",
    "kwok",
    "rollouts-controller",
    "kubectl-argo-rollouts",
)
HOST_TOOLS = ("ip", "openssl")
NODE = "kwok-node-0"
API_PORT = 6443
TIMEOUT = 120.0
"""How long a condition may take before a test fails (a busy 2-core machine; it takes seconds)."""
START_TIMEOUT = 120.0
CONTROLLERS = (
    "deployment,replicaset,serviceaccount,serviceaccount-token,garbagecollector,namespace,endpointslice,disruption,horizontalpodautoscaling"
)
"""The controllers the scenarios need: a Deployment's ReplicaSets (the migrations start from one) and
a ReplicaSet's pods, a namespace's default service account, deleting a test's namespace and what
is in it, a Service's EndpointSlices, and a PodDisruptionBudget's and an autoscaler's status (each
finds a Rollout's pods and replicas through its scale subresource)."""

log = logging.getLogger(__name__)


class ClusterError(Exception):
    """The control plane did not come up or stopped."""


@dataclass
class _Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    out: IO[bytes]

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def peak_rss_kib(self) -> int:
        """The process's peak resident memory (VmHWM), while it runs."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0


@dataclass
class Cluster:
    """A running control plane: `kubectl(...)` and `rollouts(...)` run inside its network namespace."""

    netns: str
    workdir: Path
    etcd_dir: Path
    kubeconfig: Path
    processes: list[_Process] = field(default_factory=list)
    started_in: float = 0.0
    namespaces: int = 0
    """The tests' namespaces made (one per test)."""

    # Running commands in the namespace.

    def run(self, *args: str, input: str | None = None, check: bool = True, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
        """A command inside the network namespace."""
        done = subprocess.run(["ip", "netns", "exec", self.netns, *args], input=input, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} exited with {done.returncode}:\n{done.stderr}{done.stdout}")
        return done

    def kubectl(self, *args: str, input: str | None = None, check: bool = True, timeout: float = TIMEOUT) -> str:
        """kubectl against the cluster, as its administrator; its standard output."""
        return self.run(str(BIN / "kubectl"), f"--kubeconfig={self.kubeconfig}", *args, input=input, check=check, timeout=timeout).stdout

    def rollouts(self, *args: str, check: bool = True, timeout: float = TIMEOUT) -> str:
        """The Argo Rollouts kubectl plugin (`kubectl argo rollouts ARGS`); its standard output."""
        return self.run(str(BIN / "kubectl-argo-rollouts"), f"--kubeconfig={self.kubeconfig}", *args, check=check, timeout=timeout).stdout

    def get(self, *args: str) -> dict[str, Any]:
        """An object or list, as JSON."""
        document: dict[str, Any] = json.loads(self.kubectl("get", "-o", "json", *args))
        return document

    def apply(self, manifest: str, namespace: str) -> str:
        """Server-side apply, as a GitOps tool would."""
        return self.kubectl("apply", "--server-side", "--field-manager=tests", "-n", namespace, "-f", "-", input=manifest)

    # Waiting.

    def wait_for(self, what: str, condition: Callable[[], Any], *show: str, namespace: str | None = None, timeout: float = TIMEOUT) -> Any:
        """Poll `condition` until it returns something truthy; on timeout, fail with the state of
        the objects `show` names (`kubectl get -o yaml` arguments, e.g. "rollout/web", "pods")."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        last_error = ""
        while True:
            self.check_running()
            try:
                result = condition()
            except (AssertionError, KeyError, IndexError, TypeError, ValueError) as error:
                result, last_error = None, f"{type(error).__name__}: {error}"
            if result:
                return result
            if time.monotonic() > deadline:
                break
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        state = self.describe(*show, namespace=namespace)
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}{f' ({last_error})' if last_error else ''}\n{state}")

    def describe(self, *show: str, namespace: str | None = None) -> str:
        """The objects' state, as YAML, for a failure message."""
        parts = []
        for target in show:
            args = ["get", "-o", "yaml", target, *(["-n", namespace] if namespace else [])]
            done = self.run(str(BIN / "kubectl"), f"--kubeconfig={self.kubeconfig}", *args, check=False, timeout=30)
            parts.append(f"--- kubectl {' '.join(args)}\n{done.stdout}{done.stderr}")
        return "\n".join(parts)

    def check_running(self) -> None:
        for process in self.processes:
            if process.popen.poll() is not None:
                raise ClusterError(f"{process.name} exited with {process.popen.returncode}:\n{process.tail()}")

    # Starting and stopping.

    def start_process(self, name: str, *args: str) -> _Process:
        path = self.workdir / f"{name}.log"
        out = path.open("wb")
        popen = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, str(BIN / name), *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a Ctrl-C reaches pytest, which stops it
        )
        process = _Process(name, popen, path, out)
        self.processes.append(process)
        return process

    def peak_rss_mib(self) -> dict[str, int]:
        return {process.name: process.peak_rss_kib() // 1024 for process in self.processes}

    def stop(self) -> None:
        """Stop every process by its id (the API server's clients first, etcd last), then delete
        the network namespace and the files."""
        for process in reversed(self.processes):
            if process.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.popen.send_signal(signal.SIGTERM)
                try:
                    process.popen.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        process.popen.kill()
                    process.popen.wait(timeout=10)
            process.out.close()
        subprocess.run(["ip", "netns", "delete", self.netns], capture_output=True, check=False)
        shutil.rmtree(self.etcd_dir, ignore_errors=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


def missing_parts() -> list[str]:
    """What the control plane needs and this machine lacks."""
    missing = [str(BIN / name) for name in BINARIES if not (BIN / name).exists()]
    missing += [tool for tool in HOST_TOOLS if shutil.which(tool) is None]
    missing += [str(path) for path in (KWOK_STAGES, ROLLOUTS_CRDS, ROLLOUT_CRD) if not path.exists()]
    if os.geteuid() != 0:
        missing.append("root (to make a network namespace)")
    return missing


def require_control_plane() -> None:
    """A failure under CI=true, a skip elsewhere, as `require_tool`."""
    missing = missing_parts()
    if missing:
        unavailable(f"the control plane is not built: {', '.join(missing)} (run scripts/build-control-plane.sh)")


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise ClusterError(f"openssl {' '.join(args)}: {done.stderr}")


def _make_certificates(pki: Path) -> None:
    """A CA; the API server's serving certificate; client certificates for the administrator
    (system:masters), the controller manager and the scheduler (their RBAC identities); and the
    key pair service-account tokens are signed with. EC P-256 keys: made in milliseconds."""
    pki.mkdir(mode=0o700)
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=krm-fn-tests-ca", cwd=pki)

    def signed(name: str, subject: str, *extensions: str) -> None:
        _openssl("req", "-new", *curve, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject, cwd=pki)
        ext = pki / f"{name}.ext"
        ext.write_text("\n".join(extensions) + "\n")
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-out", f"{name}.crt", "-extfile", ext.name, cwd=pki,
        )  # fmt: skip

    client = ("basicConstraints=CA:FALSE", "keyUsage=digitalSignature", "extendedKeyUsage=clientAuth")
    signed(
        "apiserver", "/CN=kube-apiserver", "basicConstraints=CA:FALSE", "keyUsage=digitalSignature", "extendedKeyUsage=serverAuth",
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc,IP:10.96.0.1",
    )  # fmt: skip
    signed("admin", "/O=system:masters/CN=krm-fn-tests-admin", *client)
    signed("controller-manager", "/CN=system:kube-controller-manager", *client)
    signed("scheduler", "/CN=system:kube-scheduler", *client)
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "sa.key", cwd=pki)
    _openssl("pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=pki)


def _kubeconfig(path: Path, pki: Path, user: str) -> Path:
    """A kubeconfig for a client certificate (JSON is YAML)."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "tests", "cluster": {"server": f"https://127.0.0.1:{API_PORT}", "certificate-authority": str(pki / "ca.crt")}}
        ],
        "users": [{"name": user, "user": {"client-certificate": str(pki / f"{user}.crt"), "client-key": str(pki / f"{user}.key")}}],
        "contexts": [{"name": "tests", "context": {"cluster": "tests", "user": user}}],
        "current-context": "tests",
    }
    path.write_text(json.dumps(config, indent=1))
    return path


def _fake_node() -> str:
    """The node kwok plays (it manages nodes with its annotation); its status is kwok's to set."""
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE,
            "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {"kubernetes.io/hostname": NODE, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "type": "kwok"},
        },
        "spec": {},
        "status": {
            "allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110"},
            "capacity": {"cpu": "32", "memory": "256Gi", "pods": "110"},
        },
    }
    return json.dumps(node)


def _delete_stale_namespaces() -> None:
    """Network namespaces of earlier runs whose test process is gone (killed before it could clean up)."""
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    for name in re.findall(r"^krm-fn-tests-(\d+)-[0-9a-f]+", listed, re.M):
        if not Path(f"/proc/{name}").exists():
            for stale in re.findall(rf"^(krm-fn-tests-{name}-[0-9a-f]+)", listed, re.M):
                subprocess.run(["ip", "netns", "delete", stale], capture_output=True, check=False)


def start_cluster() -> Cluster:
    """Bring the control plane up; stopped again if any part of it does not come up."""
    _delete_stale_namespaces()
    begin = time.monotonic()
    token = f"{os.getpid()}-{secrets.token_hex(3)}"
    netns = f"krm-fn-tests-{token}"
    workdir = Path(tempfile.mkdtemp(prefix="krm-fn-cluster-"))
    etcd_dir = Path(tempfile.mkdtemp(prefix="krm-fn-etcd-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    pki = workdir / "pki"
    cluster = Cluster(netns, workdir, etcd_dir, workdir / "admin.kubeconfig")
    made = subprocess.run(["ip", "netns", "add", netns], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(etcd_dir, ignore_errors=True)
        raise ClusterError(f"ip netns add {netns}: {made.stderr}")
    try:
        cluster.run("ip", "link", "set", "lo", "up")
        _make_certificates(pki)
        _kubeconfig(cluster.kubeconfig, pki, "admin")
        _start(cluster, pki)
    except BaseException:
        logs = "\n".join(f"--- {process.name} (last lines)\n{process.tail()}" for process in cluster.processes)
        cluster.stop()
        if logs:
            log.error("the control plane did not come up:\n%s", logs)
        raise
    cluster.started_in = time.monotonic() - begin
    log.info("control plane up in %.1fs in network namespace %s", cluster.started_in, netns)
    return cluster


def _start(cluster: Cluster, pki: Path) -> None:
    work = cluster.workdir
    cluster.start_process(
        "etcd",
        "--name=tests",
        f"--data-dir={cluster.etcd_dir / 'data'}",
        "--listen-client-urls=http://127.0.0.1:2379",
        "--advertise-client-urls=http://127.0.0.1:2379",
        "--listen-peer-urls=http://127.0.0.1:2380",
        "--initial-advertise-peer-urls=http://127.0.0.1:2380",
        "--initial-cluster=tests=http://127.0.0.1:2380",
        "--unsafe-no-fsync",  # in memory anyway
        "--log-level=warn",
    )
    cluster.start_process(
        "kube-apiserver",
        "--etcd-servers=http://127.0.0.1:2379",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={API_PORT}",
        f"--tls-cert-file={pki / 'apiserver.crt'}",
        f"--tls-private-key-file={pki / 'apiserver.key'}",
        f"--client-ca-file={pki / 'ca.crt'}",
        f"--service-account-key-file={pki / 'sa.pub'}",
        f"--service-account-signing-key-file={pki / 'sa.key'}",
        "--service-account-issuer=https://kubernetes.default.svc",
        "--authorization-mode=RBAC",
        "--service-cluster-ip-range=10.96.0.0/16",  # a field in Service objects: nothing routes to it
        "--endpoint-reconciler-type=none",  # no kubernetes Service endpoints pointing at a host address
        "--enable-priority-and-fairness=false",
        "--profiling=false",
    )
    cluster.wait_for(
        "the API server to be ready",
        lambda: cluster.kubectl("get", "--raw=/readyz", check=False, timeout=10).strip() == "ok",
        timeout=START_TIMEOUT,
    )
    # The CRDs before the controller manager: its garbage collector then watches Rollouts from the
    # start (it looks for new resources only every 30 s), so a Rollout deleted in the foreground goes
    # at once.
    crds = [ROLLOUT_CRD, *sorted(ROLLOUTS_CRDS.glob("*.yaml"))]
    for crd in crds:
        cluster.kubectl("apply", "--server-side", "--field-manager=tests", "-f", str(crd))

    def established() -> bool:
        items = cluster.get("crd")["items"]
        return len(items) == len(crds) and all(
            any(c["type"] == "Established" and c["status"] == "True" for c in crd.get("status", {}).get("conditions") or [])
            for crd in items
        )

    cluster.wait_for("the CRDs to be established", established, "crd", timeout=START_TIMEOUT)
    cluster.start_process(
        "kube-controller-manager",
        f"--kubeconfig={_kubeconfig(work / 'controller-manager.kubeconfig', pki, 'controller-manager')}",
        f"--controllers={CONTROLLERS}",
        "--use-service-account-credentials=true",  # each controller with its own RBAC role
        f"--service-account-private-key-file={pki / 'sa.key'}",
        f"--root-ca-file={pki / 'ca.crt'}",
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
    )
    cluster.start_process(
        "kube-scheduler",
        f"--kubeconfig={_kubeconfig(work / 'scheduler.kubeconfig', pki, 'scheduler')}",
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
    )
    stages = sorted(KWOK_STAGES.glob("*.yaml"))
    cluster.start_process(
        "kwok",
        f"--kubeconfig={cluster.kubeconfig}",
        f"--config={','.join(str(stage) for stage in stages)}",
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-ip=10.244.0.1",  # fields in Node and Pod objects: nothing routes to them
        "--cidr=10.244.0.0/16",
        "--server-address=127.0.0.1:10247",
    )
    cluster.start_process(
        "rollouts-controller",
        f"--kubeconfig={cluster.kubeconfig}",
        "--leader-elect=false",
        "--loglevel=info",
        "--kloglevel=0",
    )
    cluster.kubectl("create", "-f", "-", input=_fake_node())
    # The API server taints a new node not-ready (NoSchedule); a kubelet's status and the node
    # lifecycle controller would lift it, and neither runs here.
    cluster.wait_for(
        "the node's not-ready taint",
        lambda: "node.kubernetes.io/not-ready" in cluster.kubectl("get", "node", NODE, "-o", "jsonpath={.spec.taints[*].key}"),
        f"node/{NODE}",
        timeout=30,
    )
    cluster.kubectl("taint", "node", NODE, "node.kubernetes.io/not-ready:NoSchedule-")
    cluster.kubectl("wait", "--for=condition=Ready", f"node/{NODE}", "--timeout=60s")


_running: list[Cluster] = []
"""The session's control plane, once started. Each test module that imports the fixture holds a
fixture of its own, so the plane is kept here, shared by all, and stopped when pytest ends."""


@pytest.fixture(scope="session", name="cluster")
def cluster_fixture(request: pytest.FixtureRequest) -> Cluster:
    """The control plane, once per test session (per worker under xdist), stopped at its end."""
    if not _running:
        require_control_plane()
        _running.append(start_cluster())
        request.config.add_cleanup(_stop)
    return _running[0]


def _stop() -> None:
    running = _running.pop()
    peaks = running.peak_rss_mib()
    log.info("control plane peak RSS (MiB): %s, sum %d", peaks, sum(peaks.values()))
    running.stop()
    if report := os.environ.get("KRM_FN_CLUSTER_REPORT"):  # for the benchmark (bench/benchmark.py --cluster)
        Path(report).write_text(json.dumps({"started_in": running.started_in, "peak_rss_mib": peaks, "tests": running.namespaces}))


@pytest.fixture(name="namespace")
def namespace_fixture(cluster: Cluster) -> Iterator[str]:
    """A Kubernetes namespace of the test's own, with its default service account (pods wait for
    it), deleted after the test (without waiting)."""
    name = f"t-{secrets.token_hex(4)}"
    cluster.kubectl("create", "namespace", name)
    cluster.namespaces += 1
    cluster.wait_for(
        f"namespace {name}'s default service account",
        lambda: cluster.kubectl("get", "serviceaccount", "default", "-n", name, check=False, timeout=10),
        "serviceaccounts",
        namespace=name,
    )
    try:
        yield name
    finally:
        cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)
