#!/usr/bin/env python3
"""Benchmark of the public command, `krm-progressive-delivery` (not a test: it asserts nothing).

    .venv/bin/python bench/benchmark.py            # after scripts/setup.sh; about 5 minutes on 2 cores
    .venv/bin/python bench/benchmark.py --quick    # fewer repeats and smaller lists

Every figure is a ratio of medians from one run in which the commands compared are run
interleaved (A B C, A B C, ...): hyperfine and pyperf run one command's repeats back to
back, and on a shared machine only interleaving keeps a ratio fair. Each command is a
child process; its CPU time and peak RSS come from os.wait4. Rows:

  start-up     a one-Deployment list, vs `python -c pass`
  overlay      the canary overlay's list (the chart's Deployments, Services, HPAs and the
               v1.10.2 Rollout CRD), vs `python -c pass`
  throughput   2,500 Deployments + 2,500 Services, vs the PyYAML floor: a bare CSafeLoader
               load and CSafeDumper dump of the same list, with the GC disabled too
  memory       peak RSS of that run, vs the floor's
  growth       CPU per resource at each size, relative to the smallest (flat = linear)
  kustomize    `kustomize build` of the canary overlay with the v1.10.2 CRD: the function
               vs a transformer that copies stdin to stdout (kustomize's own floor for any
               exec function) vs a builtin JSON 6902 patch that changes the kind

  against      with --against DIR (another checkout, e.g. `git worktree add DIR REV`): this
               tree vs that one, by the same Python, over a list passed through, the same
               with an anchored item, one converted, and the same with a restart CronJob and
               its Role for one Deployment in ten

  cluster      with --cluster, instead of the rows above: the live scenarios (tests/cluster, run
               by pytest as CI runs them) on the test control plane: their wall time vs the
               control plane's start, and the plane's peak memory (the sum of each process's
               peak RSS) vs the API server's own

Results: a markdown table on stdout and in bench/out/results.md (git-ignored).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
BIN = REPO / ".venv" / "bin"
TOOLS = REPO / ".tools" / "bin"
FUNCTION = [str(BIN / "krm-progressive-delivery")]
PYTHON = str(BIN / "python")
PASS = [PYTHON, "-c", "pass"]
FLOOR = [
    PYTHON,
    "-c",
    "import gc, sys, yaml; gc.disable(); "
    "yaml.dump(yaml.load(sys.stdin, Loader=yaml.CSafeLoader), sys.stdout, Dumper=yaml.CSafeDumper, sort_keys=False)",
]
CRD_1_10 = REPO.parent / "shared" / "argo-rollouts" / "rollout-crd-v1.10.2.yaml"
CONFIG = {
    "apiVersion": "delivery.krm-fn.dev/v1alpha1",
    "kind": "ProgressiveDelivery",
    "metadata": {"name": "canary"},
    "spec": {"enabled": True, "requireCRD": False},
}
ENV = {**os.environ, "PATH": os.pathsep.join([str(BIN), str(TOOLS), os.environ.get("PATH", "")])}


def deployment(i: int) -> dict[str, Any]:
    name, labels = f"app-{i:05d}", {"app.kubernetes.io/name": f"app-{i:05d}", "tier": ("web", "api", "worker")[i % 3]}
    container = {
        "name": "app",
        "image": f"registry.example.com/shop/{name}:1.{i % 30}.0",
        "args": ["--port=8080", "--log-format=json"],
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090}],
        "env": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "WORKERS", "value": str(2 + i % 6)},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{name}-db", "key": "password"}}},
        ],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": True}],
    }
    sidecar = {"name": "proxy", "image": "docker.io/envoyproxy/envoy:v1.30.1", "args": ["-c", "/etc/envoy/envoy.yaml"]}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "shop", "labels": labels, "annotations": {"team": "shop"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": labels, "annotations": {"prometheus.io/scrape": "true"}},
                "spec": {
                    "containers": [container, sidecar],
                    "volumes": [{"name": "config", "configMap": {"name": f"{name}-config"}}],
                },
            },
        },
    }


def service(i: int) -> dict[str, Any]:
    name = f"app-{i:05d}"
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"selector": {"app.kubernetes.io/name": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }


class _Dumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def referring(apps: int, every: int = 10) -> str:
    """For one Deployment in `every`, what refers to it by name: a restart CronJob and the Role it runs with."""
    items: list[dict[str, Any]] = []
    for i in range(0, apps, every):
        name = f"app-{i:05d}"
        restart = {
            "name": "kubectl",
            "image": "registry.example.com/kubectl:1.34",
            "args": ["kubectl", "rollout", "restart", f"deployment/{name}"],
        }
        job = {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [restart]}}}}
        items.append(
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {"name": f"restart-{name}", "namespace": "shop"},
                "spec": {"schedule": "0 3 * * *", "jobTemplate": job},
            }
        )
        rule = {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": [name], "verbs": ["get", "patch"]}
        items.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": f"restart-{name}", "namespace": "shop"},
                "rules": [rule],
            }
        )
    text: str = yaml.dump(items, Dumper=_Dumper, sort_keys=False, default_flow_style=False)
    return text


def write_list(path: Path, apps: int, config: dict[str, Any] = CONFIG, tail: str = "") -> Path:
    """A list of `apps` Deployments, each with its Service, written one item at a time.

    The benchmark's own memory stays small: a child process starts as a copy of it, and its
    peak RSS (what wait4 reports) counts that copy too.
    """
    with path.open("w") as out:
        out.write(yaml.dump({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList"}, sort_keys=False))
        out.write(yaml.dump({"functionConfig": config}, Dumper=_Dumper, sort_keys=False, default_flow_style=False))
        out.write("items:\n")
        for i in range(apps):
            out.write(
                yaml.dump(
                    [deployment(i), service(i)] if apps > 1 else [deployment(i)], Dumper=_Dumper, sort_keys=False, default_flow_style=False
                )
            )
        out.write(tail)
    return path


def run(argv: list[str], stdin: Path | None = None, cwd: Path | None = None) -> dict[str, float]:
    """One child: wall and CPU seconds, peak RSS in MB; a failure stops the benchmark."""
    with Path(stdin or os.devnull).open("rb") as source, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdin=source, stdout=subprocess.DEVNULL, stderr=errors, cwd=cwd, env=ENV)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(argv)} failed:\n{errors.read().decode()}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def interleaved(commands: dict[str, tuple[list[str], Path | None, Path | None]], repeats: int) -> dict[str, dict[str, float]]:
    """Median wall, CPU and peak RSS per command, the commands taking turns."""
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, (argv, stdin, cwd) in commands.items():
            samples[name].append(run(argv, stdin, cwd))
    return {name: {k: statistics.median(s[k] for s in runs) for k in ("wall", "cpu", "rss")} for name, runs in samples.items()}


def overlay_list(tree: Path) -> Path:
    """The canary overlay's input exactly as kustomize hands it to the function (captured by a `tee` transformer)."""
    captured = tree / "overlay.yaml"
    done = subprocess.run(
        [str(TOOLS / "kustomize"), "build", "--enable-alpha-plugins", "--enable-exec", "--enable-helm", str(tree / "capture")],
        capture_output=True,
        text=True,
        env=ENV,
    )
    if done.returncode != 0 or not captured.exists():
        sys.exit(f"capturing the overlay's list failed:\n{done.stderr}")
    return captured


