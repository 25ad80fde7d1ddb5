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

import copy
import functools
import json
import operator
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from krm_fn import yamlio

from conftest import GOLDEN, QUICK, run_fn
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
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
"""


def resource_list(items: str, config: str = CONFIG) -> str:
    return HEADER + config + "items:\n" + items


def with_config_spec(spec: str, api_version: str = "delivery.krm-fn.dev/v1alpha1", kind: str = "ProgressiveDelivery") -> str:
    config = f"functionConfig:\n  apiVersion: {api_version}\n  kind: {kind}\n  metadata:\n    name: canary\n  spec:\n{spec}"
    return resource_list(CRD + DEPLOYMENT, config)


def alias_bomb(levels: int = 9, width: int = 9, in_item: bool = False) -> str:
    """A list whose functionConfig (or, `in_item`, an item nothing reads) expands to width**levels nodes."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines.extend(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]" for level in range(1, levels))
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n" + "".join(f"  {line}\n" for line in lines)
    if in_item:
        return HEADER + "items:\n" + "".join(("- " if n == 0 else "  ") + line + "\n" for n, line in enumerate(config_map.splitlines()))
    return HEADER + "items: []\nfunctionConfig:\n" + "".join(f"  {line}\n" for line in config_map.splitlines())


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
    error: str  # the one line on stderr, after "krm-progressive-delivery: error: "
    list_read: bool = False  # the ResourceList could be read: stdout carries it back unchanged, with the error result


def _b(text: str) -> bytes:
    return text.encode("utf-8")


