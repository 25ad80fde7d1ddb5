"""The YAML 1.2.2 parser (krm_fn.yamlio.yaml12) against the official YAML test suite, PyYAML's marks, and deep nesting."""

from __future__ import annotations

import pytest
import yaml
from yaml_suite import CASES, SUITE, read, render

from krm_fn.yamlio.yaml12 import parse


@pytest.mark.parametrize("case", CASES)
def test_suite_case(case: str) -> None:
    text = read(case)
    if (SUITE / case / "error").exists():
        with pytest.raises(yaml.MarkedYAMLError) as caught:
            for _ in parse(text):
                pass
        assert caught.value.problem and caught.value.problem_mark is not None
    else:
        assert render(list(parse(text))) == (SUITE / case / "test.event").read_text(encoding="utf-8")


def test_suite_size() -> None:
    assert len(CASES) == 402
    assert sum((SUITE / case / "error").exists() for case in CASES) == 94


def _where(mark: object) -> tuple[int, int, int]:
    assert isinstance(mark, yaml.Mark)
    return mark.index, mark.line, mark.column


def _same_event(a: yaml.Event, b: yaml.Event) -> bool:
    fields = ("anchor", "tag", "implicit", "value", "style", "flow_style", "explicit", "version", "tags")
    return type(a) is type(b) and all(getattr(a, f, None) == getattr(b, f, None) for f in fields)


def test_marks_match_pyyaml() -> None:
    """Where PyYAML's pure parser gives the same events: the same start marks, and scalar and flow end marks."""
    agreeing = 0
    for case in CASES:
        if (SUITE / case / "error").exists():
            continue
        text = read(case)
        try:
            expected = list(yaml.parse(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            continue
        got = list(parse(text))
        if len(got) != len(expected) or not all(map(_same_event, expected, got)):
            continue
        agreeing += 1
        flow: list[bool] = []
        for want, have in zip(expected, got, strict=True):
            assert _where(have.start_mark) == _where(want.start_mark), (case, want)
            if isinstance(want, yaml.CollectionStartEvent):
                flow.append(bool(want.flow_style))
            ends_flow = isinstance(want, yaml.CollectionEndEvent) and flow.pop()
            if isinstance(want, yaml.ScalarEvent) or ends_flow:
                assert _where(have.end_mark) == _where(want.end_mark), (case, want)
    assert agreeing >= 240


DEPTH = 10_000


@pytest.mark.parametrize(
    "text",
    [
        "[" * DEPTH + "]" * DEPTH,
        "[" * DEPTH,
        "{a: " * DEPTH + "1" + "}" * DEPTH,
        "{a: " * DEPTH,
        "- " * DEPTH + "x\n",
        "- " * DEPTH + "[" * DEPTH,
    ],
    ids=["flow-sequences", "flow-unclosed", "flow-mappings", "flow-mappings-unclosed", "block-sequences", "block-then-flow"],
)
def test_deep_nesting_never_recurses(text: str) -> None:
    try:
        count = sum(1 for _ in parse(text))
    except yaml.MarkedYAMLError as error:
        assert error.problem_mark is not None
    else:
        assert count > DEPTH


def test_crlf_and_bom() -> None:
    events = list(parse("\ufeffa: 1\r\nb:\r  - x\r\n"))
    values = [e.value for e in events if isinstance(e, yaml.ScalarEvent)]
    assert values == ["a", "1", "b", "x"]
    x = next(e for e in events if isinstance(e, yaml.ScalarEvent) and e.value == "x")
    assert _where(x.start_mark) == (14, 2, 4)
