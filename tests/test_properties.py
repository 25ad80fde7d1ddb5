"""Property-based tests: random lists and configs, and what must hold for every one of them.

Generated: Deployments (names, namespaces, labels, selectors with matchLabels and
matchExpressions, RollingUpdate strategies with integer and percent values, replicas and
the other carried fields, containers whose args and env values come partly from the YAML
fidelity corpus), Services, ConfigMaps, Rollouts already present, the Rollout CRD or not,
and a functionConfig (selector by names, namespaces and labels; steps; surge values).

Checked on every example:
* the output parses, and both YAML readers (1.1 and 1.2) read every item as generated;
* exit 0: item count and order are kept; each Deployment the selector picks became a Rollout
  with the same metadata, selector, template and carried fields, the configured steps and
  the surge values from config > rollingUpdate > 1/0 (maxUnavailable 25% where 0 would
  make both zero); but a Recreate one that no selector.names entry named is left as it is;
  every other item is unchanged; every Rollout validates against the upstream CRD schema;
* exit 1 (a render-time rule failed): the items are exactly the input's;
* the outcome (0 or 1), and every error result (its rule and resource), are the ones an
  independent model of the rules predicts;
* a second run over the output changes nothing.

Runs: `CI=true` selects the "ci" profile (500 examples, derandomized: the same examples on
every run); without CI, "dev" (500 random examples). For a long local run:
    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py   # 20,000 examples
(about 45 minutes on 2 cores; HYPOTHESIS_EXAMPLES=N sets another count).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from krm_fn import NAME, __version__
from krm_fn.new_resources import CONVERTED_BY

from conftest import IN_CI, QUICK, run_fn
from corpus import CORPUS, READERS, double_quoted
from rollout_schema import RolloutSchema
from validator import assert_accepted

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=500, derandomize=True, database=None, print_blob=True, deadline=None, suppress_health_check=_SLOW
)
settings.register_profile("dev", max_examples=500, deadline=None, suppress_health_check=_SLOW)
settings.register_profile("quick", max_examples=20, derandomize=True, database=None, deadline=None, suppress_health_check=_SLOW)
settings.register_profile(
    "long", max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "20000")), deadline=None, suppress_health_check=_SLOW
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("quick" if QUICK else "ci" if IN_CI else "dev")

# The function raises the recursion limit on its first run (cli.main); raised here already,
# it stays put during the examples, as Hypothesis wants.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


# --- an independent YAML writer for the inputs (every string double-quoted) -------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return double_quoted(value)
    raise TypeError(type(value))


def _inline(value: Any) -> str:
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    return _scalar(value)


def _block(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, (dict, list)) and child:
                lines.append(f"{pad}{_scalar(key)}:")
                lines += _block(child, indent + 2)
            else:
                lines.append(f"{pad}{_scalar(key)}: {_inline(child)}")
    else:
        for child in value:
            if isinstance(child, (dict, list)) and child:
                inner = _block(child, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {_inline(child)}")
    return lines


def to_yaml(doc: dict[str, Any]) -> str:
    return "\n".join(_block(doc, 0)) + "\n"


# --- strategies -----------------------------------------------------------------------------

NAMES = ["web", "api", "worker", "cache", "a", "b-1"]
NAMESPACES = ["", "shop", "ops"]
LABEL_KEYS = ["app", "tier", "app.kubernetes.io/name", "team", "track"]
LABEL_VALUES = ["web", "api", "on", "yes", "true", "0755", "1e3", "12:30", "null", "~", ""]
SHORT_CORPUS = [s.value for s in CORPUS if len(s.value) < 200]
LONG_CORPUS = [s.value for s in CORPUS if len(s.value) >= 200]

texts = st.one_of(
    st.sampled_from(SHORT_CORPUS),
    st.text(max_size=12),
    st.sampled_from(LONG_CORPUS),
)
label_values = st.one_of(st.sampled_from(LABEL_VALUES), st.sampled_from(SHORT_CORPUS))
labels = st.dictionaries(st.sampled_from(LABEL_KEYS), label_values, max_size=3)
int_or_percent = st.one_of(st.integers(1, 4), st.integers(1, 100).map(lambda n: f"{n}%"), st.sampled_from([0, "0%"]))


def _metadata(name: str, namespace: str, **more: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta.update({k: v for k, v in more.items() if v is not None})
    return meta


@st.composite
def selectors(draw: st.DrawFn, template_labels: dict[str, str]) -> dict[str, Any] | None:
    mode = draw(st.sampled_from(["match"] * 8 + ["mismatch", "empty"]))
    if mode == "empty":
        return draw(st.sampled_from([None, {}, {"matchLabels": {}}]))
    keys = sorted(template_labels)
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    selector: dict[str, Any] = {}
    if bool(chosen) or draw(st.booleans()):
        selector["matchLabels"] = {k: template_labels[k] for k in chosen}
    expressions = []
    for key in draw(st.lists(st.sampled_from(LABEL_KEYS), unique=True, max_size=2)):
        if key in template_labels:
            operator = draw(st.sampled_from(["In", "NotIn", "Exists"]))
            value = template_labels[key]
            if operator == "In":
                expressions.append({"key": key, "operator": "In", "values": [value, value + "-other"]})
            elif operator == "NotIn":
                expressions.append({"key": key, "operator": "NotIn", "values": [value + "-other"]})
            else:
                expressions.append({"key": key, "operator": "Exists"})
        else:
            expressions.append({"key": key, "operator": "DoesNotExist"})
    if expressions:
        selector["matchExpressions"] = expressions
    if not selector.get("matchLabels") and not expressions:
        selector["matchLabels"] = {keys[0]: template_labels[keys[0]]}
    if mode == "mismatch":
        key = keys[0]
        selector.setdefault("matchLabels", {})[key] = template_labels[key] + "-nope"
    return selector


@st.composite
def deployments(draw: st.DrawFn, name: str, namespace: str) -> dict[str, Any]:
    template_labels = draw(st.dictionaries(st.sampled_from(LABEL_KEYS), label_values, min_size=1, max_size=3))
    annotations = draw(st.dictionaries(st.sampled_from(["note", "owner", "config.kubernetes.io/index"]), texts, max_size=2))
    skip = draw(st.sampled_from([None] * 14 + ["true", "TRUE", "false"]))
    if skip is not None:
        annotations["delivery.krm-fn.dev/skip"] = skip
    if "config.kubernetes.io/index" in annotations:
        annotations["config.kubernetes.io/index"] = str(draw(st.integers(0, 9)))
    meta = _metadata(
        name, namespace, labels=draw(st.one_of(st.none(), labels, st.just(dict(template_labels)))), annotations=annotations or None
    )

    spec: dict[str, Any] = {}
    if draw(st.booleans()):
        spec["replicas"] = draw(st.integers(0, 5))
    selector = draw(selectors(template_labels))
    if selector is not None:
        spec["selector"] = selector
    strategy = draw(st.sampled_from(["none", "rolling", "rolling-values", "rolling-values", "recreate"]))
    if strategy == "rolling":
        spec["strategy"] = {"type": "RollingUpdate"}
    elif strategy == "rolling-values":
        rolling = {}
        for key in ("maxSurge", "maxUnavailable"):
            if draw(st.booleans()):
                rolling[key] = draw(int_or_percent)
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": rolling}
    elif strategy == "recreate" and draw(st.integers(0, 3)) == 0:
        spec["strategy"] = {"type": "Recreate"}
    for key, values in (
        ("minReadySeconds", st.integers(0, 700)),
        ("progressDeadlineSeconds", st.integers(1, 900)),
        ("revisionHistoryLimit", st.integers(0, 10)),
        ("paused", st.booleans()),
    ):
        if draw(st.sampled_from([False] * 4 + [True])):
            spec[key] = draw(values)
    containers = []
    for index in range(draw(st.integers(1, 2))):
        container: dict[str, Any] = {"name": f"c{index}", "image": f"registry.example.com/{name}:1.{index}"}
        args = draw(st.lists(texts, max_size=3))
        if args:
            container["args"] = args
        env = draw(st.lists(texts, max_size=3))
        if env:
            container["env"] = [{"name": f"E_{i}", "value": value} for i, value in enumerate(env)]
        containers.append(container)
    template_meta: dict[str, Any] = {"labels": template_labels}
    if draw(st.booleans()):
        template_meta["annotations"] = draw(st.dictionaries(st.sampled_from(["a", "b"]), texts, max_size=2))
    spec["template"] = {"metadata": template_meta, "spec": {"containers": containers}}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


CRD_ITEM = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "rollouts.argoproj.io"},
    "spec": {
        "group": "argoproj.io",
        "names": {"kind": "Rollout", "plural": "rollouts"},
        "scope": "Namespaced",
        "versions": [{"name": "v1alpha1", "served": True, "storage": True}],
    },
}


@st.composite
def other_items(draw: st.DrawFn, kind: str, name: str, namespace: str) -> dict[str, Any]:
    if kind == "ConfigMap":
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _metadata(name, namespace, labels=draw(st.one_of(st.none(), labels))),
            "data": draw(st.dictionaries(st.sampled_from(["k", "config.yaml", "on", "0755"]), texts, max_size=3)),
        }
    if kind == "Service":
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _metadata(name, namespace),
            "spec": {
                "selector": draw(labels),
                "ports": [{"name": "http", "port": 80, "targetPort": draw(st.sampled_from([8080, "http"]))}],
            },
        }
    template_labels = {"app": name}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": _metadata(name, namespace),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": template_labels},
            "template": {"metadata": {"labels": template_labels}, "spec": {"containers": [{"name": "c", "image": "img"}]}},
            "strategy": {"canary": {"steps": [{"setWeight": 50}]}},
        },
    }


@st.composite
def item_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["Deployment"] * 5 + ["ConfigMap", "Service", "Rollout"]),
                st.sampled_from(NAMES),
                st.sampled_from(NAMESPACES),
            ),
            unique=True,
            min_size=1,
            max_size=7,
        )
    )
    items = [draw(deployments(name, ns)) if kind == "Deployment" else draw(other_items(kind, name, ns)) for kind, name, ns in keys]
    if draw(st.sampled_from([True] * 5 + [False])):
        items.insert(draw(st.integers(0, len(items))), json.loads(json.dumps(CRD_ITEM)))
    return items


steps: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.integers(0, 100).map(lambda w: {"setWeight": w}),
    st.just({"pause": {}}),
    st.one_of(st.integers(0, 3600), st.sampled_from(["30s", "10m", "1h"])).map(lambda d: {"pause": {"duration": d}}),
)


@st.composite
def configs(draw: st.DrawFn, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Mostly selectors that pick some of `items`; sometimes names, namespaces or labels absent from them."""
    spec: dict[str, Any] = {"enabled": draw(st.sampled_from([True] * 9 + [False]))}
    if draw(st.booleans()):
        spec["requireCRD"] = draw(st.booleans())
    deployments_ = [i for i in items if i["kind"] == "Deployment"]
    names = [*sorted({d["metadata"]["name"] for d in deployments_}), "typo"]
    namespaces = [*sorted({d["metadata"]["namespace"] for d in deployments_ if d["metadata"].get("namespace")}), "elsewhere"]
    pairs = [*sorted({(k, str(v)) for d in deployments_ for k, v in (d["metadata"].get("labels") or {}).items()}), ("app", "typo")]
    parts = draw(
        st.sampled_from([(), (), (), ("names",), ("names",), ("namespaces",), ("matchLabels",), ("names", "namespaces", "matchLabels")])
    )
    selector: dict[str, Any] = {}
    if "names" in parts:
        selector["names"] = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=3))
    if "namespaces" in parts:
        selector["namespaces"] = draw(st.lists(st.sampled_from(namespaces), unique=True, min_size=1, max_size=2))
    if "matchLabels" in parts:
        selector["matchLabels"] = dict(draw(st.lists(st.sampled_from(pairs), unique_by=lambda p: p[0], min_size=1, max_size=2)))
    if selector:
        spec["selector"] = selector
    if draw(st.booleans()):
        spec["canarySteps"] = draw(st.lists(steps, min_size=1, max_size=4))
    for key in ("maxSurge", "maxUnavailable"):
        if draw(st.integers(0, 3)) == 0:
            spec[key] = draw(int_or_percent)
    return {"apiVersion": "delivery.krm-fn.dev/v1alpha1", "kind": "ProgressiveDelivery", "metadata": {"name": "canary"}, "spec": spec}