NOT_YAML = "input is not valid YAML: "
REJECTED = [
    Rejected("empty-stdin", b"", NOT_YAML + "input is empty"),
    Rejected("whitespace-only", b"  \n\t\n   \n", NOT_YAML + "input is empty"),
    Rejected(
        "not-yaml-braces",
        b"{{{",
        NOT_YAML + 'unexpected end of stream inside a flow collection in "<unicode string>", line 1, column 4',
    ),
    Rejected(
        "not-yaml-tab-indented",
        b"\tapiVersion: v1\n\t\tkind: ResourceList\n  \t- items\n",
        NOT_YAML + 'tabs are not allowed as indentation in "<unicode string>", line 1, column 2',
    ),
    Rejected("yaml-scalar", b"hello world\n", "input must be a ResourceList mapping, not a scalar ('hello world')"),
    Rejected("yaml-sequence", b"- a\n- b\n", "input must be a ResourceList mapping, not a sequence"),
    Rejected(
        "bare-deployment",
        _b(DEPLOYMENT[2:].replace("\n  ", "\n")),
        "input is apps/v1/Deployment, expected a config.kubernetes.io/v1 ResourceList",
    ),
    Rejected("items-a-string", _b(HEADER + "items: abc\n"), "ResourceList items must be a list, not a scalar ('abc')"),
    Rejected("items-a-mapping", _b(HEADER + "items: {a: 1}\n"), "ResourceList items must be a list, not a mapping"),
    Rejected(
        "duplicate-keys",
        _b(resource_list("- apiVersion: v1\n  kind: ConfigMap\n  kind: Secret\n  metadata: {name: a}\n")),
        NOT_YAML + "duplicate key 'kind' at line 13, column 3",
    ),
    Rejected(
        "duplicate-keys-json",
        b'{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "items": []}',
        NOT_YAML + "duplicate key 'items' at line 1, column 80",
    ),
    Rejected(
        "several-documents",
        _b(HEADER + "items: []\n---\n" + HEADER + "items: []\n"),
        NOT_YAML + "expected one document, found another at line 4, column 1",
    ),
    Rejected(
        "non-utf8-bytes",
        _b(resource_list("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: ")) + b"\xff\xfe\x80}\n",
        NOT_YAML + "input is not UTF-8: byte 0xff at offset 273",
    ),
    Rejected("utf16", resource_list("").encode("utf-16"), NOT_YAML + "input is not UTF-8: byte 0xff at offset 0"),
    Rejected(
        "nul-byte",
        _b(resource_list('- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: "a\x00b"}\n')),
        NOT_YAML + "found a character YAML does not allow: '\\x00' in \"<unicode string>\", line 14, column 15",
    ),
    Rejected("alias-bomb", _b(alias_bomb()), NOT_YAML + "aliases expand to more than 5,000,000 nodes (an alias bomb?)"),
    Rejected(  # in an item nothing reads: refused all the same, not passed on to the next reader
        "alias-bomb-in-an-item",
        _b(alias_bomb(in_item=True)),
        NOT_YAML + "aliases expand to more than 5,000,000 nodes (an alias bomb?)",
    ),
    Rejected(
        "flow-nesting-100000",
        b"[" * 100_000 + b"]" * 100_000,
        NOT_YAML + "nesting deeper than 500 levels (line 1)",
    ),
    Rejected("block-nesting-100000", _b("- " * 100_000 + "x\n"), NOT_YAML + "nesting deeper than 500 levels (line 1)"),
    Rejected(
        "json-nesting-100000",
        _b('{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        NOT_YAML + "nesting deeper than 500 levels (line 1)",
    ),
    Rejected(
        "flow-nesting-600",
        _b(HEADER + "items: []\nx: " + "[" * 600 + "]" * 600 + "\n"),
        NOT_YAML + "nesting deeper than 500 levels (line 4)",
    ),
    Rejected("block-nesting-600", _b(deep_block_mapping(600)), NOT_YAML + "nesting deeper than 500 levels (line 513)"),
    Rejected(
        "config-wrong-type-steps",
        _b(with_config_spec("    enabled: true\n    canarySteps: 5\n")),
        "ProgressiveDelivery canary: spec.canarySteps: must be a list (got 5)",
        list_read=True,
    ),
    Rejected(
        "config-a-scalar",
        _b(resource_list(CRD + DEPLOYMENT, "functionConfig: hello\n")),
        "functionConfig must be a mapping",
        list_read=True,
    ),
]


def stderr_line(result: dict[str, Any]) -> str:
    """A result as the function writes it to stderr: `PROG: severity: [Kind namespace/name: ][field: ]message`."""
    parts = [PROG, result["severity"]]
    if "resourceRef" in result:
        ref = result["resourceRef"]
        parts.append(f"{ref.get('kind', '?')} {ref['namespace'] + '/' if 'namespace' in ref else ''}{ref.get('name', '?')}")
    if "field" in result:
        parts.append(result["field"]["path"])
    return ": ".join([*parts, result["message"]]) + "\n"


def assert_rejected(case: Rejected, code: int, stdout: str, stderr: str) -> None:
    assert (code, stderr) == (1, f"{PROG}: error: {case.error}\n")
    assert bool(stdout) == case.list_read, f"stdout: {stdout[:300]!r}"
    if not case.list_read:
        return
    written = yamlio.load(stdout)
    assert written["items"] == yamlio.load(case.data)["items"], "the list came back altered"
    errors = [r for r in written.get("results") or [] if r.get("severity") == "error"]
    assert len(errors) == 1 and stderr_line(errors[0]) == stderr, errors


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


@dataclass(frozen=True)
class Malformed:
    source: str
    exit_code: int
    stderr: str  # exactly, every line
    converted: tuple[str, ...] = ()  # the Deployments that became Rollouts; with exit 1, none and the list unchanged


def _error(where: str, message: str) -> str:
    return f"{PROG}: error: {where}: {message}\n"


def _warning(where: str, message: str) -> str:
    return f"{PROG}: warning: {where}: {message}\n"


POD = (
    "        - name: app\n          image: registry.example.com/web:1.0.0\n"
    "          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n"
)
"""The Deployment's one container, for a case to add fields after."""
ROLLOUT = (
    DEPLOYMENT.replace("apiVersion: apps/v1\n  kind: Deployment\n", "apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n")
    .replace("name: web", "name: api")
    .replace("{app: web}", "{app: api}")
)
"""A Rollout already in the list, without its strategy (a case adds one)."""
RECREATE = (
    "strategy Recreate has no Argo Rollouts equivalent (old and new pods would run together); "
    'exclude it (selector.exclude, or the annotation delivery.krm-fn.dev/skip: "true") or use RollingUpdate'
)
MALFORMED = {
    "deployment-spec-a-scalar": Malformed(
        resource_list(CRD + "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"),
        1,
        _error("Deployment shop/web: spec", "must be a mapping, not int 5"),
    ),
    "selector-matchExpressions-not-mappings": Malformed(
        resource_list(CRD + DEPLOYMENT.replace("      matchLabels: {app: web}\n", "      matchExpressions: [5]\n")),
        1,
        _error("Deployment shop/web: spec.selector.matchExpressions", "must be a list of {key, operator, values} mappings"),
    ),
    "selector-matchLabels-a-list": Malformed(
        resource_list(CRD + DEPLOYMENT.replace("      matchLabels: {app: web}\n", "      matchLabels: [app]\n")),
        1,
        _error("Deployment shop/web: spec.selector.matchLabels", "must be a mapping, not a list"),
    ),
    "template-labels-a-list": Malformed(
        resource_list(
            CRD + DEPLOYMENT.replace("      metadata:\n        labels: {app: web}\n", "      metadata:\n        labels: [app]\n")
        ),
        1,
        _error("Deployment shop/web: spec.template.metadata.labels", "must be a mapping, not a list"),
    ),
    "template-metadata-a-scalar": Malformed(
        resource_list(CRD + DEPLOYMENT.replace("      metadata:\n        labels: {app: web}\n", "      metadata: 5\n")),
        1,
        _error("Deployment shop/web: spec.template.metadata", "must be a mapping, not int 5"),
    ),
    "crd-spec-a-scalar": Malformed(
        resource_list(CRD.split("  spec:\n")[0] + "  spec: 5\n" + DEPLOYMENT),
        1,
        _error(
            "CustomResourceDefinition rollouts.argoproj.io: spec.versions",
            "does not serve v1alpha1 (serves: none), so nothing was converted: "
            "declare a CRD that serves v1alpha1, such as Argo Rollouts v1.10.2's",
        ),
    ),
    "service-selector-a-list": Malformed(
        resource_list(
            CRD + DEPLOYMENT + "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: shop}\n  spec: {selector: [app]}\n"
        ),
        0,
        "",
        ("web",),
    ),
    "service-spec-a-scalar": Malformed(
        resource_list(CRD + DEPLOYMENT + "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"),
        0,
        "",
        ("web",),
    ),
    "hpa-spec-a-scalar": Malformed(
        resource_list(
            CRD
            + DEPLOYMENT
            + "- apiVersion: autoscaling/v2\n  kind: HorizontalPodAutoscaler\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
        ),
        0,
        _warning("HorizontalPodAutoscaler shop/web: spec.scaleTargetRef", "has no spec.scaleTargetRef to retarget"),
        ("web",),
    ),
    "vpa-spec-a-scalar": Malformed(
        resource_list(
            CRD
            + DEPLOYMENT
            + "- apiVersion: autoscaling.k8s.io/v1\n  kind: VerticalPodAutoscaler\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
        ),
        0,
        _warning("VerticalPodAutoscaler shop/web: spec.targetRef", "has no spec.targetRef to retarget"),
        ("web",),
    ),
    "scaledobject-spec-a-scalar": Malformed(
        resource_list(
            CRD + DEPLOYMENT + "- apiVersion: keda.sh/v1alpha1\n  kind: ScaledObject\n  metadata: {name: web, namespace: shop}\n  spec: 5\n"
        ),
        0,
        _warning("ScaledObject shop/web: spec.scaleTargetRef", "has no spec.scaleTargetRef to retarget"),
        ("web",),
    ),
    "statefulset-template-metadata-a-scalar": Malformed(
        resource_list(
            CRD
            + DEPLOYMENT
            + "- apiVersion: apps/v1\n  kind: StatefulSet\n  metadata: {name: db, namespace: shop}\n  spec: {template: {metadata: 5}}\n"
        ),
        0,
        "",
        ("web",),
    ),
    "cronjob-jobTemplate-a-scalar": Malformed(
        resource_list(
            CRD
            + DEPLOYMENT
            + "- apiVersion: batch/v1\n  kind: CronJob\n  metadata: {name: nightly, namespace: shop}\n  spec: {jobTemplate: 5}\n"
        ),
        0,
        "",
        ("web",),
    ),
    # Pod template fields of the wrong type where a key is looked for (two entries for one port, IP,
    # secret): the template is carried as it is, as the API server would refuse it in the Deployment.
    "container-port-a-mapping": Malformed(
        resource_list(
            CRD + DEPLOYMENT.replace(POD, POD + "          ports: [{containerPort: {number: 80}}, {containerPort: {number: 80}}]\n")
        ),
        0,
        "",
        ("web",),
    ),
    "host-alias-ip-a-list": Malformed(
        resource_list(
            CRD
            + DEPLOYMENT.replace(POD, POD + "        hostAliases: [{ip: [10.0.0.1], hostnames: [a]}, {ip: [10.0.0.1], hostnames: [b]}]\n")
        ),
        0,
        "",
        ("web",),
    ),
    "host-alias-hostnames-a-scalar": Malformed(
        resource_list(
            CRD + DEPLOYMENT.replace(POD, POD + "        hostAliases: [{ip: 10.0.0.1, hostnames: a}, {ip: 10.0.0.1, hostnames: [b]}]\n")
        ),
        0,
        "",
        ("web",),
    ),
    "pull-secret-name-a-mapping": Malformed(
        resource_list(CRD + DEPLOYMENT.replace(POD, POD + "        imagePullSecrets: [{name: {a: 1}}, {name: {a: 1}}]\n")),
        0,
        "",
        ("web",),
    ),
    "config-strategy-a-list": Malformed(
        with_config_spec("    enabled: true\n    strategy: [blueGreen]\n    maxSurge: 1\n"),  # maxSurge: checked against the strategy
        1,
        _error("ProgressiveDelivery canary: spec.strategy", "must be 'canary' or 'blueGreen' (got ['blueGreen'])"),
    ),
    "config-provider-a-mapping": Malformed(
        with_config_spec("    enabled: true\n    provider: {name: argo-rollouts}\n"),
        1,
        _error("ProgressiveDelivery canary: spec.provider", "must be a string (got {'name': 'argo-rollouts'})"),
    ),
    # A Rollout already in the list naming its Services with other than strings: warnings, and the
    # rules read those names as unset.
    "rollout-bluegreen-services-not-strings": Malformed(
        resource_list(
            CRD + DEPLOYMENT + ROLLOUT + "    strategy:\n      blueGreen: {activeService: [api], previewService: {name: api-preview}}\n"
        ),
        0,
        _warning("Rollout shop/api: spec.strategy.blueGreen.activeService", "must be a string (got ['api'])")
        + _warning("Rollout shop/api: spec.strategy.blueGreen.previewService", "must be a string (got {'name': 'api-preview'})")
        + _warning(
            "Rollout shop/api: spec.strategy.blueGreen.activeService",
            "blueGreen needs an active Service: the Services in the list selecting its pods are none "
            "(add one, or set blueGreen.activeService)",
        ),
        ("web",),
    ),
    "rollout-canary-service-a-list": Malformed(
        resource_list(CRD + DEPLOYMENT + ROLLOUT + "    strategy:\n      canary: {canaryService: [api-canary], stableService: api}\n"),
        0,
        _warning("Rollout shop/api: spec.strategy.canary.canaryService", "must be a string (got ['api-canary'])")
        + _warning(
            "Rollout shop/api: spec.strategy.canary.stableService",
            "Service api is not in the list; the Rollout stays degraded until it exists (fine if another application creates it)",
        ),
        ("web",),
    ),
    # The result about the Deployment names its file; an index that is no number is left out.
    "index-annotation-not-a-number": Malformed(
        resource_list(
            CRD
            + DEPLOYMENT.replace(
                "    labels: {app: web}\n",
                "    labels: {app: web}\n    annotations: {config.kubernetes.io/path: web.yaml, config.kubernetes.io/index: first}\n",
                1,
            ).replace("    replicas: 2\n", "    replicas: 2\n    strategy: {type: Recreate}\n")
        ),
        0,
        _warning("Deployment shop/web: spec.strategy.type", "left as a Deployment: " + RECREATE),
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_fields_get_a_readable_answer(case: str) -> None:
    """A field of the wrong type where the function looks: an error naming it, or the item left alone.

    Never an "internal error" with a Python exception name: the user cannot act on that.
    """
    expected = MALFORMED[case]
    run = run_fn(expected.source)
    assert (run.exit_code, run.stderr) == (expected.exit_code, expected.stderr)
    assert "".join(stderr_line(r) for r in run.results if r["severity"] != "info") == run.stderr  # each line is a result
    before = yamlio.load(expected.source)["items"]
    assert [(i["kind"], i["metadata"]["name"]) for i in run.items] == [
        ("Rollout" if i["kind"] == "Deployment" and i["metadata"]["name"] in expected.converted else i["kind"], i["metadata"]["name"])
        for i in before
    ]
    for old, new in zip(before, run.items, strict=True):
        if old["kind"] != "Deployment" or old["metadata"]["name"] not in expected.converted:
            assert new == old, f"{old['kind']} {old['metadata']['name']} changed"
    if case == "index-annotation-not-a-number":
        assert [r["file"] for r in run.results if "file" in r] == [{"path": "web.yaml"}]


# Rich inputs: Rollouts already in the list, blueGreen and canary options, every pod-template fix, autoscalers.
WRONG_TYPE_CASES = [
    "existing-rollouts",
    "bluegreen-full",
    "real-world-shapes",
    "host-aliases-and-pull-secrets",
    "traffic-router-needs-services",
]
WRONG_TYPES: list[Any] = [5, [1], {"a": 1}, None, "x"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


@pytest.mark.slow
@pytest.mark.parametrize("case", WRONG_TYPE_CASES)
def test_every_field_of_the_wrong_type_gets_an_answer(case: str) -> None:
    """Each field of a golden input's items and config, in turn replaced by a value of each other
    type: never an internal error, and a run that fails gives the list back unchanged (the quick
    loop: every 20th field)."""
    source: dict[str, Any] = yamlio.load((GOLDEN / case / "input.yaml").read_text())
    crashed = []
    # The CRD's schema is never read.
    paths = [p for p in _paths(source) if len(p) >= 2 and p[0] in ("items", "functionConfig") and "schema" not in p]
    for path in paths[:: 20 if QUICK else 1]:
        for value in WRONG_TYPES:
            doc = copy.deepcopy(source)
            parent = functools.reduce(operator.getitem, path[:-1], doc)
            parent[path[-1]] = value
            run = run_fn(yamlio.dump(doc))
            if "internal error" in run.stderr or run.exit_code not in (0, 1):
                crashed.append(f"{path} = {value!r}: {run.stderr.strip()[-200:]}")
            elif run.exit_code == 1:
                assert run.items == doc["items"], f"{path} = {value!r}: a failed run changed the items"
    assert not crashed, f"{len(crashed)} crash(es):\n" + "\n".join(crashed[:20])


# --- valid but unusual inputs -----------------------------------------------------------------

PLAIN_LIST = resource_list(CRD + DEPLOYMENT)


def _kinds(items: list[dict[str, Any]]) -> list[str]:
    return [item["kind"] for item in items]


def test_json_input_gives_block_yaml_and_keeps_each_untouched_items_text() -> None:
    """A JSON list comes back as block YAML; an item the run did not change is its JSON text, as it
    came, as an entry of the block sequence; a converted one is block YAML."""
    source = json.dumps(yamlio.load(PLAIN_LIST), indent=2)
    run = run_fn(source)
    assert run.exit_code == 0, run.stderr
    assert _kinds(run.items) == ["CustomResourceDefinition", "Rollout"]
    assert not run.stdout.startswith("{") and "\nitems:\n- " in run.stdout, "output must be block YAML, not JSON"
    crd = json.dumps(yamlio.load(PLAIN_LIST)["items"][0], indent=2).replace("\n", "\n    ")
    assert f"\n- {crd}\n" in run.stdout
    unquoted = run.stdout.replace('"apiVersion"', "apiVersion").replace('"kind"', "kind")
    assert "\n- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n" in unquoted
    assert run.items == run_fn(PLAIN_LIST).items


def test_crlf_line_ends() -> None:
    """Every line ended with CRLF: so does every line of the output."""
    run = run_fn(PLAIN_LIST.replace("\n", "\r\n"))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == run_fn(PLAIN_LIST).stdout.replace("\n", "\r\n")


def test_utf8_byte_order_mark() -> None:
    plain = run_fn(PLAIN_LIST)
    run = run_fn(b"\xef\xbb\xbf" + PLAIN_LIST.encode())
    assert (run.exit_code, run.stdout) == (0, plain.stdout), run.stderr
    run = run_fn(b"\xef\xbb\xbf" + json.dumps(yamlio.load(PLAIN_LIST)).encode())  # JSON: parsed whole, written as block YAML
    assert (run.exit_code, run.items) == (0, plain.items), run.stderr
    assert "\ufeff" not in run.stdout


NOTHING_MATCHES = _warning("spec.selector", "no Deployment in the list matches the selector: nothing to convert")


@pytest.mark.parametrize("items", ["items: []\n", "items:\n", "items: null\n"])
def test_a_list_with_no_items(items: str) -> None:
    run = run_fn(HEADER + CONFIG + items)
    assert run.exit_code == 0, run.stderr
    assert run.items == []
    assert run.stderr == NOTHING_MATCHES


def test_items_missing_is_an_empty_list() -> None:
    """`items` is optional in the KRM function spec: its absence means no items."""
    run = run_fn(HEADER + CONFIG)
    assert run.exit_code == 0, run.stderr
    assert run.items == []
    assert run.stderr == NOTHING_MATCHES


def test_yaml_merge_keys_are_applied() -> None:
    """`<<: *base` is YAML 1.1 (PyYAML, go-yaml) for "the keys of base": item 1 is a ConfigMap."""
    source = HEADER + "items:\n- &base {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- <<: *base\n  metadata: {name: b}\n"
    run = run_fn(source)
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.items == [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}},
    ]


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
          readinessProbe: {{httpGet: {{path: /ready, port: 8080}}}}
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


@pytest.mark.slow
def test_a_20_mb_list_finishes_in_linear_time_and_bounded_memory(tmp_path: Path) -> None:
    """11,000 Deployments (half of them converted) and as many ConfigMaps, through the console script.

    Linear time is checked as CPU time per MB at 20 MB against the same list at 2 MB (CPU time,
    not wall time: this machine is shared); the figures are printed (`pytest -s`). The quick
    loop runs it at a twentieth of the sizes.
    """
    figures = {}
    scale = 20 if QUICK else 1
    for label, size in (("2 MB", 2 * MB // scale), ("20 MB", 20 * MB // scale)):
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
        assert (got["code"], got["stderr"]) == (0, "")
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
