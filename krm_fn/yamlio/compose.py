"""A list's text composed into nodes by the YAML 1.2 parser (`yaml12`), each node with its place in
the text, and a node constructed into data on demand.

Composition keeps what the writer needs to reuse the text: every node's start and end marks,
and every alias with the place of the anchor it means. An anchor may be defined again (YAML
allows it, spec example 7.1, and kyaml writes it): an alias means the most recent node of that
name. Implicit tags are resolved as the loader resolves them; the non-specific tag `!` means a
string, a sequence or a mapping, as the spec says. No recursion: a deep input costs a list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import guards, yaml12
from .errors import InputError, one_line
from .loader import Loader
from .scalars import STR_TAG

_SEQ, _MAP, _MERGE = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:merge"


@dataclass
class Composed:
    root: Node
    end: int | None
    """Where an explicit document end (`...`) starts; None where the document ends with the text."""
    links: list[tuple[int, int]] = field(default_factory=list)
    """Each alias's place, with the place of the node it means (offsets into the text)."""


_loader = Loader("")  # the resolver and the constructor; its own parser is never used


def compose(text: str, events: Iterable[yaml.Event] | None = None) -> Composed:
    """The one document in `text`; InputError (with the line and column) where it is not valid YAML."""
    try:
        return _compose(iter(yaml12.parse(text) if events is None else events))
    except yaml.YAMLError as err:
        raise InputError(one_line(err)) from None


def _compose(events: Iterable[Any]) -> Composed:  # events: their marks are never None here
    anchors: dict[str, Node] = {}
    links: list[tuple[int, int]] = []
    stack: list[tuple[Node, list[Node | None]]] = []  # open collections, each with a mapping's pending key
    root: Node | None = None
    end: int | None = None
    documents = 0
    for event in events:
        start: Any = event.start_mark  # the stubs call the marks optional: the parser always sets them
        stop: Any = event.end_mark
        node: Node
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise InputError(f"expected one document, found another at line {start.line + 1}, column {start.column + 1}")
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            end = start.index if event.explicit else None
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            closed, _ = stack.pop()
            closed.end_mark = stop
            if isinstance(closed, MappingNode):
                _unique_keys(closed)
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise InputError(f"found undefined alias {event.anchor!r} at line {start.line + 1}, column {start.column + 1}")
            node = anchors[event.anchor]
            links.append((start.index, node.start_mark.index))
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None:
                tag = _loader.resolve(ScalarNode, event.value, event.implicit)
            elif tag == "!":
                tag = STR_TAG
            node = ScalarNode(tag, event.value, start, stop, style=event.style)
        elif isinstance(event, yaml.SequenceStartEvent):
            node = SequenceNode(_SEQ if event.tag in (None, "!") else event.tag, [], start, None, flow_style=event.flow_style)
        elif isinstance(event, yaml.MappingStartEvent):
            node = MappingNode(_MAP if event.tag in (None, "!") else event.tag, [], start, None, flow_style=event.flow_style)
        else:
            continue  # the stream's start and end
        if not isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            anchors[event.anchor] = node
        if not stack:
            root = node
        else:
            parent, pending = stack[-1]
            if isinstance(parent, SequenceNode):
                parent.value.append(node)
            elif pending[0] is None:
                pending[0] = node
            else:
                parent.value.append((pending[0], node))
                pending[0] = None
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append((node, [None]))
            if len(stack) > guards.MAX_DEPTH:  # the constructor recurses
                raise InputError(f"nesting deeper than {guards.MAX_DEPTH} levels (line {start.line + 1})")
    if root is None:
        raise InputError("input is empty")
    if links:  # an alias bomb is refused here, where an item that is never read would pass it on
        guards.check_expansion(root)
    return Composed(root, end, links)


def _unique_keys(mapping: MappingNode) -> None:
    """A key written twice is refused here, where an entry that is never constructed would hide it
    (the loader's check, on the keys' text: it sees a mapping only when it is read)."""
    seen: set[tuple[str, str]] = set()
    for key, _ in mapping.value:
        if isinstance(key, ScalarNode) and key.tag != _MERGE:
            if (key.tag, key.value) in seen:
                mark = key.start_mark
                raise InputError(f"duplicate key {key.value!r} at line {mark.line + 1}, column {mark.column + 1}")
            seen.add((key.tag, key.value))


def construct(node: Node, linked: bool = False) -> Any:
    """The data a node means, as the loader reads it; `linked` where the text has aliases (an alias
    bomb is refused, as the whole-text loader refuses it)."""
    try:
        data = _loader.construct_document(node)
    except yaml.YAMLError as err:
        raise InputError(one_line(err)) from None
    finally:  # a failed construction leaves objects keyed by node id, which a later node may reuse
        _loader.constructed_objects, _loader.recursive_objects, _loader.state_generators = {}, {}, []
    if linked:
        guards.check_expansion(data)
    return data
