"""YAML fidelity: every scalar of tests/fidelity/corpus.json keeps its meaning through the function.

Each corpus value is written into a ResourceList in every *place* (labels, annotations,
pod-template annotations, container args, env values, ConfigMap data values and keys) of a
converted Deployment and of untouched items (a ConfigMap, a Deployment the selector skips),
in three *styles*:

* double-quoted and single-quoted: its meaning is "the string X", and both readers must read
  exactly X from the function's output (and from the input: that checks the test itself);
* plain (where YAML allows the text as a plain scalar): its meaning is whatever a reader
  makes of it, so each reader must read the output exactly as it read the input.

The two readers are PyYAML's SafeLoader (YAML 1.1, what PyYAML users and go-yaml v2 /
`kubectl apply` resemble) and ruamel.yaml's `YAML(typ="safe")` (YAML 1.2). Both get a
constructor for the `=` (value) and `<<` (merge) tags, which neither can construct as a plain
value: they read as markers, so "reads it the same" stays checkable for them too.

The end-to-end tests run the same corpus through the real kustomize (an exec transformer,
with vs without it) and kpt (`kpt fn render`, before vs after) and compare parsed values.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CRD_FILE, QUICK, require_tool, run_fn
from corpus import CORPUS, QUOTED_STYLES, READERS, STYLES, Scalar, read_yaml11, same, show
from tools import console_script, kustomize, tool_env

# --- the ResourceList and the places a value goes -----------------------------------------

FN_CONFIG = """\
apiVersion: delivery.krm-fn.dev/v1alpha1
kind: ProgressiveDelivery
metadata:
  name: fidelity
spec:
  enabled: true
  requireCRD: false
  selector:
    names:
    - converted
"""


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def corpus_resources(values: list[str]) -> str:
    """A ConfigMap, a ConfigMap keyed by the values, a Deployment to convert and one to leave.

    `values` are already written in their style (quoted or plain); value i sits under
    key `f-i` (args: at index i; env: `F_i`; the keys ConfigMap: the value is `f-i`).
    """

    def mapping(indent: int) -> str:
        pad = " " * indent
        return "".join(f"{pad}f-{i}: {v}\n" for i, v in enumerate(values))

    def deployment(name: str) -> str:
        args = "".join(f"        - {v}\n" for v in values)
        env = "".join(f"        - name: F_{i}\n          value: {v}\n" for i, v in enumerate(values))
        return (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: fidelity\n"
            f"  labels:\n    app: {name}\n{mapping(4)}  annotations:\n{mapping(4)}"
            f"spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {name}\n"
            f"  template:\n    metadata:\n      labels:\n        app: {name}\n      annotations:\n{mapping(8)}"
            f"    spec:\n      containers:\n      - name: app\n        image: registry.example.com/app:1.0.0\n"
            f"        args:\n{args}        env:\n{env}"
        )

    configmap = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: corpus\n  namespace: fidelity\n"
        f"  labels:\n{mapping(4)}  annotations:\n{mapping(4)}data:\n{mapping(2)}"
    )
    return "---\n".join([configmap, deployment("converted"), deployment("untouched")])


def keyed_configmap(keys: list[str]) -> str:
    # a simple key is at most 1024 characters: longer ones need the explicit `? key` form
    data = "".join(f"  {k}: f-{i}\n" if len(k) < 1000 else f"  ? {k}\n  : f-{i}\n" for i, k in enumerate(keys))
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: corpus-keys\n  namespace: fidelity\ndata:\n{data}"


def resource_list(values: list[str], keys: list[str] | None) -> str:
    docs = corpus_resources(values).split("---\n")
    if keys is not None:
        docs.append(keyed_configmap(keys))
    items = "".join("-" + _indent(doc, 2)[1:] for doc in docs)
    return f"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n{_indent(FN_CONFIG, 2)}items:\n{items}"


Path_ = tuple[Any, ...]
PLACES: dict[str, tuple[str, Callable[[int], Path_]]] = {
    # place name: (item name, path of value i inside it)
    "converted: metadata.labels": ("converted", lambda i: ("metadata", "labels", f"f-{i}")),
    "converted: metadata.annotations": ("converted", lambda i: ("metadata", "annotations", f"f-{i}")),
    "converted: pod template annotations": ("converted", lambda i: ("spec", "template", "metadata", "annotations", f"f-{i}")),
    "converted: container args": ("converted", lambda i: ("spec", "template", "spec", "containers", 0, "args", i)),
    "converted: container env value": ("converted", lambda i: ("spec", "template", "spec", "containers", 0, "env", i, "value")),
    "untouched Deployment: metadata.labels": ("untouched", lambda i: ("metadata", "labels", f"f-{i}")),
    "untouched Deployment: metadata.annotations": ("untouched", lambda i: ("metadata", "annotations", f"f-{i}")),
    "untouched Deployment: container args": ("untouched", lambda i: ("spec", "template", "spec", "containers", 0, "args", i)),
    "untouched Deployment: container env value": ("untouched", lambda i: ("spec", "template", "spec", "containers", 0, "env", i, "value")),
    "ConfigMap: metadata.labels": ("corpus", lambda i: ("metadata", "labels", f"f-{i}")),
    "ConfigMap: metadata.annotations": ("corpus", lambda i: ("metadata", "annotations", f"f-{i}")),
    "ConfigMap: data value": ("corpus", lambda i: ("data", f"f-{i}")),
}
KEY_PLACE = "ConfigMap: data key"
NULL_LEFT_OUT = {"converted: pod template annotations", "converted: container env value"}
"""Places where the Rollout CRD's schema allows no null: the function leaves a null there out of the
Rollout (the null-fields check), as the API server's create path stores it: the same meaning."""


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["metadata"]["name"]: item for item in items if isinstance(item, dict)}


