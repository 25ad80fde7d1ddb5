"""Every case of the official YAML test suite, carried in a ResourceList as a user's list would carry it.

A case's document becomes the value of a field (`spec.value`) of an item, beside a Deployment:
- a valid case: the function gives the list back with that item byte for byte, run after run (a
  second run over the first's output appends its results again and changes nothing else), with a
  config that selects nothing and with one that converts the Deployment; and the value the
  function reads means what the case's `in.json` says (a plain scalar YAML 1.1 and 1.2 read
  differently is compared by its YAML 1.2 meaning: the function writes it back verbatim);
- an invalid case: the function refuses the list: exit 1, nothing on stdout, and a message with
  the line and column in the list, no traceback.

A value of a field is indented under its key; a case that cannot be carried so is listed with its
reason (more than one document, a directive, a document marker inside, or a meaning that changes
when the text is indented), and the counts are printed (`pytest -s`). Whether indenting kept a
case's meaning is judged by the conforming parser, itself judged by the suite (test_yaml12_suite.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from yaml_suite import CASES, SUITE, read, render

from krm_fn import resource_list
from krm_fn.yamlio import scalars, yaml12

from conftest import run_fn

HEAD = """\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: delivery.krm-fn.dev/v1alpha1
  kind: ProgressiveDelivery
  metadata:
    name: canary
  spec:
    enabled: true
    requireCRD: false
    selector:
      names: [{names}]
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    replicas: 2
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
        - name: web
          image: registry.example.com/web:1
"""
ITEM = """\
- apiVersion: example.com/v1
  kind: Case
  metadata:
    name: case
  spec:
    value:
"""
INDENT = " " * 6
_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.M)


@dataclass(frozen=True)
class Carried:
    text: str
    """The list, the case's document the value of the Case item's spec.value."""
    item: str
    """The Case item's text in the list."""
    first_line: int
    """The list's line (1-based) the case's text starts on."""


def carry(case: str, names: str = "absent") -> Carried | str:
    """The list carrying the case, or the reason it cannot be carried."""
    text = read(case)
    events = (SUITE / case / "test.event").read_text(encoding="utf-8")
    if events.count("+DOC") > 1:
        return "more than one document: a ResourceList is one"
    if re.search(r"^%", text, re.M):
        return "a directive: only the list's own document can have one"
    body = _without_own_markers(text.removeprefix("\ufeff"))
    if _MARKER.search(body):
        return "a document marker inside: it would end the list's document"
    if events.count("+DOC") == 0 and not (SUITE / case / "error").exists():
        return "no document: nothing to be a value"
    lines = body.split("\n")
    if lines[-1] == "":
        lines.pop()
    item = ITEM + "".join((INDENT + line if line else line) + "\n" for line in lines)
    head = HEAD.format(names=names)
    return Carried(head + item, item, head.count("\n") + ITEM.count("\n") + 1)


def _without_own_markers(body: str) -> str:
    """The text without the markers of its document's start and end (with only comments before or after them)."""
    found = list(_MARKER.finditer(body))
    if found and found[0].group().startswith("---") and _only_comments(body[: found[0].start()]):
        body = body[: found[0].start()] + body[found[0].end() :]
        found = list(_MARKER.finditer(body))
    if found and found[-1].group().startswith("...") and _only_comments(body[found[-1].end() :]):
        body = body[: found[-1].start()] + body[found[-1].end() :]
    return body


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.split("\n"))


def _value_events(text: str) -> list[yaml.Event]:
    """The events of the Case item's spec.value in the list's text."""
    events = list(yaml12.parse(text))
    at = next(i for i, e in enumerate(events) if isinstance(e, yaml.ScalarEvent) and e.value == "value" and e.style is None)
    out, depth = [], 0
    for event in events[at + 1 :]:
        out.append(event)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if depth == 0:
            return out
    raise AssertionError("no value")


def _node_lines(test_event: str) -> str:
    """test.event without the stream's and the document's events."""
    return "".join(line + "\n" for line in test_event.splitlines() if not line.startswith(("+STR", "-STR", "+DOC", "-DOC")))


