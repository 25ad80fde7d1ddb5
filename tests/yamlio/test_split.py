"""A ResourceList's text taken apart by lines (krm_fn.yamlio.split): where it can be, and where it must not be."""

from __future__ import annotations

import pytest

from krm_fn.yamlio.split import split_list

LIST = """\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
# a comment between keys
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a  # named
  data:
    script: |
      echo "{not: flow}" &anchor
      - not an item
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
functionConfig:
  kind: X
"""


def test_a_plain_list_is_taken_apart() -> None:
    split = split_list(LIST)
    assert split is not None
    assert [key for key, _ in split.entries] == ["apiVersion", "kind", "items", "functionConfig"]
    assert split.column == 0
    assert len(split.items) == 2
    assert split.items[0].startswith("- apiVersion: v1\n") and split.items[0].endswith("      - not an item\n")
    assert split.items[1] == "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n"
    assert "".join(text for _, text in split.entries) == LIST


def test_indented_items() -> None:
    split = split_list("apiVersion: v1\nitems:\n  - a: 1\n    b: 2\n  - c: 3\n")
    assert split is not None
    assert (split.column, split.items) == (2, ["  - a: 1\n    b: 2\n", "  - c: 3\n"])


def test_an_empty_list() -> None:
    split = split_list("kind: ResourceList\nitems: []\n")
    assert split is not None and split.items == []


@pytest.mark.parametrize(
    "text",
    [
        "items:\n- a: &x 1\n- b: *x\n",  # an anchor and an alias
        "items:\n- a: 'folded\n    over'\n",  # a quoted scalar over two lines
        "items:\n- a: [1,\n    2]\n",  # flow over two lines
        "items:\n- a: !!int 1\n",  # a tag
        "---\nitems:\n- a: 1\n",  # a document marker
        "items:\n- a: 1\r\n",  # a CR
        "items:\n-\ta: 1\n",  # a tab
        "items:\n- a: 1\nitems:\n- b: 2\n",  # a repeated key
        "kind: X\n",  # no items
        '"items":\n- a: 1\n',  # a quoted key
        "items:\n- a: 1",  # no final line break
    ],
    ids=["anchor", "folded-quote", "flow", "tag", "marker", "cr", "tab", "repeated-key", "no-items", "quoted-key", "no-final-break"],
)
def test_what_is_not_plain_is_left_to_the_full_parse(text: str) -> None:
    assert split_list(text) is None
