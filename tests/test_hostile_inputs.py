"""Hostile and unusual inputs: never a traceback, a crash, or a partial or altered list.

An input the function cannot use is answered with exit code 1 and one readable line on
stderr (no traceback, no "internal error"), and either nothing on stdout or, where a
ResourceList could be read, that list back unchanged with an error result. Valid but
unusual inputs pass with exit 0.

Inputs that could crash the interpreter itself (deep nesting: libyaml's composer recurses
in C; alias bombs) run through the real console script in a subprocess. The 20 MB list runs
there too, and its wall time, CPU time and peak memory are measured and printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from krm_fn import yamlio

from conftest import run_fn
from tools import console_script

PROG = "krm-progressive-delivery"

HEADER = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
CONFIG = """\
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata:
    name: canary
  spec:
    enabled: true
"""
CRD = """\
- apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata:
    name: rollouts.argoproj.io
  spec:
    group: argoproj.io
    names: {kind: Rollout, plural: rollouts}
    scope: Namespaced
    versions: [{name: v1alpha1, served: true, storage: true}]
"""
DEPLOYMENT = """\
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
    labels: {app: web}
  spec:
    replicas: 2
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: app
          image: registry.example.com/web:1.0.0
"""


def resource_list(items: str, config: str = CONFIG) -> str:
    return HEADER + config + "items:\n" + items


def with_config_spec(spec: str, api_version: str = "delivery.krm-fn.dev/v1alpha1", kind: str = "ProgressiveDelivery") -> str:
    config = f"functionConfig:\n  apiVersion: {api_version}\n  kind: {kind}\n  metadata:\n    name: canary\n  spec:\n{spec}"
    return resource_list(CRD + DEPLOYMENT, config)


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["  a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines.extend(f"  a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]" for level in range(1, levels))
    return (
        HEADER
        + "items: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: lol\n  data:\n"
        + "\n".join("  " + line for line in lines)
        + "\n"
    )


def deep_block_mapping(depth: int) -> str:
    body = "".join("  " * (2 + level) + f"k{level}:\n" for level in range(depth))
    return resource_list(
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: deep\n  deep:\n" + body + "  " * (2 + depth) + "leaf: 1\n"
    )


# --- rejected inputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    id: str
    data: bytes
    says: str = ""  # a fragment the one-line message must contain
    list_read: bool = False  # the ResourceList could be read: stdout may carry it back unchanged


def _b(text: str) -> bytes:
    return text.encode("utf-8")


REJECTED = [
    Rejected("empty-stdin", b"", "empty"),
    Rejected("whitespace-only", b"  \n\t\n   \n", "empty"),
    Rejected("not-yaml-braces", b"{{{", "not valid YAML"),
    Rejected("not-yaml-tab-indented", b"\tapiVersion: v1\n\t\tkind: ResourceList\n  \t- items\n", "not valid YAML"),
    Rejected("yaml-scalar", b"hello world\n", "scalar"),
    Rejected("yaml-sequence", b"- a\n- b\n", "sequence"),
    Rejected("bare-deployment", _b(DEPLOYMENT[2:].replace("\n  ", "\n")), "apps/v1/Deployment"),
    Rejected("items-a-string", _b(HEADER + "items: abc\n"), "items must be a list"),
    Rejected("items-a-mapping", _b(HEADER + "items: {a: 1}\n"), "items must be a list"),
    Rejected("item-without-kind", _b(resource_list("- apiVersion: v1\n  metadata: {name: a}\n")), "has no kind", list_read=True),
    Rejected(
        "item-without-name", _b(resource_list("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {}\n")), "metadata.name", list_read=True
    ),
    Rejected("item-a-scalar", _b(resource_list("- hello\n")), "must be a mapping", list_read=True),
    Rejected(
        "duplicate-keys",
        _b(resource_list("- apiVersion: v1\n  kind: ConfigMap\n  kind: Secret\n  metadata: {name: a}\n")),
        "duplicate key 'kind'",
    ),
    Rejected(
        "duplicate-keys-json",
        b'{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "items": []}',
        "duplicate key",
    ),
    Rejected("several-documents", _b(HEADER + "items: []\n---\n" + HEADER + "items: []\n"), "single document"),
    Rejected(
        "non-utf8-bytes",
        _b(resource_list("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: ")) + b"\xff\xfe\x80}\n",
        "not UTF-8",
    ),
    Rejected("utf16", resource_list("").encode("utf-16"), "not UTF-8"),
    Rejected(
        "nul-byte",
        _b(resource_list('- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: "a\x00b"}\n')),
        "not valid YAML",
    ),
    Rejected("alias-bomb", _b(alias_bomb()), "alias"),
    Rejected("flow-nesting-100000", b"[" * 100_000 + b"]" * 100_000, "nesting"),
    Rejected("block-nesting-100000", _b("- " * 100_000 + "x\n"), "nesting"),
    Rejected(
        "json-nesting-100000",
        _b('{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        "nesting",
    ),
    Rejected("flow-nesting-600", _b(HEADER + "items: []\nx: " + "[" * 600 + "]" * 600 + "\n"), "nesting deeper than 500"),
    Rejected("block-nesting-600", _b(deep_block_mapping(600)), "nesting deeper than 500"),
    Rejected(
        "config-wrong-kind", _b(with_config_spec("    enabled: true\n", kind="Progressive")), "expected ProgressiveDelivery", list_read=True
    ),
    Rejected(
        "config-wrong-version",
        _b(with_config_spec("    enabled: true\n", api_version="delivery.krm-fn.dev/v2")),
        "delivery.krm-fn.dev/v1alpha1",
        list_read=True,
    ),
    Rejected("config-wrong-type", _b(with_config_spec("    enabled: 'yes'\n")), "spec.enabled", list_read=True),
    Rejected(
        "config-wrong-type-steps", _b(with_config_spec("    enabled: true\n    canarySteps: 5\n")), "spec.canarySteps", list_read=True
    ),
    Rejected(
        "config-unknown-field", _b(with_config_spec("    enabled: true\n    colour: blue\n")), "spec.colour: unknown field", list_read=True
    ),
    Rejected(
        "config-a-scalar",
        _b(resource_list(CRD + DEPLOYMENT, "functionConfig: hello\n")),
        "functionConfig must be a mapping",
        list_read=True,
    ),
    Rejected(
        "deployment-without-selector",
        _b(resource_list(CRD + DEPLOYMENT.replace("    selector:\n      matchLabels: {app: web}\n", ""))),
        "spec.selector",
        list_read=True,
    ),
    Rejected(
        "deployment-empty-template",
        _b(resource_list(CRD + DEPLOYMENT.split("    template:\n")[0] + "    template: {}\n")),
        "containers",
        list_read=True,
    ),
    Rejected(
        "deployment-and-rollout-same-name",
        _b(
            resource_list(
                CRD
                + DEPLOYMENT
                + "- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n  metadata:\n    name: web\n    namespace: shop\n  spec: {}\n"
            )
        ),
        "a Rollout named web in namespace shop",
        list_read=True,
    ),
]


def assert_rejected(case: Rejected, code: int, stdout: str, stderr: str) -> None:
    assert code == 1, f"exit code {code}, stderr: {stderr!r}"
    assert "Traceback" not in stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, f"not exactly one line on stderr: {stderr!r}"
    assert stderr.startswith(f"{PROG}: error: "), stderr
    assert "internal error" not in stderr, stderr
    assert case.says in stderr, f"{case.says!r} not in {stderr!r}"
    if not stdout:
        return
    assert case.list_read, f"this input is no usable ResourceList, yet something was written: {stdout[:300]!r}"
    written = yamlio.load(stdout)
    assert written["items"] == yamlio.load(case.data)["items"], "the list came back altered"
    errors = [r for r in written.get("results") or [] if r.get("severity") == "error"]
    assert errors, "the list came back without an error result"


@pytest.mark.parametrize("case", REJECTED, ids=[c.id for c in REJECTED])
def test_rejected_in_process(case: Rejected) -> None:
    run = run_fn(case.data)
    assert_rejected(case, run.exit_code, run.stdout, run.stderr)


CRASH_PRONE = [c for c in REJECTED if "nesting" in c.id or "bomb" in c.id or c.id in ("empty-stdin", "non-utf8-bytes")]


@pytest.mark.parametrize("case", CRASH_PRONE, ids=[c.id for c in CRASH_PRONE])
def test_rejected_by_the_console_script(case: Rejected) -> None:
    """In a process of its own: a C-level crash (SIGSEGV) would show as a negative exit code."""
    done = subprocess.run([console_script()], input=case.data, capture_output=True, timeout=120, check=False)
    assert done.returncode >= 0, f"killed by signal {-done.returncode}"
    assert_rejected(case, done.returncode, done.stdout.decode(), done.stderr.decode())


# --- malformed fields inside otherwise well-formed items ------------------------------------

MALFORMED = {
    "deployment-spec-a-scalar": resource_list(
        CRD + "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
    ),
    "selector-matchExpressions-not-mappings": resource_list(
        CRD + DEPLOYMENT.replace("      matchLabels: {app: web}\n", "      matchExpressions: [5]\n")
    ),
    "selector-matchLabels-a-list": resource_list(CRD + DEPLOYMENT.replace("      matchLabels: {app: web}\n", "      matchLabels: [app]\n")),
    "template-labels-a-list": resource_list(
        CRD + DEPLOYMENT.replace("      metadata:\n        labels: {app: web}\n", "      metadata:\n        labels: [app]\n")
    ),
    "template-metadata-a-scalar": resource_list(
        CRD + DEPLOYMENT.replace("      metadata:\n        labels: {app: web}\n", "      metadata: 5\n")
    ),
    "crd-spec-a-scalar": resource_list(CRD.split("  spec:\n")[0] + "  spec: 5\n" + DEPLOYMENT),
    "service-selector-a-list": resource_list(
        CRD + DEPLOYMENT + "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: shop}\n  spec: {selector: [app]}\n"
    ),
    "service-spec-a-scalar": resource_list(
        CRD + DEPLOYMENT + "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
    ),
    "hpa-spec-a-scalar": resource_list(
        CRD
        + DEPLOYMENT
        + "- apiVersion: autoscaling/v2\n  kind: HorizontalPodAutoscaler\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
    ),
    "vpa-spec-a-scalar": resource_list(
        CRD
        + DEPLOYMENT
        + "- apiVersion: autoscaling.k8s.io/v1\n  kind: VerticalPodAutoscaler\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
    ),
    "scaledobject-spec-a-scalar": resource_list(
        CRD + DEPLOYMENT + "- apiVersion: keda.sh/v1alpha1\n  kind: ScaledObject\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
    ),
    "statefulset-template-metadata-a-scalar": resource_list(
        CRD
        + DEPLOYMENT
        + "- apiVersion: apps/v1\n  kind: StatefulSet\n  metadata: {name: db, namespace: shop}\n  spec: {template: {metadata: 5}}\n"
    ),
    "cronjob-jobTemplate-a-scalar": resource_list(
        CRD
        + DEPLOYMENT
        + "- apiVersion: batch/v1\n  kind: CronJob\n  metadata: {name: nightly, namespace: shop}\n  spec: {jobTemplate: 5}\n"
    ),
    "index-annotation-not-a-number": resource_list(
        CRD
        + DEPLOYMENT.replace(
            "    labels: {app: web}\n",
            "    labels: {app: web}\n    annotations: {config.kubernetes.io/path: web.yaml, config.kubernetes.io/index: first}\n",
            1,
        ).replace("    replicas: 2\n", "    replicas: 2\n    strategy: {type: Recreate}\n")
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_fields_get_a_readable_answer(case: str) -> None:
    """A field of the wrong type where the function looks: an error naming it, or the item left alone.

    Never an "internal error" with a Python exception name: the user cannot act on that.
    """
    source = MALFORMED[case]
    run = run_fn(source)
    assert "Traceback" not in run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert all(line.startswith(f"{PROG}: ") for line in run.stderr.splitlines()), run.stderr
    if run.exit_code == 1:
        if run.stdout:
            assert run.items == yamlio.load(source)["items"], "the list came back altered"
            assert any(r.get("severity") == "error" for r in run.results)
        else:
            assert run.stderr.count("\n") == 1
    else:
        assert run.exit_code == 0, run.stderr
        before = yamlio.load(source)["items"]
        for old, new in zip(before, run.items, strict=False):
            if old.get("kind") != "Deployment":
                assert new == old, f"{old.get('kind')} changed"


# --- valid but unusual inputs -----------------------------------------------------------------

PLAIN_LIST = resource_list(CRD + DEPLOYMENT)


def _kinds(items: list[dict[str, Any]]) -> list[str]:
    return [item["kind"] for item in items]


def test_json_input_gives_block_yaml() -> None:
    source = json.dumps(yamlio.load(PLAIN_LIST), indent=2)
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert _kinds(run.items) == ["CustomResourceDefinition", "Rollout"]
    assert run.stdout.startswith("apiVersion: config.kubernetes.io/v1\n"), "output must be block YAML, not JSON"
    assert "{" not in run.stdout.split("results:")[0].replace("{}", ""), "no flow style in the items"
    assert run.items == run_fn(PLAIN_LIST).items


def test_json_on_one_line() -> None:
    run = run_fn(json.dumps(yamlio.load(PLAIN_LIST), separators=(",", ":")))
    assert run.exit_code == 0, run.stderr
    assert run.items == run_fn(PLAIN_LIST).items


def test_crlf_line_ends() -> None:
    run = run_fn(PLAIN_LIST.replace("\n", "\r\n"))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == run_fn(PLAIN_LIST).stdout
    assert "\r" not in run.stdout


def test_utf8_byte_order_mark() -> None:
    for source in (b"\xef\xbb\xbf" + PLAIN_LIST.encode(), b"\xef\xbb\xbf" + json.dumps(yamlio.load(PLAIN_LIST)).encode()):
        run = run_fn(source)
        assert run.exit_code == 0, run.stderr
        assert run.stdout == run_fn(PLAIN_LIST).stdout
        assert "\ufeff" not in run.stdout


@pytest.mark.parametrize("items", ["items: []\n", "items:\n", "items: null\n"])
def test_a_list_with_no_items(items: str) -> None:
    run = run_fn(HEADER + CONFIG + items)
    assert run.exit_code == 0, run.stderr
    assert run.items == []
    assert "error" not in run.stderr


def test_items_missing_is_an_empty_list() -> None:
    """`items` is optional in the KRM function spec: its absence means no items."""
    run = run_fn(HEADER + CONFIG)
    assert run.exit_code == 0, run.stderr
    assert run.items == []
    assert "internal error" not in run.stderr


def test_no_function_config() -> None:
    run = run_fn(HEADER + "items:\n" + CRD + DEPLOYMENT)
    assert run.exit_code == 0, run.stderr
    assert run.items == yamlio.load(HEADER + "items:\n" + CRD + DEPLOYMENT)["items"]


def test_a_rollout_already_present_is_left_alone() -> None:
    rollout = (
        "- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n  metadata:\n    name: api\n    namespace: shop\n"
        "  spec:\n    replicas: 1\n    selector: {matchLabels: {app: api}}\n"
        "    template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api}]}}\n"
        "    strategy: {canary: {steps: [{setWeight: 50}], maxSurge: 2}}\n"
    )
    source = resource_list(CRD + rollout + DEPLOYMENT)
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert run.items[1] == yamlio.load(source)["items"][1]
    assert _kinds(run.items) == ["CustomResourceDefinition", "Rollout", "Rollout"]


def test_a_match_expressions_selector() -> None:
    selector = (
        "      matchExpressions:\n      - {key: app, operator: In, values: [web, www]}\n      - {key: track, operator: DoesNotExist}\n"
    )
    source = resource_list(CRD + DEPLOYMENT.replace("      matchLabels: {app: web}\n", selector))
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    rollout = run.items[1]
    assert rollout["kind"] == "Rollout"
    assert rollout["spec"]["selector"] == yamlio.load(source)["items"][1]["spec"]["selector"]


def test_yaml_merge_keys_are_applied_or_refused_by_name() -> None:
    """`<<: *base` is YAML 1.1 (PyYAML, go-yaml) for "the keys of base": item 1 is a ConfigMap."""
    source = HEADER + "items:\n- &base {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- <<: *base\n  metadata: {name: b}\n"
    run = run_fn(source)
    if run.exit_code == 0:
        import yaml

        assert yaml.safe_load(run.stdout)["items"] == yaml.safe_load(source)["items"]
    else:
        assert "merge" in run.stderr, f"the item has a kind (through its merge key); the message says: {run.stderr!r}"


# --- a 20 MB list, through the real console script ---------------------------------------------

BIG_HEADER = (
    """\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata: {name: big}
  spec: {enabled: true, selector: {matchLabels: {tier: web}}}
