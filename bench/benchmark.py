#!/usr/bin/env python3
"""Performance benchmark of the krm-progressive-delivery function (not a test: it asserts nothing).

    .venv/bin/python bench/benchmark.py                  # full run (5-10 minutes on 2 shared cores)
    .venv/bin/python bench/benchmark.py --quick          # sizes up to 1,000, fewer runs (under 2 minutes)
    .venv/bin/python bench/benchmark.py --sizes 10,100,1000,10000 --repeats 5
    .venv/bin/python bench/benchmark.py --experiments    # also the suggested changes end to end (+3-7 minutes)
    .venv/bin/python bench/benchmark.py --sections profile --profile-size 10000 --name profile-10000

Every measurement is a subprocess, the function interleaved with its baselines in the same
run (the order rotated every repeat), reported as medians and ratios of medians:

  a. start-up: the console script on a one-Deployment list vs `python -c pass` (and
     `python -c "import yaml"`), a `-X importtime` breakdown and in-process phase times;
  b. throughput: the console script vs a bare libyaml round trip (CSafeLoader, CSafeDumper)
     of the same list, the floor for a PyYAML-based function, and a json.loads/json.dumps
     round trip of the same data (for scale);
  c. kustomize: `kustomize build --enable-alpha-plugins --enable-exec` of N Deployments with
     the function as exec transformer vs a builtin JSON 6902 patch that changes the kind,
     and vs `cat` as exec transformer (kustomize's own cost of an exec function);
  d. peak memory (max RSS, GNU time) against input size plus the interpreter's RSS;
  e. growth: time per item at each size;
  f. where the time goes: one cli.main run with its steps timed (unprofiled) and probes of
     the suggested changes on the same data, at the largest size; a cProfile run (1,000
     resources unless --profile-size says otherwise);
  g. (--experiments) the suggested changes, monkeypatched, end to end as subprocesses.

krm_fn/ is copied to bench/out/snapshot at the start and every child imports that copy
(PYTHONPATH), so edits made to the working tree during a run do not mix into its numbers.

Inputs are generated deterministically (Deployments with several containers, env, probes,
resources and volumes, each with a Service, a ConfigMap and an HPA; the Rollout CRD; a
ProgressiveDelivery config that converts every Deployment) and cached in bench/out/inputs.
Results: markdown on stdout and in bench/out/results.md, raw numbers in bench/out/results.json
(bench/out/ is git-ignored). CPU-time ratios are steadier than wall-time ratios on a shared machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
VENV_BIN = REPO / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
FUNCTION = str(VENV_BIN / "krm-progressive-delivery")
KUSTOMIZE = str(REPO / ".tools" / "bin" / "kustomize")

NAMESPACES = 8
RESOURCES_PER_APP = 4  # Deployment, Service, ConfigMap, HPA

# --------------------------------------------------------------------------------------------
# Deterministic input
# --------------------------------------------------------------------------------------------


def _hex(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def app_names(i: int) -> tuple[str, str]:
    return f"svc-{i:05d}", f"team-{i % NAMESPACES:02d}"


def deployment(i: int) -> dict[str, Any]:
    name, ns = app_names(i)
    version = f"1.{i % 30}.{i % 7}"
    selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name}
    labels = {
        **selector,
        "app.kubernetes.io/part-of": f"platform-{i % 5}",
        "app.kubernetes.io/version": version,
        "app.kubernetes.io/managed-by": "kustomize",
        "tier": ("web", "api", "worker")[i % 3],
    }
    probe_port = "http"
    app = {
        "name": "app",
        "image": f"registry.example.com/{ns}/{name}:{version}",
        "imagePullPolicy": "IfNotPresent",
        "args": ["--port=8080", "--metrics-port=9090", "--log-format=json"],
        "ports": [
            {"name": "http", "containerPort": 8080, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
        ],
        "env": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "FEATURE_NEW_CHECKOUT", "value": "true"},  # quoted: a string that looks like a bool
            {"name": "WORKERS", "value": str(2 + i % 6)},  # quoted: a string that looks like an int
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": f"{name}-config", "key": "db.host"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{name}-db", "key": "password"}}},
        ],
        "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
        "resources": {
            "requests": {"cpu": f"{100 + 50 * (i % 8)}m", "memory": f"{128 * (1 + i % 4)}Mi"},
            "limits": {"cpu": "1", "memory": f"{256 * (1 + i % 4)}Mi"},
        },
        "livenessProbe": {
            "httpGet": {"path": "/healthz", "port": probe_port},
            "initialDelaySeconds": 10,
            "periodSeconds": 10,
        },
        "readinessProbe": {"httpGet": {"path": "/ready", "port": probe_port}, "periodSeconds": 5, "successThreshold": 1},
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/app", "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "db-credentials", "mountPath": "/var/run/secrets/db", "readOnly": True},
        ],
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
        },
    }
    proxy = {
        "name": "envoy",
        "image": "docker.io/envoyproxy/envoy:v1.30.1",
        "args": ["-c", "/etc/envoy/envoy.yaml"],
        "ports": [{"name": "proxy", "containerPort": 15001}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "volumeMounts": [{"name": "envoy-config", "mountPath": "/etc/envoy", "readOnly": True}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels,
            "annotations": {"description": f"{name} serves the {labels['tier']} tier of platform-{i % 5}"},
        },
        "spec": {
            "replicas": 2 + i % 4,
            "revisionHistoryLimit": 5,
            "progressDeadlineSeconds": 600,
            "minReadySeconds": 5,
            "selector": {"matchLabels": selector},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {
                    "labels": labels,
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": "9090",
                        "checksum/config": _hex("config", i),
                    },
                },
                "spec": {
                    "serviceAccountName": name,
                    "terminationGracePeriodSeconds": 30,
                    "securityContext": {"fsGroup": 10001},
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "affinity": {
                        "podAntiAffinity": {
                            "preferredDuringSchedulingIgnoredDuringExecution": [
                                {
                                    "weight": 100,
                                    "podAffinityTerm": {
                                        "labelSelector": {"matchLabels": selector},
                                        "topologyKey": "kubernetes.io/hostname",
                                    },
                                }
                            ]
                        }
                    },
                    "initContainers": [
                        {
                            "name": "wait-for-db",
                            "image": "docker.io/library/busybox:1.36",
                            "command": ["/bin/sh", "-c", "until nc -z db.data.svc 5432; do sleep 1; done && echo database is up"],
                            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                        }
                    ],
                    "containers": [app, proxy],
                    "volumes": [
                        {"name": "config", "configMap": {"name": f"{name}-config", "defaultMode": 0o444}},
                        {"name": "envoy-config", "configMap": {"name": f"{name}-config"}},
                        {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                        {"name": "db-credentials", "secret": {"secretName": f"{name}-db", "defaultMode": 0o440}},
                    ],
                },
            },
        },
    }


def service(i: int) -> dict[str, Any]:
    name, ns = app_names(i)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "labels": {"app.kubernetes.io/name": name}},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name},
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"},
            ],
        },
    }


def configmap(i: int) -> dict[str, Any]:
    name, ns = app_names(i)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{name}-config", "namespace": ns, "labels": {"app.kubernetes.io/name": name}},
        "data": {
            "db.host": f"{name}-db.data.svc.cluster.local",
            "db.port": "5432",
            "cache.enabled": "true",
            "file.mode": "0644",
            "request.timeout": "30s",
            "app.yaml": (
                f"server:\n  port: 8080\n  name: {name}\nfeatures:\n  checkout: on\n  search: off\n"
                f"limits:\n  rps: {100 * (1 + i % 10)}\n  burst: 50\n"
            ),
            "envoy.yaml": "static_resources:\n  listeners:\n  - name: ingress\n    port_value: 15001\n",
        },
    }


def hpa(i: int) -> dict[str, Any]:
    name, ns = app_names(i)
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 10 + i % 10,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
            ],
        },
    }


ROLLOUT_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "rollouts.argoproj.io"},
    "spec": {
        "group": "argoproj.io",
        "names": {"kind": "Rollout", "listKind": "RolloutList", "plural": "rollouts", "shortNames": ["ro"], "singular": "rollout"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1alpha1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.HPAReplicas"}},
            }
        ],
    },
}

CANARY_STEPS = [{"setWeight": 20}, {"pause": {"duration": "30s"}}, {"setWeight": 50}, {"pause": {"duration": "1m"}}, {"setWeight": 80}, {"pause": {}}]

FUNCTION_CONFIG: dict[str, Any] = {
    "apiVersion": "delivery.krm-fn.dev/v1alpha1",
    "kind": "ProgressiveDelivery",
    "metadata": {"name": "all-canaries"},
    "spec": {"enabled": True, "provider": "argo-rollouts", "canarySteps": CANARY_STEPS, "requireCRD": True},
}


def apps_for(resources: int) -> int:
    return max(1, resources // RESOURCES_PER_APP)


def resource_list(apps: int, per_app: bool = True) -> dict[str, Any]:
    items: list[dict[str, Any]] = [ROLLOUT_CRD]
    for i in range(apps):
        items.extend((deployment(i), service(i), configmap(i), hpa(i)) if per_app else (deployment(i),))
    return {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items, "functionConfig": FUNCTION_CONFIG}


class _NoAliasDumper(yaml.CSafeDumper):  # type: ignore[misc]
    """Shared subtrees (a Deployment's labels, its selector) are written out in full, as kustomize does."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


# str subclasses (the function's quoting-style markers) written as plain strings
_NoAliasDumper.add_multi_representer(str, lambda dumper, data: dumper.represent_str(str(data)))


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, default_flow_style=False, width=1 << 30)