_MISSING = object()


def dig(node: Any, path: Path_) -> Any:
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


def kept_meaning(place: str, original: Any, new: Any) -> bool:
    return same(original, new) or (original is None and new is _MISSING and place in NULL_LEFT_OUT)


def key_of(items: dict[str, dict[str, Any]], i: int) -> Any:
    data = (items.get("corpus-keys") or {}).get("data") or {}
    found = [k for k, v in data.items() if v == f"f-{i}"]
    return found[0] if len(found) == 1 else _MISSING


def values_at(items: dict[str, dict[str, Any]], count: int, with_keys: bool) -> Iterator[tuple[str, int, Any]]:
    for place, (name, path) in PLACES.items():
        for i in range(count):
            yield place, i, dig(items.get(name), path(i))
    if with_keys:
        for i in range(count):
            yield KEY_PLACE, i, key_of(items, i)


# Values go into the keys ConfigMap as keys in the quoted styles only: as plain keys, `yes`, `on`
# and `true` would be one key (True) for YAML 1.1, and `<<` a merge no reader can apply.
KEYED_STYLES = QUOTED_STYLES


# --- the in-process fidelity tests -----------------------------------------------------------


def _value_after(items: dict[str, dict[str, Any]], place: str, i: int) -> Any:
    if place == KEY_PLACE:
        return key_of(items, i)
    name, path = PLACES[place]
    return dig(items.get(name), path(i))


def check_fidelity(style: str, scalars: list[Scalar], source: str, output: str, with_keys: bool) -> tuple[list[str], int]:
    problems, checks = [], 0
    for reader_name, read in READERS.items():
        before = by_name(read(source)["items"])
        after = by_name(read(output)["items"])
        for place, i, original in values_at(before, len(scalars), with_keys):
            scalar, new = scalars[i], _value_after(after, place, i)
            checks += 1
            if style in QUOTED_STYLES and not same(original, scalar.value):
                problems.append(f"[corpus/test bug] {reader_name}: {scalar.id} @ {place}: input reads as {show(original)}")
            elif original is _MISSING or not kept_meaning(place, original, new):
                problems.append(f"{reader_name}: {scalar.id} @ {place}: {show(original)} became {show(new)}")
    return problems, checks