def kustomize_tree(tmp: Path) -> Path:
    """Overlays beside the repo's base: the function, a copying transformer, a builtin patch."""
    root = Path(tempfile.mkdtemp(prefix="kustomize-", dir=OUT))
    (root / "crd").mkdir()
    shutil.copy(CRD_1_10, root / "crd" / "rollout-crd.yaml")
    (root / "crd" / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [rollout-crd.yaml]\n"
    )
    base = os.path.relpath(REPO / "kustomize" / "base", root / "x")
    copy = root / "copy-stdin"
    copy.write_text("#!/bin/sh\nexec cat\n")
    copy.chmod(0o755)
    capture = root / "capture-stdin"
    capture.write_text(f"#!/bin/sh\nexec tee {root / 'overlay.yaml'}\n")
    capture.chmod(0o755)
    transformers = {"function": "krm-progressive-delivery", "copy": str(copy), "capture": str(capture)}
    for name, path in transformers.items():
        (root / name).mkdir()
        fn = {**CONFIG, "metadata": {"name": "canary", "annotations": {"config.kubernetes.io/function": f"exec:\n  path: {path}\n"}}}
        (root / name / "fn.yaml").write_text(yaml.safe_dump(fn, sort_keys=False))
        (root / name / "kustomization.yaml").write_text(f"resources: [{base}]\ncomponents: [../crd]\ntransformers: [fn.yaml]\n")
    (root / "patch").mkdir()
    ops = [
        {"op": "replace", "path": "/apiVersion", "value": "argoproj.io/v1alpha1"},
        {"op": "replace", "path": "/kind", "value": "Rollout"},
        {"op": "replace", "path": "/spec/strategy", "value": {"canary": {"steps": [{"setWeight": 25}, {"pause": {}}]}}},
    ]
    patch = {"target": {"kind": "Deployment"}, "options": {"allowKindChange": True}, "patch": yaml.safe_dump(ops)}
    (root / "patch" / "kustomization.yaml").write_text(yaml.safe_dump({"resources": [base], "components": ["../crd"], "patches": [patch]}))
    return root