def _generator_key() -> str:
    """Changes whenever the generated content would: cached inputs are keyed by it."""
    import inspect

    parts = [inspect.getsource(f) for f in (app_names, deployment, service, configmap, hpa, resource_list, _hex)]
    parts.append(json.dumps([ROLLOUT_CRD, FUNCTION_CONFIG, NAMESPACES, yaml.__version__]))
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:10]


def _yaml_chunk(span: tuple[int, int]) -> str:
    """The `items:` entries of apps [start, stop) as YAML text (block sequence at column 0)."""
    items = []
    for i in range(*span):
        items.extend((deployment(i), service(i), configmap(i), hpa(i)))
    return dump_yaml(items) if items else ""


def write_list_yaml(path: Path, apps: int) -> None:
    """The same text as dump_yaml(resource_list(apps)), dumped in chunks on all cores."""
    from concurrent.futures import ProcessPoolExecutor

    step = 250
    spans = [(start, min(apps, start + step)) for start in range(0, apps, step)]
    head = dump_yaml({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList"})
    crd = dump_yaml([ROLLOUT_CRD])
    tail = dump_yaml({"functionConfig": FUNCTION_CONFIG})
    if len(spans) > 1:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            chunks = list(pool.map(_yaml_chunk, spans))
    else:
        chunks = [_yaml_chunk(s) for s in spans]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as out:
        out.write(head + "items:\n" + crd)
        for chunk in chunks:
            out.write(chunk)
        out.write(tail)
    tmp.replace(path)


class Input:
    def __init__(self, resources: int, apps: int, key: str) -> None:
        self.resources = resources
        self.apps = apps
        self.items = 1 + RESOURCES_PER_APP * apps
        folder = OUT / "inputs"
        folder.mkdir(parents=True, exist_ok=True)
        self.yaml_path = folder / f"list-{apps}apps-{key}.yaml"
        self.json_path = folder / f"list-{apps}apps-{key}.json"
        if not self.yaml_path.exists():
            write_list_yaml(self.yaml_path, apps)
        if not self.json_path.exists():
            tmp = self.json_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(resource_list(apps)))
            tmp.replace(self.json_path)
        self.yaml_bytes = self.yaml_path.stat().st_size
        self.json_bytes = self.json_path.stat().st_size


# --------------------------------------------------------------------------------------------
# The code measured: a snapshot, so that edits made to krm_fn/ during a run do not mix in
# --------------------------------------------------------------------------------------------

SNAPSHOT = OUT / "snapshot"


def code_digest(package: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def snapshot_code() -> dict[str, Any]:
    """Copy krm_fn/ as it is now to bench/out/snapshot and put it first on every child's PYTHONPATH.

    The console script, the stage and profile runs and kustomize's exec function then all
    import this copy (PYTHONPATH comes before the editable install), whatever happens to the
    working tree meanwhile.
    """
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    shutil.copytree(REPO / "krm_fn", SNAPSHOT / "krm_fn", ignore=shutil.ignore_patterns("__pycache__"))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(SNAPSHOT) + (os.pathsep + old if old else "")
    probe = subprocess.run([PYTHON, "-c", "import krm_fn; print(krm_fn.__file__)"], capture_output=True, text=True, env=tool_env(), cwd=SNAPSHOT)
    imported = Path(probe.stdout.strip()).resolve()
    if SNAPSHOT.resolve() not in imported.parents:
        raise RuntimeError(f"the snapshot is not what children import: {probe.stdout or probe.stderr}")
    git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True, cwd=REPO).stdout.strip()  # noqa: E731
    return {
        "git_head": git("rev-parse", "--short", "HEAD"),
        "uncommitted": [line for line in git("status", "--porcelain", "--", "krm_fn").splitlines() if line],
        "digest": code_digest(SNAPSHOT / "krm_fn"),
        "path": str(SNAPSHOT.relative_to(REPO)),
    }


# --------------------------------------------------------------------------------------------
# Running children
# --------------------------------------------------------------------------------------------

FLOOR_YAML = (
    "import sys, yaml\n"
    "data = yaml.load(sys.stdin.buffer.read(), Loader=yaml.CSafeLoader)\n"
    "sys.stdout.write(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))\n"
)
FLOOR_JSON = "import sys, json\ndata = json.loads(sys.stdin.buffer.read())\nsys.stdout.write(json.dumps(data))\n"


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), str(KUSTOMIZE_DIR), env.get("PATH", "")])
    env.pop("KRM_FN_DEBUG", None)
    return env


KUSTOMIZE_DIR = Path(KUSTOMIZE).parent


# GNU time reports the max RSS of the command it forks itself. wait4's ru_maxrss would not do:
# Linux carries the high-water mark of the pre-exec image over exec, and subprocess's child
# starts as a copy of (or shares) this process, so every child would read at least its size.
GNU_TIME = "/usr/bin/time"
_gnu_time: list[bool] = []


def have_gnu_time() -> bool:
    if not _gnu_time:
        _gnu_time.append(os.access(GNU_TIME, os.X_OK) and subprocess.run([GNU_TIME, "-f", "%M", "true"], capture_output=True).returncode == 0)
    return _gnu_time[0]


def run_child(argv: list[str], stdin: Path | None, stdout: Path | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """One run: wall time, CPU time (user+sys from wait4, its children included) and max RSS (GNU time)."""
    tmp = OUT / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    rss_file = tmp / "maxrss"
    full = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *argv] if have_gnu_time() else argv
    with open(stdin or os.devnull, "rb") as fin, open(stdout or os.devnull, "wb") as fout, open(tmp / "stderr", "wb") as ferr:
        start = time.perf_counter()
        # `python -c`/`-m` put the working directory first on sys.path: the snapshot's, not the repository's
        proc = subprocess.Popen(full, stdin=fin, stdout=fout, stderr=ferr, cwd=cwd or (SNAPSHOT if SNAPSHOT.exists() else None), env=tool_env())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_kb = int(rss_file.read_text().split()[-1]) if have_gnu_time() else usage.ru_maxrss
    sample = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": rss_kb, "rc": proc.returncode}
    if proc.returncode != 0:
        sample["stderr"] = (tmp / "stderr").read_text(errors="replace")[-2000:]
    return sample


def interleaved(label: str, variants: dict[str, Any], repeats: int) -> dict[str, list[dict[str, Any]]]:
    """Each repeat runs every variant once, in an order rotated by one each repeat."""
    names = list(variants)
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            sample = variants[name]()
            samples[name].append(sample)
            if sample["rc"] != 0:
                log(f"  !! {label} {name}: exit {sample['rc']}: {sample.get('stderr', '')[-400:]}")
        log(f"  {label} repeat {r + 1}/{repeats}: " + ", ".join(f"{n} {samples[n][-1]['wall']:.2f}s" for n in names))
    return samples