# --- an independent model of selection and of the render-time rules ---------------------------


def _ns(item: dict[str, Any]) -> str:
    return item["metadata"].get("namespace") or ""


def _labels_match(selector: dict[str, Any], found: dict[str, Any]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if key not in found or str(found[key]) != str(value):
            return False
    for expr in selector.get("matchExpressions") or []:
        key, values = expr["key"], [str(v) for v in expr.get("values") or []]
        present = key in found
        ok = {
            "In": present and str(found.get(key)) in values,
            "NotIn": not present or str(found.get(key)) not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }[expr["operator"]]
        if not ok:
            return False
    return True


def is_zero(value: Any) -> bool:
    return value == 0 or (isinstance(value, str) and value.rstrip("%") == "0")


def picked(item: dict[str, Any], spec: dict[str, Any]) -> bool:
    if item["apiVersion"] != "apps/v1" or item["kind"] != "Deployment":
        return False
    if str((item["metadata"].get("annotations") or {}).get("delivery.krm-fn.dev/skip", "")).lower() == "true":
        return False
    selector = spec.get("selector") or {}
    if selector.get("names") and item["metadata"]["name"] not in selector["names"]:
        return False
    if selector.get("namespaces") and _ns(item) not in selector["namespaces"]:
        return False
    item_labels = item["metadata"].get("labels") or {}
    return all(k in item_labels and str(item_labels[k]) == v for k, v in (selector.get("matchLabels") or {}).items())


def surge_values(spec: dict[str, Any], deployment: dict[str, Any]) -> tuple[Any, Any]:
    """Config > rollingUpdate > 1/0; but where the default 0 would make both zero, Kubernetes' own 25%."""
    rolling = (deployment["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    surge = spec.get("maxSurge", rolling.get("maxSurge", 1))
    unavailable = spec.get("maxUnavailable", rolling.get("maxUnavailable", "25%" if is_zero(surge) else 0))
    return surge, unavailable


def _who(kind: str, namespace: str, name: str) -> str:
    """A result's resource as `kind namespace/name`, as stderr names it."""
    return f"{kind} {namespace + '/' if namespace else ''}{name}"


def left_alone(deployment: dict[str, Any], spec: dict[str, Any]) -> bool:
    """A picked Deployment that cannot become a Rollout (Recreate) and no selector.names named: left as it is."""
    return not (spec.get("selector") or {}).get("names") and (deployment["spec"].get("strategy") or {}).get("type") == "Recreate"


def expected_errors(items: list[dict[str, Any]], spec: dict[str, Any]) -> list[tuple[str, str]]:
    """Every error result the function must give, as (rule tag, resource), sorted; none when it must convert.

    The config is checked first and alone; then every rule runs on every picked Deployment.
    """
    if "maxSurge" in spec and "maxUnavailable" in spec and is_zero(spec["maxSurge"]) and is_zero(spec["maxUnavailable"]):
        return [("config", "ProgressiveDelivery canary")]  # both surge values zero
    if not spec.get("enabled"):
        return []
    targets = [item for item in items if picked(item, spec)]
    if not targets:
        return []
    errors = []
    if spec.get("requireCRD", True) and not any(i["kind"] == "CustomResourceDefinition" for i in items):
        errors.append(("rollout-crd", ""))  # the CRD is missing: about the list, no resource
    rollouts = {(_ns(i), i["metadata"]["name"]) for i in items if i["kind"] == "Rollout"}
    for target in targets:
        dspec = target["spec"]
        name = target["metadata"]["name"]
        who = _who("Deployment", _ns(target), name)
        if (_ns(target), name) in rollouts:
            errors.append(("name-conflict", who))
        if (dspec.get("strategy") or {}).get("type") == "Recreate" and not left_alone(target, spec):
            errors.append(("recreate-strategy", who))  # named in selector.names; otherwise a warning
        selector = dspec.get("selector")
        if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
            errors.append(("selector", who))  # empty
        elif not _labels_match(selector, dspec["template"]["metadata"]["labels"]):
            errors.append(("selector", who))  # does not match the template
        if dspec.get("progressDeadlineSeconds", 600) <= (dspec.get("minReadySeconds") or 0):
            errors.append(("progress-deadline", who))
        if all(is_zero(v) for v in surge_values(spec, target)):
            errors.append(("surge", who))  # both zero, one of them (at least) from the Deployment
    return sorted(errors)


def error_results(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The error results as (rule tag, resource), sorted."""
    found = []
    for result in results:
        if result.get("severity") == "error":
            ref = result.get("resourceRef")
            who = _who(ref["kind"], ref.get("namespace", ""), ref["name"]) if ref else ""
            found.append(((result.get("tags") or {}).get("rule", ""), who))
    return sorted(found)


# --- comparing ---------------------------------------------------------------------------------


def same_tree(a: Any, b: Any) -> bool:
    """Deep equality where 1 is not True, "1" is not 1, and key order does not matter."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_tree(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_tree(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b) and not (isinstance(a, str) and isinstance(b, str)):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


CARRIED = ("replicas", "selector", "template", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds", "paused")
DEFAULT_STEPS = [{"setWeight": 25}, {"pause": {}}]


def check_rollout(rollout: dict[str, Any], deployment: dict[str, Any], spec: dict[str, Any]) -> None:
    name = deployment["metadata"]["name"]
    assert rollout["apiVersion"] == "argoproj.io/v1alpha1" and rollout["kind"] == "Rollout", name
    metadata = deployment["metadata"]
    stamped = {**metadata, "annotations": {**(metadata.get("annotations") or {}), CONVERTED_BY: f"{NAME}/{__version__}"}}
    assert same_tree(rollout["metadata"], stamped), f"{name}: metadata changed (other than the converted-by annotation)"
    for key in CARRIED:
        assert same_tree(rollout["spec"].get(key), deployment["spec"].get(key)), f"{name}: spec.{key} changed"
    canary = rollout["spec"]["strategy"]["canary"]
    assert list(rollout["spec"]["strategy"]) == ["canary"], f"{name}: {rollout['spec']['strategy']}"
    assert same_tree(canary["steps"], spec.get("canarySteps", DEFAULT_STEPS)), f"{name}: steps {canary['steps']}"
    surge, unavailable = surge_values(spec, deployment)
    assert same_tree(canary["maxSurge"], surge) and same_tree(canary["maxUnavailable"], unavailable), (
        f"{name}: maxSurge/maxUnavailable {canary['maxSurge']!r}/{canary['maxUnavailable']!r}, expected {surge!r}/{unavailable!r}"
    )
    assert "status" not in rollout


def serialize(doc: dict[str, Any], as_json: bool) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) if as_json else to_yaml(doc)


LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


def valid_labels(rollout: dict[str, Any]) -> bool:
    """Its labels are values the API server takes (as kubectl reads them): a Deployment with others never applies."""
    maps = [
        rollout["metadata"].get("labels"),
        rollout["spec"]["template"]["metadata"].get("labels"),
        rollout["spec"]["selector"].get("matchLabels"),
    ]
    values = [v for found in maps if isinstance(found, dict) for v in found.values()]
    values += [v for expression in rollout["spec"]["selector"].get("matchExpressions") or [] for v in expression.get("values") or []]
    return all(isinstance(v, str) and len(v) <= 63 and LABEL_VALUE.fullmatch(v) for v in values)


# What YAML calls printable: the API server decodes a server-side apply body as YAML (the JSON kubectl
# sends included), and refuses any other character, DEL and the C1 controls among them.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def printable(node: Any) -> bool:
    """Every string in it is one the API server's YAML decoding takes: a Deployment with others never applies server-side."""
    if isinstance(node, dict):
        return all(printable(k) and printable(v) for k, v in node.items())
    if isinstance(node, list):
        return all(printable(v) for v in node)
    return not isinstance(node, str) or not _NOT_PRINTABLE.search(node)


PRODUCED: list[dict[str, Any]] = []
"""Every Rollout the examples make from an appliable Deployment, judged in one batch after they have all run."""


@pytest.mark.slow
@settings(settings.get_profile(PROFILE))
@given(data=st.data(), as_json=st.integers(0, 4).map(lambda n: n == 0))
def test_every_list_converts_or_comes_back_unchanged(data: st.DataObject, as_json: bool, rollout_schema: RolloutSchema) -> None:
    items = data.draw(item_lists(), label="items")
    config = data.draw(configs(items), label="functionConfig")
    doc = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "functionConfig": config, "items": items}
    source = serialize(doc, as_json)
    spec = config["spec"]

    first = run_fn(source)
    assert "Traceback" not in first.stderr and "internal error" not in first.stderr, first.stderr
    assert first.stdout, first.stderr
    errors = expected_errors(items, spec)
    converts = [item for item in items if spec.get("enabled") and picked(item, spec) and not left_alone(item, spec)] if not errors else []
    count = len(converts)
    event(
        f"exit 1: {', '.join(sorted({tag for tag, _ in errors}))}"
        if errors
        else f"exit 0, {min(count, 3)}{'+' if count > 3 else ''} converted"
    )
    assert first.exit_code == (1 if errors else 0), f"expected {f'exit 1: {errors}' if errors else 'exit 0'}; stderr:\n{first.stderr}"
    assert error_results(first.results) == errors, f"stderr:\n{first.stderr}"

    for reader_name, read in READERS.items():
        out = read(first.stdout)
        assert len(out["items"]) == len(items), f"{reader_name}: item count changed"
        for before, after in zip(items, out["items"], strict=True):
            if any(before is item for item in converts):
                check_rollout(after, before, spec)
                rollout_schema.assert_valid(after)
                if reader_name == "PyYAML (YAML 1.1)" and valid_labels(after) and printable(after):  # as kubectl reads it
                    PRODUCED.append(after)
            else:
                assert same_tree(after, before), f"{reader_name}: {before['kind']} {before['metadata']['name']} changed:\n{after}\n{before}"

    # run_fn ran it again over its output: the same text, the results appended again.


@pytest.mark.judge
def test_the_rollouts_the_examples_made_are_accepted() -> None:
    """Judged after the examples (the test above, which runs first in this module) have all run."""
    assert PRODUCED, "no example converted anything (run with the test above)"
    assert_accepted(PRODUCED)


def test_the_input_writer_is_read_back_exactly() -> None:
    """The test's own YAML writer: every generated structure reads back as itself."""
    doc = {"a": ["x", 1, True, None, {}, [], {"b": [["c", {"d": "on"}]], "e": "0755"}], "f": {"g": "12:30"}}
    for read in READERS.values():
        assert same_tree(read(to_yaml(doc)), doc)
