"""Any list's text taken apart from its nodes: the `Layout` of a text that `split` cannot take apart
by lines (flow style, anchors, tags, multi-line scalars, JSON...).

Every text comes from the nodes' marks. A top-level key's text runs from the start of its line
to the start of the next key's line (comments between belong to the key above, as in `split`);
an entry of a block sequence from the start of its `-` line to the start of the next one's. A
flow sequence's entries are the nodes' texts, each to be written as a block entry; a list whose
top level is a flow mapping (JSON) is laid out as block YAML, its entries keeping their texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import codec
from .compose import Composed, construct
from .errors import InputError
from .layout import Layout, Sequence, Span, as_entry, written

SEQUENCES = ("items", "results")


@dataclass
class Located:
    layout: Layout
    doc: dict[str, Any]
    """The list's own keys as data (without the sequence of `key`)."""
    nodes: list[Node]
    """The entries of the sequence of `key`, as nodes."""
    linked: list[bool]
    """For each entry, whether its text holds an anchor or an alias."""
    column: int


def locate(text: str, composed: Composed, key: str) -> Located | None:
    """The layout, or None where the top level is not a mapping with plain keys (the caller says what is wrong)."""
    root = composed.root
    if not isinstance(root, MappingNode) or not all(isinstance(k, ScalarNode) for k, _ in root.value):
        return None
    lines = _LineStarts(text)
    end = len(text) if composed.end is None else lines.start_of(composed.end)
    names = [str(k.value) for k, _ in root.value]
    repeated = next((k for k, _ in root.value if names.count(str(k.value)) > 1), None)
    if repeated is not None:
        mark = repeated.start_mark
        raise InputError(f"duplicate key {repeated.value!r} at line {mark.line + 1}, column {mark.column + 1}")
    linked = bool(composed.links)
    # The list's own keys, and the sequence's value where it is not one (for the caller to refuse).
    doc = {k.value: construct(v, linked) for k, v in root.value if k.value != key or not _sequence_or_null(v)}
    found = Located(Layout("", [], text[end:], composed.links), doc, [], [], 0)
    if root.flow_style:
        _relaid(text, root, key, found, lines)
    else:
        _block(text, root, key, end, found, lines)
    if key not in names:  # no items: an empty list
        found.layout.keys.append((key, written(key, [])))
    return found


def _block(text: str, root: MappingNode, key: str, end: int, found: Located, lines: _LineStarts) -> None:
    starts = [lines.start_of(k.start_mark.index) for k, _ in root.value]
    found.layout.before = text[: starts[0]] if starts else text[:end]
    for (k, value), start, stop in zip(root.value, starts, [*starts[1:], end], strict=True):
        name = str(k.value)
        span = (start, stop)
        if found.layout.links:
            found.layout.spans[name] = span
        if name in SEQUENCES and isinstance(value, SequenceNode) and not value.flow_style:
            seq = _block_sequence(text, value, span, lines)
        elif name in SEQUENCES and _sequence_or_null(value):
            whole = text[start:stop]
            if isinstance(value, ScalarNode):  # a null: the empty list it means
                whole = f"{name}: []\n" + whole.partition("\n")[2]
            seq = _flow_sequence(text, name, value, whole)
        else:
            found.layout.keys.append((name, text[start:stop]))
            continue
        found.layout.keys.append((name, seq))
        if name == key:
            _entries(found, seq, value, text)


def _block_sequence(text: str, value: SequenceNode, span: Span, lines: _LineStarts) -> Sequence:
    column = value.start_mark.column
    dashes = [lines.dash_before(entry.start_mark.index, column, text) for entry in value.value]
    bounds = [*dashes, span[1]]
    spans = [(bounds[i], bounds[i + 1]) for i in range(len(dashes))]
    head_end = dashes[0] if dashes else span[1]
    return Sequence(text[span[0] : span[1]], text[span[0] : head_end], [text[a:b] for a, b in spans], column, spans)


def _flow_sequence(text: str, name: str, value: Node, whole: str) -> Sequence:
    """A flow sequence (or a null), its entries as block entries at column 0."""
    nodes = value.value if isinstance(value, SequenceNode) else []
    spans = [(node.start_mark.index, node.end_mark.index) for node in nodes]
    return Sequence(whole, f"{name}:\n", [as_entry(text[a:b], 0) for a, b in spans], 0, spans)


def _relaid(text: str, root: MappingNode, key: str, found: Located, lines: _LineStarts) -> None:
    """A flow mapping at the top: block YAML, the sequences' entries as they came, the rest written anew."""
    before = text[: root.start_mark.index]
    found.layout.before = before if not before.strip(" ") or before.endswith("\n") else before.rstrip(" ") + "\n"
    after = text[root.end_mark.index :]
    found.layout.after = after[1:] if after.startswith("\n") else after.lstrip(" ")  # the block keys end their lines
    for k, value in root.value:
        name = str(k.value)
        if name in SEQUENCES and _sequence_or_null(value):
            flow = _flow_sequence(text, name, value, "")
            seq = written(name, flow.entries, flow.spans)
            found.layout.keys.append((name, seq))
            if name == key:
                _entries(found, seq, value, text)
        else:
            found.layout.keys.append((name, codec.dump({name: found.doc[name]})))
            if found.layout.links:
                found.layout.spans[name] = (k.start_mark.index, value.end_mark.index)


def _sequence_or_null(node: Node) -> bool:
    return isinstance(node, SequenceNode) or (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null")


def _entries(found: Located, seq: Sequence, value: Node, text: str) -> None:
    nodes = value.value if isinstance(value, SequenceNode) else []
    found.nodes = list(nodes)
    found.column = seq.column
    links = found.layout.links
    found.linked = [any(a <= at < b or a <= to < b for at, to in links) for a, b in seq.spans] if links else [False] * len(nodes)


class _LineStarts:
    """Line starts of a text, to find the line an offset is on."""

    def __init__(self, text: str) -> None:
        self.text = text

    def start_of(self, offset: int) -> int:
        """The start of the line `offset` is on."""
        return self.text.rfind("\n", 0, offset) + 1

    def dash_before(self, offset: int, column: int, text: str) -> int:
        """The start of the line with the `-` (at `column`) of the block entry whose node starts at `offset`:
        the node's own line, or the nearest line above it with a `-` at that column (between the two
        there are only comments and line breaks)."""
        start = self.start_of(offset)
        while not (text.startswith("-", start + column) and not text[start : start + column].strip(" ")):
            start = self.start_of(start - 1)
        return start