def _style_case(style: str) -> tuple[list[Scalar], str, bool]:
    accepts, write = STYLES[style]
    scalars = [s for s in CORPUS if accepts(s)]
    keys = [write(s.value) for s in scalars] if style in KEYED_STYLES else None
    return scalars, resource_list([write(s.value) for s in scalars], keys), keys is not None


def test_corpus_is_big_enough_and_well_formed() -> None:
    assert len(CORPUS) >= 40
    assert len({s.id for s in CORPUS}) == len(CORPUS), "corpus ids must be unique"
    for scalar in CORPUS:
        if scalar.plain and scalar.value:
            # the plain form must really be one plain scalar of that text (not a comment, flow, alias or tag)
            tokens = [t for t in yaml.scan(f"f: {scalar.value}\n") if isinstance(t, yaml.ScalarToken)]
            assert [(t.value, t.plain) for t in tokens] == [("f", True), (scalar.value, True)], scalar.id


@pytest.mark.parametrize("style", list(STYLES))
def test_function_keeps_every_value(style: str) -> None:
    scalars, source, with_keys = _style_case(style)
    first = run_fn(source)
    assert first.exit_code == 0, first.stderr
    assert by_name(first.items)["converted"]["kind"] == "Rollout"
    assert by_name(first.items)["untouched"]["kind"] == "Deployment"
    problems, checks = check_fidelity(style, scalars, source, first.stdout, with_keys)

    second = run_fn(first.stdout)  # the output fed back in: nothing may drift on a second pass
    assert second.exit_code == 0, second.stderr
    more, _checks2 = check_fidelity(style, scalars, source, second.stdout, with_keys)
    problems += [f"second run: {p}" for p in more]
    print(
        f"\n{style}: {len(scalars)} values x {checks // len(scalars) // len(READERS)} places x {len(READERS)} readers"
        f" = {checks} checks (x2 runs)"
    )
    assert not problems, f"{len(problems)} of {checks * 2} checks failed:\n" + "\n".join(problems[:80])


@pytest.mark.slow
@pytest.mark.parametrize("scalar", CORPUS[:: 6 if QUICK else 1], ids=[s.id for s in CORPUS[:: 6 if QUICK else 1]])
def test_each_value_alone(scalar: Scalar) -> None:
    """Each value alone, in every style it allows: a failure names the one value at fault."""
    for style, (accepts, write) in STYLES.items():
        if not accepts(scalar):
            continue
        keys = [write(scalar.value)] if style in KEYED_STYLES else None
        source = resource_list([write(scalar.value)], keys)
        run = run_fn(source)
        assert run.exit_code == 0, f"{style}: {run.stderr}"
        problems, _ = check_fidelity(style, [scalar], source, run.stdout, keys is not None)
        assert not problems, f"{style}:\n" + "\n".join(problems)


# --- end to end: the real kustomize and kpt --------------------------------------------------

E2E_STYLES = ("double-quoted", "plain")

# Values kustomize v5.8.2 cannot build even without any function (its own limits, not the
# function's): it fails on re-reading its own literal block that starts with a tab, and its
# JSON round trip has no room for infinities and NaN. They are left out of the kustomize build.
KUSTOMIZE_CANNOT_BUILD = {
    ("double-quoted", "multiline-tabs"): "go-yaml writes a literal block starting with a tab, then rejects it",
    ("plain", "inf"): "json: unsupported value: +Inf",
    ("plain", "neg-inf"): "json: unsupported value: -Inf",
    ("plain", "nan"): "json: unsupported value: NaN",
    ("plain", "NaN"): "json: unsupported value: NaN",
}


def _e2e_resources(style: str, leave_out: frozenset[str] = frozenset()) -> tuple[list[Scalar], str]:
    accepts, write = STYLES[style]
    scalars = [s for s in CORPUS if accepts(s) and s.id not in leave_out]
    return scalars, corpus_resources([write(s.value) for s in scalars])