items:
"""
    + CRD
)


def big_item(i: int) -> str:
    tier = "web" if i % 2 == 0 else "batch"
    return f"""\
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app-{i}
    namespace: ns-{i % 50}
    labels: {{app: app-{i}, tier: {tier}}}
    annotations: {{note: "on", mode: 0755, when: 2026-01-01}}
  spec:
    replicas: 3
    selector:
      matchLabels: {{app: app-{i}}}
    template:
      metadata:
        labels: {{app: app-{i}, tier: {tier}}}
      spec:
        containers:
        - name: app
          image: registry.example.com/app-{i}:1.0.{i}
          args: ["--port=8080", "--mode", "yes", "1e3"]
          env:
          - {{name: A, value: "12:30"}}
          - {{name: B, value: "0o755"}}
- apiVersion: v1
  kind: ConfigMap
  metadata: {{name: cfg-{i}, namespace: ns-{i % 50}}}
  data:
    payload: "{"x" * 1200}"
"""


def big_list(size: int) -> tuple[str, int]:
    parts, total, count = [BIG_HEADER], len(BIG_HEADER), 0
    while total < size:
        part = big_item(count)
        parts.append(part)
        total += len(part)
        count += 1
    return "".join(parts), count


# A process of its own that runs the console script as its only child, so that its
# RUSAGE_CHILDREN figures are the function's alone.
_MEASURE = """\
import json, resource, subprocess, sys, time
start = time.monotonic()
with open(sys.argv[2], "rb") as src, open(sys.argv[3], "wb") as out:
    done = subprocess.run([sys.argv[1]], stdin=src, stdout=out, stderr=subprocess.PIPE, check=False)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "stderr": done.stderr.decode(errors="replace")[-2000:], "wall": wall,
                  "cpu": usage.ru_utime + usage.ru_stime, "max_rss_mb": usage.ru_maxrss / 1024}))
