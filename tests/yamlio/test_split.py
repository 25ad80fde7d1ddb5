"""A ResourceList's text taken apart by lines (krm_fn.yamlio.split): where it can be, and where it must not be."""

from __future__ import annotations

import pytest

from krm_fn.yamlio.layout import Layout, Sequence
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


def _items(layout: Layout) -> Sequence:
    found = dict(layout.keys)["items"]
    assert isinstance(found, Sequence)
    return found


def test_a_plain_list_is_taken_apart() -> None:
    layout = split_list(LIST)
    assert layout is not None
    assert [key for key, _ in layout.keys] == ["apiVersion", "kind", "items", "functionConfig"]
    items = _items(layout)
    assert items.column == 0
    assert len(items.entries) == 2
    assert items.entries[0].startswith("- apiVersion: v1\n") and items.entries[0].endswith("      - not an item\n")
    assert items.entries[1] == "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n"
    assert layout.before + "".join(text if isinstance(text, str) else text.text for _, text in layout.keys) == LIST


def test_a_leading_comment_is_kept_before_the_keys() -> None:
    layout = split_list("# rendered\nkind: ResourceList\nitems:\n- a: 1\n")
    assert layout is not None and layout.before == "# rendered\n"


def test_indented_items() -> None:
    layout = split_list("apiVersion: v1\nitems:\n  - a: 1\n    b: 2\n  - c: 3\n")
    assert layout is not None
    items = _items(layout)
    assert (items.column, items.entries) == (2, ["  - a: 1\n    b: 2\n", "  - c: 3\n"])


def test_an_empty_list() -> None:
    layout = split_list("kind: ResourceList\nitems: []\n")
    assert layout is not None and _items(layout).entries == []


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
