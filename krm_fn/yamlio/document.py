"""One entry of a list's sequence: its data, read from its text (or its node) only as far as it is
read, and its text, reused wherever the data did not change.

An entry taken from a list's text keeps that text (`source`) and its place in the list (`index`).
Where the list was taken apart by lines (`split`), it is parsed only as far as it is read: the
keys read up front (its head) first, the rest on the first read past them. Where it was composed
whole (`locate`), its node is constructed only as far as it is read. One nothing changes is
written back as the text it came as; one made from another (`origin`) reuses the text of every
part it shares with it, unless that text holds an anchor or an alias (`linked`): then it is
written anew, since a part taken out of it could mean something else where it lands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from . import blocks, codec
from .compose import construct

UNREAD: Any = object()
"""Data not parsed yet (None is data: a `- null` entry)."""


class Document:
    __slots__ = ("_data", "_head", "_head_keys", "column", "index", "linked", "node", "origin", "source")

    def __init__(
        self,
        data: Any = UNREAD,
        *,
        source: str | None = None,
        column: int = 0,
        head: dict[str, Any] | None = None,
        head_keys: tuple[str, ...] = (),
        origin: Document | None = None,
        index: int | None = None,
        node: Node | None = None,
        linked: bool = False,
    ) -> None:
        self._data = data
        self._head = head
        self._head_keys = head_keys
        self.source = source
        """The entry's text in the list it came from (its `- ` line first), or None for a new entry."""
        self.column = column
        self.origin = origin
        """The entry this one was made from, sharing its unchanged parts: their text can be reused."""
        self.index = index
        """Its place in the list it came from, where it is that entry (None for an entry made here)."""
        self.node = node
        """Its node, where the list was composed whole: its data is constructed from it."""
        self.linked = linked
        """Its text holds an anchor or an alias: no part of it is reused elsewhere."""

    @property
    def data(self) -> Any:
        """The entry as data, parsed from its text on first use."""
        if self._data is UNREAD:
            if self.node is not None:
                self._data = construct(self.node, self.linked)
            elif self.source is None:
                return None
            else:
                self._data = codec.load(blocks.item_document(self.source, self.column))
        return self._data

    @property
    def parsed(self) -> bool:
        return self._data is not UNREAD or self.source is None

    def top(self, key: str) -> Any:
        """The value of a top-level key: from the head, where it holds the key and the rest is unread."""
        if self._data is UNREAD and self._head is not None and key in self._head_keys:
            return self._head.get(key)
        if self._data is UNREAD and isinstance(self.node, MappingNode):
            return _value_of(self.node, key, self.linked)
        data = self.data
        return data.get(key) if isinstance(data, dict) else None

    def release(self) -> None:
        """Let go of the parsed data, where the text and head can stand for it (it is parsed again if read)."""
        if self.source is not None and (self._head is not None or self.node is not None):
            self._data = UNREAD

    def text(self, column: int) -> str:
        """The entry as an entry of a sequence at `column`: as it came, as what it was made from with
        the changes (the text of every unchanged part reused), or written anew."""
        if self.source is not None:
            return self.source
        origin = self.origin
        if (
            origin is not None
            and origin.source is not None
            and not origin.linked
            and origin.parsed
            and isinstance(origin.data, dict)
            and isinstance(self.data, dict)
        ):
            document = blocks.rewrite(blocks.item_document(origin.source, origin.column), origin.data, self.data, codec.dump_cached)
            return blocks.to_item(document, column)
        return self.fresh(column)

    def fresh(self, column: int) -> str:
        """The entry written anew from its data, none of its text reused."""
        return blocks.as_item(codec.dump([self.data]), column)

    def settle(self) -> None:
        """For an entry made from one with a text taken apart by lines: write its text now and let go of
        its data (memory then grows with the output's text, not with parsed entries). Not for one
        made from a composed entry: its text may hold what only the YAML 1.2 parser reads right (a
        block scalar's explicit indentation, say), and it would be read back by libyaml."""
        origin = self.origin
        if (
            self.source is None
            and origin is not None
            and origin.source is not None
            and origin.node is None
            and isinstance(self._data, dict)
        ):
            self.source, self.column = self.text(origin.column), origin.column
            self._head, self._head_keys = {k: self._data[k] for k in origin._head_keys if k in self._data}, origin._head_keys
            self._data, self.origin = UNREAD, None

    def without(self, keys: frozenset[str]) -> Document:
        """The entry without the blocks under `keys`, at any depth, for a read that needs none of them.

        Cheap for an entry not parsed yet: only the rest of its text is parsed (a CRD without its
        schemas is a few lines of a 570 KB entry).
        """
        if self.parsed or self.source is None or self.node is not None:
            return self
        text = blocks.without_keys(blocks.item_document(self.source, self.column), keys)
        return self if text is None else Document(codec.load(text))


def parse_all(documents: Iterable[Document]) -> None:
    """Parse, in one pass over their texts, the entries not parsed yet (one libyaml call, not one each)."""
    pending = []
    for document in documents:
        if document.parsed or document.source is None:
            continue
        if document.node is not None:
            document._data = construct(document.node, document.linked)
        else:
            pending.append(document)
    if not pending:
        return
    parsed = codec.load_documents([blocks.item_document(d.source or "", d.column) for d in pending])
    for document, data in zip(pending, parsed, strict=True):
        document._data = data


def _value_of(node: MappingNode, key: str, linked: bool) -> Any:
    """The value of a top-level key, constructed from its node alone (None where there is none); the
    whole mapping where a merge key could supply it."""
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            data = construct(node, linked)
            return data.get(key) if isinstance(data, dict) else None
    found = [value for key_node, value in node.value if key_node.value == key and key_node.tag == "tag:yaml.org,2002:str"]
    return construct(found[-1], linked) if found else None