def med(samples: list[dict[str, Any]], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "runs": len(samples),
        "wall_median": med(samples, "wall"),
        "wall_min": min(s["wall"] for s in samples),
        "wall_max": max(s["wall"] for s in samples),
        "cpu_median": med(samples, "cpu"),
        "rss_mb_median": med(samples, "rss_kb") / 1024,
        "exit_codes": sorted({s["rc"] for s in samples}),
        "samples": samples,
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def count_rollouts(text: str, leading: str) -> int:
    return len(re.findall(rf"^{leading}apiVersion: argoproj\.io/v1alpha1\n\s*kind: Rollout$", text, re.M))


# --------------------------------------------------------------------------------------------
# a. Start-up
# --------------------------------------------------------------------------------------------

STARTUP_PROBE = r"""
import io, json, sys, time
t0 = time.perf_counter()
import yaml
t1 = time.perf_counter()
import pydantic
t2 = time.perf_counter()
import krm_fn.config
t3 = time.perf_counter()
import krm_fn.cli
t4 = time.perf_counter()
data = open(sys.argv[1], "rb").read()
code = krm_fn.cli.main([], io.BytesIO(data), io.StringIO(), io.StringIO())
t5 = time.perf_counter()
print(json.dumps({"import yaml": t1 - t0, "import pydantic": t2 - t1,
                  "import krm_fn.config (pydantic models built)": t3 - t2,
                  "import the rest of krm_fn.cli": t4 - t3, "run on one Deployment": t5 - t4, "rc": code}))
"""


def parse_importtime(text: str) -> list[tuple[str, int, int, int]]:
    rows = []
    for line in text.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            rows.append((m.group(4), len(m.group(3)) // 2, int(m.group(1)), int(m.group(2))))
    return rows


def bench_startup(inp: Input, repeats: int, importtime_runs: int) -> dict[str, Any]:
    log(f"[a] start-up: {repeats} interleaved runs each")
    variants = {
        "python -c pass": lambda: run_child([PYTHON, "-c", "pass"], inp.yaml_path),
        'python -c "import yaml"': lambda: run_child([PYTHON, "-c", "import yaml"], inp.yaml_path),
        "function, 1 Deployment": lambda: run_child([FUNCTION], inp.yaml_path),
    }
    for run in variants.values():  # warm the page cache and __pycache__
        run()
    samples = interleaved("start-up", variants, repeats)
    result: dict[str, Any] = {"variants": {name: summary(s) for name, s in samples.items()}}

    # -X importtime of the console script itself (what it imports while running, lazily too)
    per_module: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for _ in range(importtime_runs):
        with open(inp.yaml_path, "rb") as fin:
            proc = subprocess.run([PYTHON, "-X", "importtime", FUNCTION], stdin=fin, capture_output=True, env=tool_env(), cwd=SNAPSHOT)
        for name, depth, self_us, cum_us in parse_importtime(proc.stderr.decode(errors="replace")):
            if name not in per_module:
                per_module[name] = {"depth": depth, "self": [], "cum": []}
                order.append(name)
            per_module[name]["self"].append(self_us)
            per_module[name]["cum"].append(cum_us)
    modules = [
        {"module": n, "depth": per_module[n]["depth"], "self_ms": statistics.median(per_module[n]["self"]) / 1000,
         "cumulative_ms": statistics.median(per_module[n]["cum"]) / 1000}
        for n in order
    ]
    roots = [m for m in modules if m["depth"] == 0]
    groups: dict[str, float] = {}
    for m in modules:
        top = m["module"].split(".")[0]
        groups[top] = groups.get(top, 0.0) + m["self_ms"]
    result["importtime"] = {
        "runs": importtime_runs,
        "total_ms": sum(m["cumulative_ms"] for m in roots),
        "top_cumulative": sorted(modules, key=lambda m: -m["cumulative_ms"])[:10],
        "top_self": sorted(modules, key=lambda m: -m["self_ms"])[:10],
        "by_package": sorted(({"package": k, "self_ms": v} for k, v in groups.items()), key=lambda g: -g["self_ms"])[:10],
    }

    # in-process breakdown of the whole start-up (imports in the order the function does them)
    phases: dict[str, list[float]] = {}
    for _ in range(max(3, importtime_runs)):
        proc = subprocess.run([PYTHON, "-c", STARTUP_PROBE, str(inp.yaml_path)], capture_output=True, env=tool_env(), cwd=SNAPSHOT)
        for k, v in json.loads(proc.stdout).items():
            if k != "rc":
                phases.setdefault(k, []).append(v)
    result["phases_ms"] = {k: statistics.median(v) * 1000 for k, v in phases.items()}
    return result


# --------------------------------------------------------------------------------------------
# b, d, e. Throughput, memory, growth
# --------------------------------------------------------------------------------------------


def bench_throughput(inputs: list[Input], repeats: int, large_repeats: int) -> list[dict[str, Any]]:
    rows = []
    tmp = OUT / "tmp"
    for inp in inputs:
        n = large_repeats if inp.resources >= 5000 else repeats
        log(f"[b] throughput, {inp.items} items ({inp.yaml_bytes / 1e6:.1f} MB): {n} interleaved runs each")
        out_fn, out_floor, out_json = tmp / "function.out", tmp / "floor.out", tmp / "json.out"
        variants = {
            "function": lambda: run_child([FUNCTION], inp.yaml_path, out_fn),
            "pyyaml floor": lambda: run_child([PYTHON, "-c", FLOOR_YAML], inp.yaml_path, out_floor),
            "json round trip": lambda: run_child([PYTHON, "-c", FLOOR_JSON], inp.json_path, out_json),
        }
        samples = interleaved(f"{inp.resources} resources", variants, n)
        text = out_fn.read_text()
        rows.append(
            {
                "resources": inp.resources,
                "items": inp.items,
                "deployments": inp.apps,
                "input_bytes": inp.yaml_bytes,
                "json_input_bytes": inp.json_bytes,
                "output_bytes": len(text.encode()),
                "rollouts_in_output": count_rollouts(text, "- "),
                "variants": {name: summary(s) for name, s in samples.items()},
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# c. kustomize
# --------------------------------------------------------------------------------------------

JSON6902_PATCH = [
    {"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"},
    {"op": "replace", "path": "/kind", "value": "Rollout"},
    {"op": "add", "path": "/spec/strategy", "value": {"canary": {"maxSurge": "25%", "maxUnavailable": 0, "steps": CANARY_STEPS}}},
]


def make_kustomize_tree(deployments: int, key: str) -> Path:
    root = OUT / f"kustomize-{deployments}-{key}"
    if (root / "done").exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    files = root / "base" / "deployments"
    files.mkdir(parents=True)
    names = []
    for i in range(deployments):
        name = f"deployments/{app_names(i)[0]}.yaml"
        (root / "base" / name).write_text(dump_yaml(deployment(i)))
        names.append(name)
    (root / "base" / "rollout-crd.yaml").write_text(dump_yaml(ROLLOUT_CRD))
    (root / "base" / "kustomization.yaml").write_text(
        dump_yaml({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["rollout-crd.yaml", *names]})
    )
    (root / "function").mkdir()
    config = json.loads(json.dumps(FUNCTION_CONFIG))
    config["metadata"]["annotations"] = {"config.kubernetes.io/function": "exec:\n  path: krm-progressive-delivery\n"}
    (root / "function" / "progressive-delivery.yaml").write_text(dump_yaml(config))
    (root / "function" / "kustomization.yaml").write_text(
        dump_yaml({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["../base"],
                   "transformers": ["progressive-delivery.yaml"]})
    )
    (root / "identity").mkdir()
    identity = {"apiVersion": "bench.krm-fn.dev/v1", "kind": "Identity", "metadata": {"name": "identity", "annotations": {
        "config.kubernetes.io/function": f"exec:\n  path: {shutil.which('cat') or '/bin/cat'}\n"}}}
    (root / "identity" / "identity.yaml").write_text(dump_yaml(identity))
    (root / "identity" / "kustomization.yaml").write_text(
        dump_yaml({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["../base"],
                   "transformers": ["identity.yaml"]})
    )
    (root / "patch").mkdir()
    patch = {
        "target": {"group": "apps", "version": "v1", "kind": "Deployment"},
        "patch": dump_yaml(JSON6902_PATCH),
        # JSON 6902 changes apiVersion and kind with or without this option; a strategic-merge
        # patch needs it to change the kind, and even then keeps apiVersion apps/v1.
        "options": {"allowKindChange": True},
    }
    (root / "patch" / "kustomization.yaml").write_text(
        dump_yaml({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["../base"], "patches": [patch]})
    )
    (root / "done").write_text("")
    return root


def bench_kustomize(deployments: int, repeats: int, key: str) -> dict[str, Any]:
    root = make_kustomize_tree(deployments, key)
    log(f"[c] kustomize build of {deployments} Deployments: {repeats} interleaved runs each")
    flags = [KUSTOMIZE, "build", "--enable-alpha-plugins", "--enable-exec"]
    tmp = OUT / "tmp"
    outs = {"function (exec transformer)": tmp / "k-function.out", "builtin JSON 6902 patch": tmp / "k-patch.out",
            "identity exec transformer (`cat`)": tmp / "k-identity.out"}
    dirs = {"function (exec transformer)": "function", "builtin JSON 6902 patch": "patch", "identity exec transformer (`cat`)": "identity"}
    variants = {name: (lambda name=name: run_child([*flags, dirs[name]], None, outs[name], cwd=root)) for name in outs}
    samples = interleaved("kustomize", variants, repeats)
    input_bytes = sum(p.stat().st_size for p in (root / "base").rglob("*.yaml"))
    result: dict[str, Any] = {"deployments": deployments, "input_bytes": input_bytes, "tree": str(root.relative_to(REPO)), "variants": {}}
    for name, s in samples.items():
        text = outs[name].read_text()
        result["variants"][name] = {
            **summary(s),
            "rollouts_in_output": count_rollouts(text, ""),
            "deployments_in_output": len(re.findall(r"^apiVersion: apps/v1\nkind: Deployment$", text, re.M)),
        }
    return result


# --------------------------------------------------------------------------------------------
# Suggested speed-ups, as monkeypatches (the benchmark never edits krm_fn; see the report's diffs)
# --------------------------------------------------------------------------------------------


class _IndexedServices(dict):  # type: ignore[type-arg]
    """namespace -> Services, as `plan` reads it, plus the Services by (namespace, first selector pair)."""

    by_pair: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]]


def patch_service_index() -> bool:
    """process.plan with `canaryService: generate`: find a Deployment's Services through an index.

    A Service selects pods only if its first selector pair is among their labels, so the
    candidates come from the Deployment's own labels instead of every Service of its
    namespace. Applies to code with `services_by_namespace` / `selecting_services(services,
    deployment)`; returns False (and changes nothing) for any other shape of the code.
    """
    import inspect

    from krm_fn import labelselector, process
    from krm_fn.select import namespace_of

    if not hasattr(process, "services_by_namespace") or not hasattr(process, "selecting_services"):
        return False
    if list(inspect.signature(process.selecting_services).parameters)[:1] != ["services"]:
        return False
    try:
        from krm_fn.fields import get_map, pod_labels
    except ImportError:
        return False
    by_namespace, selecting = process.services_by_namespace, process.selecting_services

    def services_by_namespace(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        found = _IndexedServices(by_namespace(items))
        found.by_pair = {}
        for namespace, services in found.items():
            for position, service in enumerate(services):
                selector = get_map(service, "spec", "selector")
                if selector:  # an empty selector selects no pods
                    key, value = next(iter(selector.items()))
                    found.by_pair.setdefault((namespace, str(key), str(value)), []).append((position, service))
        return found

    def selecting_services(services: dict[str, list[dict[str, Any]]], deployment: dict[str, Any]) -> list[dict[str, Any]]:
        if not isinstance(services, _IndexedServices):
            return selecting(services, deployment)
        labels = pod_labels(deployment)
        namespace = namespace_of(deployment)
        found: dict[int, dict[str, Any]] = {}
        for key, value in labels.items():
            for position, service in services.by_pair.get((namespace, str(key), str(value)), ()):
                if position not in found and labelselector.service_matches(get_map(service, "spec", "selector"), labels):
                    found[position] = service
        return [found[position] for position in sorted(found)]  # the namespace's order, as before

    process.services_by_namespace = services_by_namespace
    process.selecting_services = selecting_services
    return True


_NOT_ANCHOR_NAME = frozenset(("", " ", "\t", "\r", "\n", ",", "[", "]", "{", "}"))


def may_hold_anchor(text: str) -> bool:
    """Whether `text` may hold a YAML anchor (False positives only cost the alias walk).

    An anchor is a node property, so its `&` follows a line's indentation, a flow bracket
    or comma, an indicator and a space ("- ", ": ", "? ", "--- ") or a tag and a space, and
    a name follows it. The `&&` of a shell command or the `&` of a URL query is none of
    these. Each `&` looks back over one run of blanks and one token: linear in the text.
    """
    i = text.find("&")
    while i != -1:
        if text[i + 1 : i + 2] not in _NOT_ANCHOR_NAME:
            j = i - 1
            while j >= 0 and text[j] in " \t":
                j -= 1
            if j < 0 or text[j] in "\n\r[{,":
                return True
            if j < i - 1:
                if text[j] in "-?:":
                    return True
                k = j
                while k >= 0 and text[k] not in " \t\r\n":
                    k -= 1
                if text[k + 1] == "!":
                    return True
        i = text.find("&", i + 1)
    return False


def patch_anchor_check() -> bool:
    """yaml_io.load: run the alias-expansion walk only when the text can hold an anchor."""
    import inspect

    from krm_fn import yaml_io

    if not all(hasattr(yaml_io, f) for f in ("_check_depth", "_check_expansion")) or '"&" in text' not in inspect.getsource(yaml_io.load):
        return False
    check_depth, check_expansion = yaml_io._check_depth, yaml_io._check_expansion
    seen = {"text": "&"}

    def remember(text: str) -> None:  # load() calls it with the text before parsing
        seen["text"] = text
        check_depth(text)

    def maybe_check_expansion(data: Any) -> None:
        if may_hold_anchor(seen["text"]):
            check_expansion(data)

    yaml_io._check_depth = remember
    yaml_io._check_expansion = maybe_check_expansion
    return True


def patch_gc() -> bool:
    """cli.main: a short-lived process with millions of containers: no cyclic GC at all."""
    import gc

    gc.disable()
    return True


PATCHES = {"gc": patch_gc, "anchor": patch_anchor_check, "service-index": patch_service_index}


def patched_run(names: list[str]) -> int:
    for name in names:
        PATCHES[name]()
    from krm_fn import cli

    return cli.main([])


# --------------------------------------------------------------------------------------------
# f. Where the time goes: unprofiled stages in one process, then cProfile
# --------------------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = {}
        self.last: dict[str, Any] = {}

    def open(self, name: str) -> None:
        """Rows are listed in the order they are first entered: a step before its parts."""
        self.rows.setdefault(name, {"wall": 0.0, "cpu": 0.0, "calls": 0})

    def add(self, name: str, wall: float, cpu: float) -> None:
        row = self.rows.setdefault(name, {"wall": 0.0, "cpu": 0.0, "calls": 0})
        row["wall"] += wall
        row["cpu"] += cpu
        row["calls"] += 1

    def time(self, name: str, fn: Any, *args: Any) -> Any:
        self.open(name)
        w, c = time.perf_counter(), time.process_time()
        try:
            return fn(*args)
        finally:
            self.add(name, time.perf_counter() - w, time.process_time() - c)

    def wrap(self, name: str, fn: Any, consume: bool = False) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name.strip() in ("yaml_io.dump", "run: process.run") and args:
                _last_args["dump" if "dump" in name else "run"] = args[0]
            self.open(name)
            w, c = time.perf_counter(), time.process_time()
            try:
                out = fn(*args, **kwargs)
                out = list(out) if consume else out
                self.last[name] = out
                return out
            finally:
                self.add(name, time.perf_counter() - w, time.process_time() - c)

        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapper


# (module, attribute, row label); a row's indentation shows what it is part of. Whatever is
# missing (the code moves on) is skipped; cli.main's total always counts.
STAGE_WRAPS = [
    ("krm_fn.resource_list", "parse", "parse: resource_list.parse"),
    ("krm_fn.yaml_io", "load", "  yaml_io.load"),
    ("krm_fn.yaml_io", "_check_depth", "    nesting-depth pre-check (_check_depth)"),
    ("krm_fn.yaml_io", "_check_expansion", "    alias-expansion walk (_check_expansion: the text contains '&')"),
    ("krm_fn.resource_list", "item_problems", "item checks: resource_list.item_problems"),
    ("krm_fn.process", "run", "run: process.run"),
    ("krm_fn.process", "load_config", "  functionConfig: load_config (pydantic validation)"),
    ("krm_fn.process", "plan", "  plan (select, find Services, canary strategy)"),
    ("krm_fn.process", "services_by_namespace", "    services_by_namespace"),
    ("krm_fn.process", "selecting_services", "    selecting_services"),
    ("krm_fn.process", "canary_strategy", "    canary_strategy (pydantic model_dump per Deployment)"),
    ("krm_fn.process", "to_rollout", "  to_rollout"),
    ("krm_fn.process", "retarget", "  retarget autoscalers"),
    ("krm_fn.resource_list", "render", "render: resource_list.render"),
    ("krm_fn.yaml_io", "dump", "  yaml_io.dump"),
]


def stages_main(path: str) -> None:
    """Child process: one cli.main run with its steps timed, then bare PyYAML and the suggested changes on the same data."""
    import gc
    import importlib
    import io

    from krm_fn import cli, rules, yaml_io

    clock = _Clock()
    missing = []
    for module_name, attr, label in STAGE_WRAPS:
        module = importlib.import_module(module_name)
        if hasattr(module, attr):
            setattr(module, attr, clock.wrap(label, getattr(module, attr)))
        else:
            missing.append(f"{module_name}.{attr}")
    # yaml.load as yaml_io calls it (through its module global), not as this file calls it
    bare_yaml_load = yaml.load
    yaml_io.yaml = type(sys)("yaml")
    yaml_io.yaml.__dict__.update(yaml.__dict__)
    yaml_io.yaml.load = clock.wrap("    yaml.load with the function's Loader", bare_yaml_load)
    for rule_list, kind in ((rules.RULES, "rule"), (rules.AFTER_RULES, "after-rule")):
        for i, rule in enumerate(rule_list):
            rule_list[i] = clock.wrap(f"  {kind} {rule.__module__.rsplit('.', 1)[1]}", rule, consume=True)

    data = Path(path).read_bytes()
    stdout = io.StringIO()
    gc.enable()
    code = clock.time("cli.main (all of it)", cli.main, [], io.BytesIO(data), stdout, io.StringIO())
    gc_left_disabled = not gc.isenabled()  # the function turns the cyclic GC off itself
    gc.enable()
    output_bytes = len(stdout.getvalue().encode())
    del stdout
    text = data.decode("utf-8-sig")
    out = clock.last.get("  yaml_io.dump", None)
    dumped_data = _last_args.get("dump")

    bare: dict[str, Any] = {}
    if os.environ.get("BENCH_STAGES_BARE") == "1":
        clock.time("bare: yaml.load CSafeLoader (same text)", lambda: bare_yaml_load(text, Loader=yaml.CSafeLoader))
        if dumped_data is not None:
            plain = _plain(dumped_data)  # the function's str subclasses as str: what a bare dump would get
            clock.time("bare: yaml.dump CSafeDumper, no aliases (same output data)", lambda: yaml.dump(plain, Dumper=_NoAliasDumper, sort_keys=False))
            del plain
    del out

    probes: dict[str, Any] = {"exit_code": code}

    def probe(name: str, fn: Any) -> None:
        try:
            probes[name] = fn()
        except Exception as err:  # the code under test moved on; report, do not stop
            probes[name] = f"failed: {type(err).__name__}: {err}"

    # Undo the timers: the probes below must not add to the rows of the run above.
    for module_name, attr, _ in STAGE_WRAPS:
        module = importlib.import_module(module_name)
        wrapped = getattr(getattr(module, attr, None), "__wrapped__", None)
        if wrapped is not None:
            setattr(module, attr, wrapped)

    def generate_probe() -> Any:
        """plan with `canaryService: generate`, the one path that matches Services to Deployments."""
        from krm_fn import process

        items = _last_args.get("run")
        config = clock.last.get("  functionConfig: load_config (pydantic validation)")
        if items is None or config is None or config[0] is None:
            return "skipped: run/config not captured"
        spec = config[0]
        generate = spec.model_copy(update={"canary": spec.canary.model_copy(update={"canaryService": "generate"})})
        before = clock.time("probe: plan with canaryService: generate, as it is", process.plan, items, generate)
        originals = process.services_by_namespace, process.selecting_services
        if not patch_service_index():
            return "the indexed Service lookup does not apply to this code"
        try:
            after = clock.time("probe: plan with canaryService: generate, Services indexed", process.plan, items, generate)
        finally:
            process.services_by_namespace, process.selecting_services = originals
        return [[id(x) for x in t.services] for t in before] == [[id(x) for x in t.services] for t in after]

    probe("indexed Services: same Services for every Deployment", generate_probe)
    probe("anchor scan finds a possible anchor in this text", lambda: clock.time("probe: anchor scan of the text (may_hold_anchor)", may_hold_anchor, text))

    def gc_probe() -> Any:
        gc.collect()
        gc.disable()
        try:
            doc = clock.time("probe: yaml.load with the function's Loader, gc disabled", bare_yaml_load, text, yaml_io._Loader)
            clock.time("probe: yaml_io.dump, gc disabled", getattr(yaml_io.dump, "__wrapped__", yaml_io.dump), dumped_data)
        finally:
            gc.enable()
        del doc
        return True

    if not gc_left_disabled:
        probe("gc probe ran", gc_probe)
    print(json.dumps({"rows": clock.rows, "input_bytes": len(data), "output_bytes": output_bytes, "missing_steps": missing,
                      "gc_disabled_by_function": gc_left_disabled,
                      "alias_check_ran": "&" in text, "bare": bare, "probes": probes}))


_last_args: dict[str, Any] = {}


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {_plain(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return str(data) if isinstance(data, str) else data


def bench_stages(inp: Input, bare: bool) -> dict[str, Any]:
    log(f"[f] stage timings in one process, {inp.items} items (one run, {'bare PyYAML, ' if bare else ''}the suggested changes)")
    env = tool_env()
    env["BENCH_STAGES_BARE"] = "1" if bare else "0"
    proc = subprocess.run([PYTHON, __file__, "--_stages", str(inp.yaml_path)], capture_output=True, env=env, cwd=SNAPSHOT)
    if proc.returncode != 0:
        raise RuntimeError(f"stage timing failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    result = json.loads(proc.stdout)
    result["resources"] = inp.resources
    result["items"] = inp.items
    return result


PROFILE_ENTRIES = [
    # (label, file suffix, function name, "cum" or "self")
    ("load: yaml_io.load (all of it)", "krm_fn/yaml_io.py", "load", "cum"),
    ("load:   libyaml parse + compose (C, inside get_single_data)", "yaml/constructor.py", "get_single_data", "self"),
    ("load:   resolve override (_Loader.resolve)", "krm_fn/yaml_io.py", "resolve", "cum"),
    ("load:   construct (construct_document)", "yaml/constructor.py", "construct_document", "cum"),
    ("load:     construct_unique_mapping (self)", "krm_fn/yaml_io.py", "construct_unique_mapping", "self"),
    ("load:     construct_styled_str", "krm_fn/yaml_io.py", "construct_styled_str", "cum"),
    ("load:   alias-expansion walk (_check_expansion)", "krm_fn/yaml_io.py", "_check_expansion", "cum"),
    ("load:   nesting pre-check (_check_depth)", "krm_fn/yaml_io.py", "_check_depth", "cum"),
    ("run: process.run (all of it)", "krm_fn/process.py", "run", "cum"),
    ("run:   functionConfig (load_config)", "krm_fn/config.py", "load_config", "cum"),
    ("run:   plan", "krm_fn/process.py", "plan", "cum"),
    ("run:     selecting_services", "krm_fn/process.py", "selecting_services", "cum"),
    ("run:     canary_strategy", "krm_fn/convert.py", "canary_strategy", "cum"),
    ("run:   pydantic model_dump (all calls)", "pydantic/main.py", "model_dump", "cum"),
    ("run:   pydantic model_validate (all calls)", "pydantic/main.py", "model_validate", "cum"),
    ("run:   rule service-selection (after)", "krm_fn/rules/services.py", "check", "cum"),
    ("run:   retarget", "krm_fn/retarget.py", "retarget", "cum"),
    ("run:   to_rollout", "krm_fn/convert.py", "to_rollout", "cum"),
    ("dump: resource_list.render (all of it)", "krm_fn/resource_list.py", "render", "cum"),
    ("dump:   results to_dict", "krm_fn/results.py", "to_dict", "cum"),
    ("dump:   represent_str override", "krm_fn/yaml_io.py", "represent_str", "cum"),
    ("dump:   represent_plain override", "krm_fn/yaml_io.py", "represent_plain", "cum"),
    ("dump:   represent_styled override", "krm_fn/yaml_io.py", "represent_styled", "cum"),
    ("dump:   PyYAML represent_data (Python)", "yaml/representer.py", "represent_data", "cum"),
    ("dump:   libyaml serialize + emit (C, inside represent)", "yaml/representer.py", "represent", "self"),
    ("PyYAML BaseResolver.resolve (load's override via super(), dump's serializer)", "yaml/resolver.py", "resolve", "cum"),
]


def bench_profile(inp: Input) -> dict[str, Any]:
    log(f"[f] cProfile of the function on {inp.items} items")
    prof = OUT / f"profile-{inp.resources}.prof"
    start = time.perf_counter()
    with open(inp.yaml_path, "rb") as fin:
        proc = subprocess.run([PYTHON, "-m", "cProfile", "-o", str(prof), "-m", "krm_fn"], stdin=fin, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=tool_env(), cwd=SNAPSHOT)
    wall = time.perf_counter() - start
    stats = pstats.Stats(str(prof))
    entries = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]

    def pick(suffix: str, func: str, kind: str) -> tuple[float, int] | None:
        found = [(v[1], v[2], v[3]) for (f, _, name), v in entries.items() if f.endswith(suffix) and name == func]
        if not found:
            return None  # not in this version of the code
        return sum(tt if kind == "self" else ct for _, tt, ct in found), sum(calls for calls, _, _ in found)

    rows = []
    for label, suffix, func, kind in PROFILE_ENTRIES:
        got = pick(suffix, func, kind)
        rows.append({"what": label, "seconds": None if got is None else got[0], "calls": None if got is None else got[1],
                     "share": None if got is None else got[0] / total})
    top = sorted(entries.items(), key=lambda kv: -kv[1][2])[:15]
    top_self = [
        {"function": f"{_short(f)}:{line}({name})", "calls": v[1], "self_s": v[2], "cumulative_s": v[3]} for (f, line, name), v in top
    ]
    return {"resources": inp.resources, "items": inp.items, "exit_code": proc.returncode, "profiled_wall": wall, "total": total,
            "rows": rows, "top_self": top_self, "file": str(prof.relative_to(REPO))}


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def bench_experiments(inp: Input, repeats: int) -> dict[str, Any]:
    log(f"[g] suggested changes end to end, {inp.items} items: {repeats} interleaved runs each")
    tmp = OUT / "tmp"
    cli_source = (SNAPSHOT / "krm_fn" / "cli.py").read_text() if SNAPSHOT.exists() else ""
    patches = [name for name in PATCHES if not (name == "gc" and "gc.disable()" in cli_source)]  # already done in the code
    variants = {"function": lambda: run_child([FUNCTION], inp.yaml_path, tmp / "x-function.out")}
    if "gc" in patches:
        variants["function + gc.disable()"] = lambda: run_child([PYTHON, __file__, "--_patched-run", "gc"], inp.yaml_path, tmp / "x-gc.out")
    variants["function + all suggested changes"] = lambda: run_child([PYTHON, __file__, "--_patched-run", ",".join(patches)], inp.yaml_path, tmp / "x-all.out")
    variants["pyyaml floor"] = lambda: run_child([PYTHON, "-c", FLOOR_YAML], inp.yaml_path, tmp / "x-floor.out")
    samples = interleaved("experiments", variants, repeats)
    reference = hashlib.sha256((tmp / "x-function.out").read_bytes()).hexdigest()
    identical = {key: hashlib.sha256((tmp / f"x-{key}.out").read_bytes()).hexdigest() == reference for key in (["gc"] if "gc" in patches else []) + ["all"]}
    return {"resources": inp.resources, "items": inp.items, "patches": patches,
            "variants": {name: summary(s) for name, s in samples.items()}, "identical_output": identical}


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    probe = subprocess.run(
        [PYTHON, "-c", "import sys, yaml, pydantic; print(sys.version.split()[0], yaml.__version__, yaml.__with_libyaml__, pydantic.VERSION)"],
        capture_output=True, text=True, env=tool_env(),
    ).stdout.split()
    kustomize = subprocess.run([KUSTOMIZE, "version"], capture_output=True, text=True).stdout.strip()
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "python": probe[0] if probe else platform.python_version(),
        "pyyaml": probe[1] if len(probe) > 1 else "?",
        "libyaml": probe[2] == "True" if len(probe) > 2 else False,
        "pydantic": probe[3] if len(probe) > 3 else "?",
        "kustomize": kustomize,
        "os": platform.platform(),
        "load_average_start": os.getloadavg(),
    }


def fmt_s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_mb(value: float) -> str:
    return f"{value:.1f} MB"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render_report(r: dict[str, Any]) -> str:
    m = r["machine"]
    out = ["# krm-progressive-delivery: performance benchmark", ""]
    out += [f"Generated by `bench/benchmark.py` ({r['mode']}) on {r['date']} in {r['elapsed_s'] / 60:.1f} minutes. Settings: "
            + ", ".join(f"{k} {v}" for k, v in r["settings"].items()) + ". Minutes per section: "
            + ", ".join(f"{k} {v}" for k, v in r["section_minutes"].items()) + ".", ""]
    out += table(
        ["machine", ""],
        [
            ["CPU", m["cpu"]],
            ["cores (usable)", f"{m['cores']} ({m['usable_cores']})"],
            ["memory", f"{m['memory_gb']} GB"],
            ["Python", m["python"]],
            ["PyYAML", f"{m['pyyaml']}, libyaml: {'yes' if m['libyaml'] else 'no'}"],
            ["pydantic", m["pydantic"]],
            ["kustomize", m["kustomize"]],
            ["code measured", f"krm_fn/ of commit {r['code']['git_head']}"
             + (f" with uncommitted changes in {len(r['code']['uncommitted'])} files" if r["code"]["uncommitted"] else "")
             + f" (sha256 of its .py files {r['code']['digest']}), copied to `{r['code']['path']}` at the start and imported from there"],
            ["krm_fn/ edited during the run", "yes (the snapshot was measured throughout)" if r.get("code_digest_end") != r["code"]["digest"] else "no"],
            ["load average (1/5/15 min) at start", " / ".join(f"{x:.2f}" for x in m["load_average_start"])],
            ["load average at end", " / ".join(f"{x:.2f}" for x in r["load_average_end"])],
        ],
    )
    out += [
        "Every number is a subprocess measured from the outside (wall clock; user+sys CPU from `wait4`; max RSS from "
        "GNU `time`), the function interleaved with its baselines in the same run, rotating the order every repeat. "
        "Tables show medians; ratios are ratios of medians. Other work shares the machine, so wall times are noisy: "
        "the CPU-time ratios are the steadier ones.",
        "",
    ]
    targets: list[list[str]] = []

    if "startup" in r:
        s = r["startup"]
        v = s["variants"]
        base = v["python -c pass"]
        out += ["## a. Start-up", ""]
        out += table(
            ["command", "wall (median)", "CPU (median)", "max RSS", "wall vs `python -c pass`", "CPU vs `python -c pass`", "runs"],
            [[f"`{name}`" if name.startswith("python") else name, fmt_s(x["wall_median"]), fmt_s(x["cpu_median"]), fmt_mb(x["rss_mb_median"]),
              ratio(x["wall_median"], base["wall_median"]), ratio(x["cpu_median"], base["cpu_median"]), x["runs"]] for name, x in v.items()],
        )
        fn = v["function, 1 Deployment"]
        targets.append(["start-up ≤ 1.5× `python -c pass`", f"{fn['wall_median'] / base['wall_median']:.2f}× wall, "
                        f"{fn['cpu_median'] / base['cpu_median']:.2f}× CPU", _verdict(fn["wall_median"] / base["wall_median"] <= 1.5)])
        out += ["Where the start-up goes (in one process, imports in the function's order; median of "
                f"{s['importtime']['runs']} runs):", ""]
        out += table(["phase", "time"], [[k, f"{v_:.0f} ms"] for k, v_ in s["phases_ms"].items()])
        it = s["importtime"]
        out += [f"`python -X importtime` of the console script, top 10 by cumulative time (median of {it['runs']} runs; "
                f"all imports: {it['total_ms']:.0f} ms; indentation = nesting):", ""]
        out += table(["module", "cumulative", "self"],
                     [[("&nbsp;&nbsp;" * x["depth"]) + f"`{x['module']}`", f"{x['cumulative_ms']:.1f} ms", f"{x['self_ms']:.1f} ms"] for x in it["top_cumulative"]])
        out += ["Self time summed by top-level package:", ""]
        out += table(["package", "self time"], [[f"`{x['package']}`", f"{x['self_ms']:.1f} ms"] for x in it["by_package"]])

    if "throughput" in r:
        rows = r["throughput"]
        out += ["## b. Throughput: the function vs a bare libyaml round trip vs JSON", ""]
        out += ["All three read stdin and write stdout (to a file) in their own interpreter, so interpreter start is in every "
                "number. PyYAML floor: `yaml.load(Loader=CSafeLoader)` + `yaml.dump(Dumper=CSafeDumper, sort_keys=False)`; "
                "JSON: `json.loads` + `json.dumps` of the same data.", ""]
        out += table(
            ["resources", "items", "input", "function", "PyYAML floor", "JSON round trip", "function / floor (wall)",
             "function / floor (CPU)", "function / JSON (wall)", "Rollouts out", "runs"],
            [[x["resources"], x["items"], fmt_mb(x["input_bytes"] / 1e6), fmt_s(f["wall_median"]), fmt_s(p["wall_median"]), fmt_s(j["wall_median"]),
              ratio(f["wall_median"], p["wall_median"]), ratio(f["cpu_median"], p["cpu_median"]), ratio(f["wall_median"], j["wall_median"]),
              f"{x['rollouts_in_output']}/{x['deployments']}", f["runs"]]
             for x in rows for f, p, j in [(x["variants"]["function"], x["variants"]["pyyaml floor"], x["variants"]["json round trip"])]],
        )
        big = max(rows, key=lambda x: x["resources"])
        f, p = big["variants"]["function"], big["variants"]["pyyaml floor"]
        targets.append([f"{big['resources']:,} resources ≤ 1.2× the PyYAML floor", f"{f['wall_median'] / p['wall_median']:.2f}× wall, "
                        f"{f['cpu_median'] / p['cpu_median']:.2f}× CPU", _verdict(f["cpu_median"] / p["cpu_median"] <= 1.2)])

        baseline = r["interpreter_rss_mb"]
        out += ["## d. Peak memory", "",
                f"Max RSS of each process (median of its runs). Interpreter baseline: `python -c pass` = {fmt_mb(baseline)}.", ""]
        mem_rows = []
        for x in rows:
            f, p = x["variants"]["function"], x["variants"]["pyyaml floor"]
            denom = x["input_bytes"] / 2**20 + baseline
            mem_rows.append([x["resources"], fmt_mb(x["input_bytes"] / 2**20), fmt_mb(f["rss_mb_median"]), fmt_mb(p["rss_mb_median"]),
                             f"{f['rss_mb_median'] / denom:.2f}×", f"{p['rss_mb_median'] / denom:.2f}×",
                             f"{(f['rss_mb_median'] - baseline) / (x['input_bytes'] / 2**20):.1f}×", f"{(p['rss_mb_median'] - baseline) / (x['input_bytes'] / 2**20):.1f}×"])
        out += table(["resources", "input (MiB)", "function peak", "floor peak", "function peak / (input + interpreter)",
                      "floor peak / (input + interpreter)", "function (peak − interpreter) / input", "floor (peak − interpreter) / input"], mem_rows)
        f = big["variants"]["function"]
        targets.append(["peak memory ≤ 4× input + interpreter",
                        f"{big['resources']:,} resources: {f['rss_mb_median'] / (big['input_bytes'] / 2**20 + baseline):.1f}× "
                        f"(input + interpreter); {(f['rss_mb_median'] - baseline) / (big['input_bytes'] / 2**20):.1f}× input above the interpreter",
                        _verdict(f["rss_mb_median"] <= 4 * big["input_bytes"] / 2**20 + baseline)])

        out += ["## e. Growth with size", "",
                "Time per item, and the marginal time per item from the previous size (which leaves interpreter start-up out).", ""]
        growth = []
        previous = None
        for x in sorted(rows, key=lambda x: x["items"]):
            f, p = x["variants"]["function"], x["variants"]["pyyaml floor"]
            if previous is None:
                marginal_cols = ["", ""]
            else:
                pf, pp, items = previous["variants"]["function"], previous["variants"]["pyyaml floor"], x["items"] - previous["items"]
                marginal_cols = [f"{1000 * (f['cpu_median'] - pf['cpu_median']) / items:.2f}", f"{1000 * (p['cpu_median'] - pp['cpu_median']) / items:.2f}"]
            growth.append([x["resources"], f"{1000 * f['wall_median'] / x['items']:.2f}", f"{1000 * f['cpu_median'] / x['items']:.2f}",
                           f"{1000 * p['wall_median'] / x['items']:.2f}", f"{1000 * p['cpu_median'] / x['items']:.2f}", *marginal_cols])
            previous = x
        out += table(["resources", "function ms/item (wall)", "function ms/item (CPU)", "floor ms/item (wall)", "floor ms/item (CPU)",
                      "function marginal ms/item (CPU)", "floor marginal ms/item (CPU)"], growth)
        by_size = {x["resources"]: x for x in rows}
        if 100 in by_size and big["resources"] > 100:
            small = by_size[100]

            def per(x: dict[str, Any], v: str, k: str) -> float:
                return x["variants"][v][k] / x["items"]

            fr = per(big, "function", "cpu_median") / per(small, "function", "cpu_median")
            pr = per(big, "pyyaml floor", "cpu_median") / per(small, "pyyaml floor", "cpu_median")
            out += [f"Time per item at {big['resources']:,} vs 100 resources (CPU): function {fr:.2f}×, PyYAML floor {pr:.2f}× "
                    f"(wall: function {per(big, 'function', 'wall_median') / per(small, 'function', 'wall_median'):.2f}×, "
                    f"floor {per(big, 'pyyaml floor', 'wall_median') / per(small, 'pyyaml floor', 'wall_median'):.2f}×). "
                    "1.0× is linear; at 100 resources interpreter start still weighs in, so compare with the floor's ratio.", ""]
            if 1000 in by_size and big["resources"] > 1000:
                mid = by_size[1000]

                def marginal(a: dict[str, Any], b: dict[str, Any], v: str) -> float:
                    return (b["variants"][v]["cpu_median"] - a["variants"][v]["cpu_median"]) / (b["items"] - a["items"])

                mf = marginal(mid, big, "function") / marginal(small, mid, "function")
                mp = marginal(mid, big, "pyyaml floor") / marginal(small, mid, "pyyaml floor")
                out += [f"Marginal CPU per item, 1,000→{big['resources']:,} vs 100→1,000: function {mf:.2f}×, PyYAML floor {mp:.2f}× "
                        "(1.0× is linear).", ""]
                targets.append([f"linear from 100 to {big['resources']:,}",
                                f"per-item CPU {big['resources']:,} vs 100: {fr:.2f}× (floor {pr:.2f}×); marginal per item "
                                f"1,000→{big['resources']:,} vs 100→1,000: {mf:.2f}× (floor {mp:.2f}×)", _verdict(mf <= 1.2)])
            else:
                targets.append([f"linear from 100 to {big['resources']:,}", f"per-item CPU {fr:.2f}× (floor {pr:.2f}×)", _verdict(fr <= pr * 1.25)])

    if "kustomize" in r:
        k = r["kustomize"]
        v = k["variants"]
        patch = v["builtin JSON 6902 patch"]
        out += ["## c. In kustomize", "",
                f"`kustomize build --enable-alpha-plugins --enable-exec` of {k['deployments']:,} Deployments (one file each, "
                f"{fmt_mb(k['input_bytes'] / 1e6)}) plus the Rollout CRD, in `{k['tree']}`. CPU includes the exec'd function. "
                "The patch variant is a `patches:` entry with `target: {group: apps, version: v1, kind: Deployment}`, a JSON 6902 patch "
                "(replace `/apiVersion`, `/kind`; add `/spec/strategy`) and `options: {allowKindChange: true}` (JSON 6902 changes the "
                "kind with or without the option; a strategic-merge patch changes it only with the option, and keeps `apiVersion: apps/v1`). "
                "The identity variant runs `cat` as the exec transformer: what kustomize itself spends on an exec function "
                "(writing the ResourceList, reading it back).", ""]
        out += table(["build", "wall", "CPU", "max RSS", "Rollouts", "Deployments left", "wall vs patch", "CPU vs patch", "runs"],
                     [[name, fmt_s(x["wall_median"]), fmt_s(x["cpu_median"]), fmt_mb(x["rss_mb_median"]), x["rollouts_in_output"],
                       x["deployments_in_output"], ratio(x["wall_median"], patch["wall_median"]), ratio(x["cpu_median"], patch["cpu_median"]), x["runs"]]
                      for name, x in v.items()])

    if "stages" in r:
        st = r["stages"]
        rows_ = st["rows"]
        main_cpu = rows_["cli.main (all of it)"]["cpu"]

        def cpu(name: str) -> float:
            return rows_.get(name, {}).get("cpu", 0.0)

        out += ["## f. Where the time goes", "",
                f"### Stages, unprofiled ({st['resources']:,} resources, {st['items']} items, one `cli.main` run in one process)", "",
                "`cli.main` on the list with its steps wrapped in timers (indented rows are part of the row above); shares are of "
                f"`cli.main`'s CPU time ({fmt_s(main_cpu)}). Then, on the same data in the same process: bare PyYAML, and probes of "
                "the suggested changes. "
                f"The alias-expansion walk ran: {'yes: the text contains `&` (the `&&` of a shell command)' if st['alias_check_ran'] else 'no'}."
                + (f" Steps not found in the code (skipped): {', '.join(st['missing_steps'])}." if st["missing_steps"] else ""), ""]
        out += table(["step", "calls", "wall", "CPU", "share"],
                     [[k.replace("  ", "&nbsp;&nbsp;"), x["calls"], fmt_s(x["wall"]), fmt_s(x["cpu"]),
                       "" if k.startswith(("bare", "probe")) else f"{100 * x['cpu'] / main_cpu:.1f}%"] for k, x in rows_.items()])
        load, bare_load = cpu("    yaml.load with the function's Loader"), cpu("bare: yaml.load CSafeLoader (same text)")
        dump, bare_dump = cpu("  yaml_io.dump"), cpu("bare: yaml.dump CSafeDumper, no aliases (same output data)")
        notes = []
        if bare_load:
            notes += [
                f"- Load with the function's Loader vs bare CSafeLoader, same text: {ratio(load, bare_load)} CPU "
                f"({fmt_s(load)} vs {fmt_s(bare_load)}).",
                f"- Dump with the function's Dumper vs bare CSafeDumper (no aliases), same data: {ratio(dump, bare_dump)} CPU "
                f"({fmt_s(dump)} vs {fmt_s(bare_dump)}).",
            ]
        load_nogc, dump_nogc = cpu("probe: yaml.load with the function's Loader, gc disabled"), cpu("probe: yaml_io.dump, gc disabled")
        if st.get("gc_disabled_by_function"):
            notes.append("- The function disables the cyclic GC itself (`cli.main`), so the run above is without it.")
        elif load_nogc:
            notes.append(f"- With the cyclic GC disabled: load {fmt_s(load_nogc)} (vs {fmt_s(load)}), dump {fmt_s(dump_nogc)} (vs {fmt_s(dump)}).")
        generate_as_is = cpu("probe: plan with canaryService: generate, as it is")
        if generate_as_is:
            indexed = cpu("probe: plan with canaryService: generate, Services indexed")
            notes.append(f"- `plan` with `canaryService: generate` (the path that matches Services to Deployments): {fmt_s(generate_as_is)} as it is"
                         + (f", {fmt_s(indexed)} with the Services indexed by (namespace, first selector pair)." if indexed else "."))
        expansion_row = next((k for k in rows_ if "_check_expansion" in k), None)
        if expansion_row:
            notes.append(f"- Anchor scan of the text instead of `'&' in text`: {fmt_s(cpu('probe: anchor scan of the text (may_hold_anchor)'))}, "
                         f"which spares the alias-expansion walk ({fmt_s(cpu(expansion_row))}) on this input.")
        notes.append(f"- Probe checks: {', '.join(f'{k}: {v}' for k, v in st['probes'].items())}.")
        out += notes + [""]

    if "profile" in r:
        pr = r["profile"]
        out += [f"### cProfile ({pr['resources']:,} resources; profiled run {fmt_s(pr['profiled_wall'])} wall, "
                f"{fmt_s(pr['total'])} profiled; `{pr['file']}`)", "",
                "cProfile inflates pure-Python code (many small calls) far more than C, so use it for what is called and how "
                "often, and the unprofiled stages above for shares. C work inside Cython methods (libyaml) shows up as self time of "
                "the Python function that calls it.", ""]
        out += table(["entry", "calls", "seconds", "share of profiled total"],
                     [[x["what"].replace("  ", "&nbsp;&nbsp;"), "—" if x["seconds"] is None else x.get("calls", ""),
                       "—" if x["seconds"] is None else f"{x['seconds']:.2f}", "—" if x["seconds"] is None else f"{100 * x['share']:.1f}%"]
                      for x in pr["rows"]])
        out += ["Top 15 functions by self time:", ""]
        out += table(["function", "calls", "self", "cumulative"],
                     [[f"`{x['function']}`", x["calls"], f"{x['self_s']:.2f} s", f"{x['cumulative_s']:.2f} s"] for x in pr["top_self"]])

    if "experiments" in r:
        ex = r["experiments"]
        v = ex["variants"]
        base = v["function"]
        out += [f"## g. Suggested changes, end to end ({ex['resources']:,} resources, monkeypatched: {', '.join(ex['patches'])})", ""]
        if ex.get("note"):
            out += [ex["note"], ""]
        out += table(["variant", "wall", "CPU", "max RSS", "wall vs function", "CPU vs function", "vs floor (CPU)"],
                     [[name, fmt_s(x["wall_median"]), fmt_s(x["cpu_median"]), fmt_mb(x["rss_mb_median"]), ratio(x["wall_median"], base["wall_median"]),
                       ratio(x["cpu_median"], base["cpu_median"]), ratio(x["cpu_median"], v["pyyaml floor"]["cpu_median"])] for name, x in v.items()])
        out += ["Output byte-identical to the unpatched function: " + ", ".join(f"{k}: {v}" for k, v in ex["identical_output"].items()) + ". "
                "The patched variants start through `bench/benchmark.py --_patched-run` (some 40 ms more imports), "
                "which matters only for small lists.", ""]

    if targets:
        out += ["## Targets (reported, not enforced)", ""]
        out += table(["target", "measured", "verdict"], targets)
    return "\n".join(out)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="resources per list, comma-separated (default 10,100,1000,10000; --quick: 10,100,1000)")
    parser.add_argument("--repeats", type=int, help="runs per variant (default 5; --quick: 3)")
    parser.add_argument("--large-repeats", type=int, help="runs per variant for lists of 5,000+ resources (default 3)")
    parser.add_argument("--startup-repeats", type=int, help="runs per start-up variant (default 15; --quick: 8)")
    parser.add_argument("--kustomize-deployments", type=int,
                        help="Deployments in the kustomize overlay (default 200: 1,000 take 2+ minutes per repeat here; --quick: 60; 0 skips)")
    parser.add_argument("--stages-size", type=int, help="resources for the stage timings (default: the largest size; 0 skips)")
    parser.add_argument("--stages-bare", choices=("yes", "no", "auto"), default="auto",
                        help="also time bare PyYAML load/dump in the stage process (auto: below 5,000 resources)")
    parser.add_argument("--kustomize-repeats", type=int, help="runs per kustomize variant (default 3 from 200 Deployments, else --repeats)")
    parser.add_argument("--profile-size", type=int,
                        help="resources for the cProfile run (default: 1,000 or the largest size below; 10000 adds 1-3 minutes; 0 skips)")
    parser.add_argument("--experiments", action="store_true", help="also run the suggested changes end to end (slow)")
    parser.add_argument("--experiments-size", type=int, help="resources for --experiments (default: the largest size)")
    parser.add_argument("--sections", default="startup,throughput,kustomize,stages,profile",
                        help="which sections to run (default: all but experiments)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (under 2 minutes)")
    parser.add_argument("--name", default="results", help="write bench/out/NAME.md and NAME.json (default: results)")
    parser.add_argument("--report-only", action="store_true", help="re-render bench/out/NAME.md from bench/out/NAME.json")
    parser.add_argument("--_stages", help=argparse.SUPPRESS)
    parser.add_argument("--_patched-run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._stages:
        stages_main(args._stages)
        return 0
    if args._patched_run is not None:
        return patched_run([p for p in args._patched_run.split(",") if p])
    if args.report_only:
        report = render_report(json.loads((OUT / f"{args.name}.json").read_text()))
        (OUT / f"{args.name}.md").write_text(report + "\n")
        print(report)
        return 0

    for path in (PYTHON, FUNCTION, KUSTOMIZE):
        if not os.access(path, os.X_OK):
            parser.error(f"{path} is missing: run the project's set-up first")
    quick = args.quick
    sizes = [int(x) for x in (args.sizes or ("10,100,1000" if quick else "10,100,1000,10000")).split(",") if x.strip()]
    repeats = args.repeats or (3 if quick else 5)
    large_repeats = args.large_repeats or min(3, repeats)
    startup_repeats = args.startup_repeats or (8 if quick else 15)
    kustomize_n = (60 if quick else 200) if args.kustomize_deployments is None else args.kustomize_deployments
    kustomize_repeats = args.kustomize_repeats or (large_repeats if kustomize_n >= 200 else repeats)
    stages_size = max(sizes) if args.stages_size is None else args.stages_size
    profile_size = min(max(sizes), 1000) if args.profile_size is None else args.profile_size
    sections = set(args.sections.split(",")) | ({"experiments"} if args.experiments else set())

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    code = snapshot_code()
    key = _generator_key()
    log(f"machine info; inputs in {OUT.relative_to(REPO)}/inputs (generated once, key {key})")
    results: dict[str, Any] = {"machine": machine_info(), "code": code, "mode": "--quick" if quick else "full",
                               "date": time.strftime("%Y-%m-%d %H:%M %Z"),
                               "settings": {"sizes": sizes, "repeats": repeats, "large_repeats": large_repeats,
                                            "startup_repeats": startup_repeats, "kustomize_deployments": kustomize_n,
                                            "kustomize_repeats": kustomize_repeats,
                                            "stages_size": stages_size, "profile_size": profile_size, "sections": sorted(sections)}}
    cache: dict[int, Input] = {}

    def get(resources: int) -> Input:
        if resources not in cache:
            cache[resources] = Input(resources, apps_for(resources), key)
        return cache[resources]

    one = Input(RESOURCES_PER_APP, 1, key)
    for n in sizes:
        get(n)
    section_times: dict[str, float] = {"inputs": time.perf_counter() - started}
    results["section_minutes"] = section_times

    def timed(name: str, fn: Any, *fn_args: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*fn_args)
        finally:
            section_times[name] = time.perf_counter() - t
            log(f"  ({name}: {section_times[name] / 60:.1f} min)")

    if "startup" in sections:
        results["startup"] = timed("startup", bench_startup, one, startup_repeats, 3 if quick else 5)
        results["interpreter_rss_mb"] = results["startup"]["variants"]["python -c pass"]["rss_mb_median"]
    else:
        results["interpreter_rss_mb"] = statistics.median(run_child([PYTHON, "-c", "pass"], None)["rss_kb"] for _ in range(3)) / 1024
    if "throughput" in sections:
        results["throughput"] = timed("throughput", bench_throughput, [get(n) for n in sizes], repeats, large_repeats)
    if "kustomize" in sections and kustomize_n > 0:
        results["kustomize"] = timed("kustomize", bench_kustomize, kustomize_n, kustomize_repeats, key)
    if "stages" in sections and stages_size > 0:
        bare = args.stages_bare == "yes" or (args.stages_bare == "auto" and stages_size < 5000)
        results["stages"] = timed("stages", bench_stages, get(stages_size), bare)
    if "profile" in sections and profile_size > 0:
        results["profile"] = timed("profile", bench_profile, get(profile_size))
    if "experiments" in sections:
        size = args.experiments_size or max(sizes)
        results["experiments"] = timed("experiments", bench_experiments, get(size), large_repeats if size >= 5000 else repeats)
    for name in section_times:
        section_times[name] = round(section_times[name] / 60, 2)
    results["load_average_end"] = os.getloadavg()
    results["code_digest_end"] = code_digest(REPO / "krm_fn")
    results["elapsed_s"] = time.perf_counter() - started

    report = render_report(results)
    (OUT / f"{args.name}.md").write_text(report + "\n")
    (OUT / f"{args.name}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(report)
    log(f"done in {results['elapsed_s'] / 60:.1f} minutes: {OUT.relative_to(REPO)}/{args.name}.md, {args.name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