def _documents(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.rstrip("\r\n") == "---":
            parts.append("".join(current))
            current = []
        else:
            current.append(line)
    parts.append("".join(current))
    return parts


def _read_stream(read: Callable[[str], Any], text: str) -> list[dict[str, Any]]:
    # one document at a time: kustomize and kpt write `---`-separated streams
    return [doc for doc in (read(part) for part in _documents(text)) if isinstance(doc, dict)]


def compare_streams(scalars: list[Scalar], before_text: str, after_text: str) -> tuple[list[str], int]:
    problems, checks = [], 0
    for reader_name, read in READERS.items():
        before = by_name(_read_stream(read, before_text))
        after = by_name(_read_stream(read, after_text))
        for place, i, original in values_at(before, len(scalars), False):
            scalar, new = scalars[i], _value_after(after, place, i)
            checks += 1
            if original is _MISSING:
                problems.append(f"{reader_name}: {scalar.id} @ {place}: missing from the reference")
            elif not kept_meaning(place, original, new):
                problems.append(f"{reader_name}: {scalar.id} @ {place}: {show(original)} became {show(new)}")
    return problems, checks


def _tail(text: str, size: int = 2000) -> str:
    return text if len(text) <= size else "..." + text[-size:]


def _with_annotation(config: str, annotation: str) -> str:
    return config.replace("metadata:\n  name: fidelity\n", f"metadata:\n  name: fidelity\n  annotations:\n{annotation}")


def kustomize_build(tmp_path: Path, resources: str, with_fn: bool) -> str:
    (tmp_path / "corpus.yaml").write_text(resources, encoding="utf-8")
    shutil.copy(CRD_FILE, tmp_path / "rollout-crd.yaml")
    (tmp_path / "progressive-delivery.yaml").write_text(
        _with_annotation(FN_CONFIG, "    config.kubernetes.io/function: |\n      exec:\n        path: krm-progressive-delivery\n").replace(
            "  requireCRD: false\n", "  requireCRD: true\n"
        )
    )
    lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:", "- rollout-crd.yaml", "- corpus.yaml"]
    if with_fn:
        lines += ["transformers:", "- progressive-delivery.yaml"]
    (tmp_path / "kustomization.yaml").write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [kustomize(), "build", "--enable-alpha-plugins", "--enable-exec", str(tmp_path)],
        capture_output=True,
        text=True,
        env=tool_env(),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"kustomize build ({'with' if with_fn else 'without'} the function) failed:\n{_tail(done.stderr)}"
    return done.stdout


def kpt_render(tmp_path: Path, resources: str) -> tuple[str, str]:
    kpt = require_tool("kpt")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "corpus.yaml").write_text(resources, encoding="utf-8")
    shutil.copy(CRD_FILE, package / "rollout-crd.yaml")
    (package / "progressive-delivery.yaml").write_text(_with_annotation(FN_CONFIG, '    config.kubernetes.io/local-config: "true"\n'))
    (package / "Kptfile").write_text(
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"
        f"pipeline:\n  mutators:\n  - exec: {console_script()}\n    configPath: progressive-delivery.yaml\n"
    )
    before = (package / "corpus.yaml").read_text(encoding="utf-8")
    done = subprocess.run(
        [kpt, "fn", "render", "--allow-exec", str(package)],
        capture_output=True,
        text=True,
        env=tool_env(),
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, f"kpt fn render failed:\n{_tail(done.stdout)}\n{_tail(done.stderr)}"
    return before, (package / "corpus.yaml").read_text(encoding="utf-8")


@pytest.mark.tools
@pytest.mark.parametrize("style", E2E_STYLES)
def test_kustomize_build_keeps_every_value(style: str, tmp_path: Path) -> None:
    """`kustomize build` with the function vs without it: every value reads the same."""
    console_script()  # kustomize finds it on PATH (tool_env)
    leave_out = frozenset(sid for (st, sid) in KUSTOMIZE_CANNOT_BUILD if st == style)
    scalars, resources = _e2e_resources(style, leave_out)
    (tmp_path / "without").mkdir()
    (tmp_path / "with").mkdir()
    without = kustomize_build(tmp_path / "without", resources, with_fn=False)
    with_fn = kustomize_build(tmp_path / "with", resources, with_fn=True)
    kinds = {d["metadata"]["name"]: d["kind"] for d in _read_stream(read_yaml11, with_fn)}
    assert kinds["converted"] == "Rollout" and kinds["untouched"] == "Deployment"
    problems, checks = compare_streams(scalars, without, with_fn)
    print(f"\nkustomize, {style}: {len(scalars)} values x {len(PLACES)} places x {len(READERS)} readers = {checks} checks")
    assert not problems, f"{len(problems)} of {checks} checks failed:\n" + "\n".join(problems[:80])


# kpt writes a plain `<<` value back to the function as `!!merge <<`: tested on its own below.
KPT_SEPARATELY = frozenset({"merge-key"})


@pytest.mark.tools
@pytest.mark.parametrize("style", E2E_STYLES)
def test_kpt_render_keeps_every_value(style: str, tmp_path: Path) -> None:
    """`kpt fn render`: every value in the package's files reads as it did before."""
    scalars, resources = _e2e_resources(style, KPT_SEPARATELY if style == "plain" else frozenset())
    before, after = kpt_render(tmp_path, resources)
    kinds = {d["metadata"]["name"]: d["kind"] for d in _read_stream(read_yaml11, after)}
    assert kinds["converted"] == "Rollout" and kinds["untouched"] == "Deployment"
    problems, checks = compare_streams(scalars, before, after)
    print(f"\nkpt, {style}: {len(scalars)} values x {len(PLACES)} places x {len(READERS)} readers = {checks} checks")
    assert not problems, f"{len(problems)} of {checks} checks failed:\n" + "\n".join(problems[:80])


@pytest.mark.tools
def test_kpt_render_keeps_a_plain_merge_key_value(tmp_path: Path) -> None:
    """A plain `<<` value: kpt (kyaml) hands it to the function as `!!merge <<`."""
    scalars, resources = _e2e_resources("plain", frozenset(s.id for s in CORPUS) - KPT_SEPARATELY)
    before, after = kpt_render(tmp_path, resources)
    problems, _checks = compare_streams(scalars, before, after)
    assert not problems, "\n".join(problems)


EXPLICIT_TAGS = """\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: tagged
  data:
    merge: !!merge <<
    value: !!value =
    str: !!str 0755
    int: !!int "0755"
"""


def test_explicitly_tagged_merge_and_value_scalars_pass_through() -> None:
    """kyaml (kpt, kustomize) writes a plain `<<` as `!!merge <<` (and may tag `=` as `!!value`).

    Both are valid YAML; a list carrying them must not be refused, and each value must read
    the same afterwards for both readers.
    """
    run = run_fn(EXPLICIT_TAGS)
    assert run.exit_code == 0, run.stderr
    for reader_name, read in READERS.items():
        before = read(EXPLICIT_TAGS)["items"][0]["data"]
        after = read(run.stdout)["items"][0]["data"]
        for key in before:
            assert same(before[key], after[key]), f"{reader_name}: {key}: {show(before[key])} became {show(after[key])}"


EXPLICIT_AMBIGUOUS = """\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: tagged
  data:
    mode: !!int 0755
    quoted-mode: !!int "0755"
    hex: !!int 0x1F
    bool: !!bool on
"""


def test_explicitly_tagged_scalars_that_readers_disagree_on_keep_their_meaning() -> None:
    """`!!int 0755` is 493 for YAML 1.1 and 755 for YAML 1.2, like the plain `0755`.

    The function keeps a plain `0755` verbatim; an explicitly tagged one must not be
    rewritten as `493` either (a YAML 1.2 reader would then read 493 instead of 755).
    """
    run = run_fn(EXPLICIT_AMBIGUOUS)
    assert run.exit_code == 0, run.stderr
    problems = []
    for reader_name, read in READERS.items():
        before = read(EXPLICIT_AMBIGUOUS)["items"][0]["data"]
        after = read(run.stdout)["items"][0]["data"]
        problems += [
            f"{reader_name}: {key}: {show(before[key])} became {show(after[key])}" for key in before if not same(before[key], after[key])
        ]
    assert not problems, "\n".join(problems)
