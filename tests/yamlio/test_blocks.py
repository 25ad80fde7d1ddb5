"""Block YAML taken apart by lines (krm_fn.yamlio.blocks): keys, blocks left out, and rewriting that keeps text."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn import yamlio
from krm_fn.yamlio import blocks

DOCUMENT = """\
name: worker  # the worker
# the list below
env:
- name: A
  value: "1"  # first
- name: A
  value: '2'  # second
spec:
  # nested
  containers:
    - name: app
      image: 'app:1'   # quoted
      args: [a, "b"]
    - name: side
      image: "side:1"  # untouched
"""


def test_key_blocks_take_a_sequence_at_the_key_column_as_the_key_s() -> None:
    found = blocks.key_blocks(DOCUMENT)
    assert found is not None
    assert list(found) == ["name", "env", "spec"]
    assert found["env"].startswith("env:\n- name: A\n")


def _rewritten(change: Any) -> str:
    old = yamlio.load(DOCUMENT)
    new = change(old)
    text = blocks.rewrite(DOCUMENT, old, new, yamlio.dump)
    assert yamlio.load(text) == new
    return text


def test_an_unchanged_document_is_its_text() -> None:
    assert _rewritten(lambda old: old) == DOCUMENT


def test_a_change_deep_in_a_sequence_keeps_the_text_around_it() -> None:
    def change(old: dict[str, Any]) -> dict[str, Any]:
        app = {k: v for k, v in old["spec"]["containers"][0].items() if k != "args"}
        return {**old, "spec": {"containers": [app, old["spec"]["containers"][1]]}}

    assert _rewritten(change) == DOCUMENT.replace('      args: [a, "b"]\n', "")


def test_an_entry_left_out_of_a_sequence_takes_only_its_own_text() -> None:
    assert _rewritten(lambda old: {**old, "env": old["env"][1:]}) == DOCUMENT.replace('- name: A\n  value: "1"  # first\n', "")


def test_a_new_value_is_written_anew() -> None:
    text = _rewritten(lambda old: {**old, "env": [*old["env"], {"name": "B", "value": "3"}]})
    assert text == DOCUMENT.replace("  value: '2'  # second\n", "  value: '2'  # second\n- name: B\n  value: \"3\"\n")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("a: 1\ndescription: |-\n  text\n\n  more\nb: 2\n", "a: 1\nb: 2\n"),
        ("a:\n  description:\n    deep: 1\n  c: 2\n", "a:\n  c: 2\n"),
        ("a: 1\ndescription: inline\n", "a: 1\ndescription: inline\n"),
        ("list:\n- description: |\n    x\n", None),
    ],
    ids=["block-scalar", "mapping", "inline-kept", "sequence-entry"],
)
def test_without_keys(document: str, expected: str | None) -> None:
    assert blocks.without_keys(document, frozenset({"description"})) == expected