def why_not_carriable(case: str) -> str | None:
    """Why the case cannot be carried, where it cannot (indenting it changed what it means, or
    what the conforming parser says of it)."""
    carried = carry(case)
    if isinstance(carried, str):
        return carried
    invalid = (SUITE / case / "error").exists()
    try:
        events = _value_events(carried.text)
    except yaml.MarkedYAMLError:
        return None if invalid else "indented, it is no longer valid YAML"
    if invalid:
        return "indented, it is valid YAML: its error was where it started (column 0)"
    expected = _node_lines((SUITE / case / "test.event").read_text(encoding="utf-8")) or "=VAL :\n"
    if render(events).replace("+STR\n", "") != expected:
        return "indented, it means something else"
    if _repeats_a_key(events):
        return "a key twice in one mapping: YAML forbids it beyond its grammar (spec 3.2.1.1), and kustomize refuses it"
    return None


def _repeats_a_key(events: list[yaml.Event]) -> bool:
    """A mapping in the events holds the same scalar key twice."""
    stack: list[tuple[set[tuple[str | None, str]], list[int]] | None] = []  # per open collection: a mapping's keys, and its position
    for event in events:
        top = stack[-1] if stack else None
        is_key = top is not None and top[1][0] % 2 == 0
        if top is not None and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
            if is_key and isinstance(event, yaml.ScalarEvent):
                if (event.tag, event.value) in top[0]:
                    return True
                top[0].add((event.tag, event.value))
            top[1][0] += 1
        if isinstance(event, yaml.MappingStartEvent):
            stack.append((set(), [0]))
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append(None)
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
    return False


REASONS = {case: why_not_carriable(case) for case in CASES}
CARRIED = [case for case in CASES if REASONS[case] is None]
VALID = [case for case in CARRIED if not (SUITE / case / "error").exists()]
INVALID = [case for case in CARRIED if (SUITE / case / "error").exists()]


def test_counts() -> None:
    """Every case is carried or has a reason; the counts (`pytest -s`)."""
    left = Counter(reason for reason in REASONS.values() if reason is not None)
    print(f"\nYAML test suite in lists: {len(CASES)} cases; {len(VALID)} valid and {len(INVALID)} invalid carried;")
    for reason, count in left.most_common():
        print(f"  not carriable, {count}: {reason}: {', '.join(c for c in CASES if REASONS[c] == reason)}")
    assert len(CASES) == 402
    assert len(VALID) + len(INVALID) + sum(left.values()) == len(CASES)


def _plain(value: Any) -> Any:
    """The value as in.json would say it: a plain scalar the readers disagree on, by its YAML 1.2 meaning."""
    if isinstance(value, scalars.AmbiguousPlain):
        return scalars.core_value(str(value))
    if isinstance(value, dict):
        return {str(_plain(k)) if not isinstance(k, str) else str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


@pytest.mark.parametrize("names", ["absent", "web"], ids=["selects-nothing", "converts-beside"])
@pytest.mark.parametrize("case", VALID)
def test_a_valid_case_comes_back_as_it_came(case: str, names: str) -> None:
    carried = carry(case, names)
    assert isinstance(carried, Carried)
    first = run_fn(carried.text)
    assert first.exit_code == 0, first.stderr
    assert carried.item in first.stdout, "the case's item changed"
    if names == "absent":
        assert first.stdout.startswith(carried.text), "an item changed"
    else:
        assert "\n- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n  metadata:\n    name: web\n" in first.stdout
    second = run_fn(first.stdout)
    assert second.exit_code == 0, second.stderr
    assert second.stdout.startswith(first.stdout), "a second run changed the text"
    if (SUITE / case / "in.json").exists():
        expected = [json.loads(doc) for doc in _json_documents((SUITE / case / "in.json").read_text(encoding="utf-8"))]
        value = resource_list.parse(carried.text.encode()).items[1].obj["spec"]["value"]
        assert _plain(value) == (expected[0] if expected else None)


def _json_documents(text: str) -> list[str]:
    """The JSON values in a stream of them (in.json holds one per document)."""
    decoder, out, at = json.JSONDecoder(), list[str](), 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return out
        _, end = decoder.raw_decode(text, at)
        out.append(text[at:end])
        at = end


@pytest.mark.parametrize("case", INVALID)
def test_an_invalid_case_is_refused(case: str) -> None:
    carried = carry(case)
    assert isinstance(carried, Carried)
    run = run_fn(carried.text)
    assert (run.exit_code, run.stdout) == (1, ""), run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    found = re.search(r"line (\d+), column \d+", run.stderr)
    assert found, f"no line and column in the message: {run.stderr}"
    last = carried.text.count("\n") + 1
    assert carried.first_line - 1 <= int(found.group(1)) <= last, run.stderr