"""


def measure(source: Path, output: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, console_script(), str(source), str(output)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    measured: dict[str, Any] = json.loads(done.stdout)
    return measured


MB = 1024 * 1024
MEMORY_PER_INPUT_BYTE = 40
"""Peak RSS allowed per input byte (plus 100 MB). The parsed Python objects alone take about
14x the YAML text, and PyYAML's node graph, alive while the objects are built, about 19x more:
a bound of 10x is out of reach for any PyYAML-based reader, so 40x bounds it as linear."""


def test_a_20_mb_list_finishes_in_linear_time_and_bounded_memory(tmp_path: Path) -> None:
    """11,000 Deployments (half of them converted) and as many ConfigMaps, through the console script.

    Linear time is checked as CPU time per MB at 20 MB against the same list at 2 MB (CPU time,
    not wall time: this machine is shared); the figures are printed (`pytest -s`).
    """
    figures = {}
    for label, size in (("2 MB", 2 * MB), ("20 MB", 20 * MB)):
        text, count = big_list(size)
        source, output = tmp_path / f"in-{label[:-3]}.yaml", tmp_path / f"out-{label[:-3]}.yaml"
        source.write_text(text)
        started = time.monotonic()
        got = measure(source, output)
        got.update(size=len(text), deployments=count, elapsed=time.monotonic() - started)
        figures[label] = got
        print(
            f"\n{label} list ({len(text) / MB:.1f} MB, {count} Deployments, {count // 2 + count % 2} converted): "
            f"exit {got['code']}, wall {got['wall']:.1f} s, CPU {got['cpu']:.1f} s, peak RSS {got['max_rss_mb']:.0f} MB "
            f"({got['max_rss_mb'] * MB / len(text):.1f}x the input)"
        )
        assert got["code"] == 0, got["stderr"]
        written = output.read_text()
        assert written.startswith("apiVersion: config.kubernetes.io/v1\n")
        assert written.count("\n- apiVersion: ") == 2 * count + 1, "item count changed"
        assert written.count("\n  kind: Rollout\n") == count // 2 + count % 2, "not every selected Deployment was converted"
        assert got["max_rss_mb"] * MB < MEMORY_PER_INPUT_BYTE * len(text) + 100 * MB, "peak memory out of bounds"

    small, large = figures["2 MB"], figures["20 MB"]
    per_byte_small, per_byte_large = small["cpu"] / small["size"], large["cpu"] / large["size"]
    print(f"CPU time per MB: {per_byte_small * MB:.2f} s (2 MB), {per_byte_large * MB:.2f} s (20 MB)")
    assert per_byte_large < 1.5 * per_byte_small, (
        f"CPU time grows faster than the input: {per_byte_small * MB:.2f} s/MB at 2 MB, {per_byte_large * MB:.2f} s/MB at 20 MB"
    )