def against(tmp: Path, other: Path, apps: int, repeats: int) -> list[tuple[str, str, str, str]]:
    """This tree's function vs another checkout's, by the same Python, over lists it only passes
    through (one of them with an anchor, which only the YAML 1.2 parser reads) and ones it converts
    (one of them with objects that refer to the Deployments)."""
    off = {**CONFIG, "spec": {"enabled": False}}
    anchored = "- &shared {apiVersion: v1, kind: ConfigMap, metadata: {name: shared}}\n- *shared\n"
    lists = {
        "pass-through (enabled: false)": write_list(tmp / "off.yaml", apps, off),
        "pass-through, one item anchored and aliased": write_list(tmp / "anchored.yaml", apps, off, anchored),
        "every Deployment converted": write_list(tmp / "convert.yaml", apps),
        "the same, one in ten restarted by a CronJob with a Role": write_list(tmp / "referred.yaml", apps, tail=referring(apps)),
    }
    tree = {"this": Path(__file__).resolve().parent.parent, "other": other}
    commands: dict[str, tuple[list[str], Path | None, Path | None]] = {
        f"{who}:{label}": ([sys.executable, "-m", "krm_fn"], path, root)  # `-m` imports from the working directory first
        for label, path in lists.items()
        for who, root in tree.items()
    }
    found = interleaved(commands, repeats)
    rows = []
    for label in lists:
        mine, theirs = found[f"this:{label}"], found[f"other:{label}"]
        rows.append(
            (
                f"{label}, {apps:,} Deployments + {apps:,} Services",
                f"`{other.name}`",
                f"{mine['wall']:.2f} s / {theirs['wall']:.2f} s",
                f"{mine['wall'] / theirs['wall']:.2f}×",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller lists")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout of the project (git worktree add DIR REV): its pass-through and conversion, interleaved with this one's",
    )
    parser.add_argument("--cluster", action="store_true", help="only the live scenarios on the test control plane")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.cluster:
        write_report(cluster_rows())
        return
    repeats, big = (5, 1000) if args.quick else (15, 2500)
    sizes = [100, 500, 1000] if args.quick else [100, 1000, 5000]
    rows: list[tuple[str, str, str, str]] = []
    tree = kustomize_tree(OUT)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        one = write_list(tmp / "one.yaml", 1)
        overlay = overlay_list(tree)
        start = interleaved({"fn-one": (FUNCTION, one, None), "fn-overlay": (FUNCTION, overlay, None), "pass": (PASS, None, None)}, repeats)
        base = start["pass"]["wall"]
        rows.append(
            (
                "start-up: a one-Deployment list",
                "`python -c pass`",
                f"{start['fn-one']['wall'] * 1e3:.0f} ms / {base * 1e3:.0f} ms",
                f"{start['fn-one']['wall'] / base:.2f}×",
            )
        )
        rows.append(
            (
                "the canary overlay's list with the v1.10.2 CRD",
                "`python -c pass`",
                f"{start['fn-overlay']['wall'] * 1e3:.0f} ms / {base * 1e3:.0f} ms",
                f"{start['fn-overlay']['wall'] / base:.2f}×",
            )
        )

        large = write_list(tmp / "large.yaml", big)
        heavy = interleaved({"fn": (FUNCTION, large, None), "floor": (FLOOR, large, None)}, max(3, repeats // 3))
        fn, floor = heavy["fn"], heavy["floor"]
        label = f"{big:,} Deployments + {big:,} Services"
        rows.append(
            (label, "CSafe load + dump, GC off", f"{fn['wall']:.2f} s / {floor['wall']:.2f} s", f"{fn['wall'] / floor['wall']:.2f}×")
        )
        rows.append(
            ("peak RSS of that run", "the floor's", f"{fn['rss']:.0f} MB / {floor['rss']:.0f} MB", f"{fn['rss'] / floor['rss']:.2f}×")
        )

        lists = {n: write_list(tmp / f"growth-{n}.yaml", n // 2) for n in sizes}
        growth = interleaved({str(n): (FUNCTION, path, None) for n, path in lists.items()}, max(3, repeats // 5))
        # Marginal CPU per resource between successive sizes: start-up cancels out.
        marginal = [(growth[str(b)]["cpu"] - growth[str(a)]["cpu"]) / (b - a) for a, b in itertools.pairwise(sizes)]
        rows.extend(
            (
                f"growth: CPU per resource, {a:,} to {b:,}",
                f"{sizes[0]:,} to {sizes[1]:,}",
                f"{m * 1e3:.2f} ms / {marginal[0] * 1e3:.2f} ms",
                f"{m / marginal[0]:.2f}×",
            )
            for a, b, m in zip(sizes[1:], sizes[2:], marginal[1:], strict=False)
        )

        if args.against:
            rows.extend(against(tmp, args.against.resolve(), big, max(3, repeats // 3)))

    try:
        build = [str(TOOLS / "kustomize"), "build", "--enable-alpha-plugins", "--enable-exec", "--enable-helm"]
        k = interleaved({v: ([*build, v], None, tree) for v in ("function", "copy", "patch")}, max(3, repeats // 3))
        rows.append(
            (
                "`kustomize build` of the canary overlay (v1.10.2 CRD)",
                "the same with a stdin-to-stdout transformer",
                f"{k['function']['wall']:.2f} s / {k['copy']['wall']:.2f} s",
                f"{k['function']['wall'] / k['copy']['wall']:.2f}×",
            )
        )
        rows.append(
            (
                "the same build",
                "a builtin JSON 6902 patch changing the kind",
                f"{k['function']['wall']:.2f} s / {k['patch']['wall']:.2f} s",
                f"{k['function']['wall'] / k['patch']['wall']:.2f}×",
            )
        )
    finally:
        shutil.rmtree(tree)

    write_report(rows)


def cluster_rows() -> list[tuple[str, str, str, str]]:
    """The live scenarios, once: what the control plane's fixture reports of itself, and the run's wall time."""
    with tempfile.TemporaryDirectory() as name:
        report = Path(name) / "cluster.json"
        env = {**os.environ, "CI": "true", "KRM_FN_CLUSTER_REPORT": str(report), "PATH": f"{BIN}:{os.environ['PATH']}"}
        began = time.monotonic()
        done = subprocess.run([PYTHON, "-m", "pytest", "tests/cluster", "-q", "-p", "no:cacheprovider"], cwd=REPO, env=env, check=False)
        wall = time.monotonic() - began
        if done.returncode != 0:
            sys.exit(f"the live scenarios failed (exit {done.returncode})")
        plane = json.loads(report.read_text())
    peaks: dict[str, int] = plane["peak_rss_mib"]
    total = sum(peaks.values())
    return [
        (
            f"the live scenarios ({plane['tests']} tests), start to end",
            "the control plane's start",
            f"{wall:.0f} s / {plane['started_in']:.1f} s",
            f"{wall / plane['started_in']:.1f}×",
        ),
        (
            "the control plane's peak RSS, its processes' peaks summed",
            "kube-apiserver's",
            f"{total} MiB / {peaks['kube-apiserver']} MiB",
            f"{total / peaks['kube-apiserver']:.2f}×",
        ),
    ]


def write_report(rows: list[tuple[str, str, str, str]]) -> None:
    machine = platform.processor() or platform.machine()
    header = f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    lines = [
        f"Measured {header}; medians of interleaved runs, wall time unless it says otherwise.",
        "",
        "| case | against | measured | ratio |",
        "|---|---|--:|--:|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    report = "\n".join(lines) + "\n"
    (OUT / "results.md").write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()
