"""A list document (a ResourceList, say): read with its sequence's entries as `Document`s, and
written back with every text the run did not change as it came.

Two readers, one writer (`layout`). Where the text is block YAML of the plain kind kustomize and
kpt write (`split`), it is taken apart by lines and checked whole by libyaml, which builds
nothing: the entries are not parsed here, only their heads (the keys asked for), for all
entries in one pass. Any other text (flow style, anchors, tags, multi-line scalars, JSON...)
is composed whole by the YAML 1.2 parser (`compose`, `locate`), and an entry's node is
constructed only as far as it is read. Either way an entry nothing changes is written back as
the text it came as.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode

from . import blocks, codec, guards, yaml12
from .compose import compose, construct
from .document import Document, parse_all
from .errors import InputError
from .layout import Entry, Layout, Sequence, write, written
from .loader import BaseLoader
from .locate import locate
from .split import split_list

try:
    from yaml._yaml import CParser as _Checker  # libyaml's parser, which can run without building events
except ImportError:  # pragma: no cover - exercised only without libyaml
    _Checker = None  # type: ignore[assignment,misc]


@dataclass
class ListText:
    doc: Any
    """The list's own keys in their order (without the sequence of `key`); whatever the text holds
    where it is not a mapping, for the caller to refuse."""
    entries: list[Document]
    key: str
    """The key of the sequence the entries are of."""
    layout: Layout
    newline: str = "\n"
    """The line break the text was written with: CRLF where every line ended so."""

    @property
    def results(self) -> list[Any]:
        """The results the list came with."""
        found = self.doc.get("results") if isinstance(self.doc, dict) else None
        return found if isinstance(found, list) else []


def decode(data: bytes | str) -> tuple[str, str]:
    """The text with LF line ends and without a byte order mark (not content: the output has none), and
    the line end it came with."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(f"input is not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from None
    else:
        text = str(data)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError("input is empty")
    newline = "\n"
    if "\r\n" in text and "\r" not in text.replace("\r\n", ""):
        text, newline = text.replace("\r\n", "\n"), "\r\n"
    return text, newline


def read_list(data: bytes | str, key: str, head: tuple[str, ...], whole: bool = False) -> ListText:
    """The list, taken apart by lines where it can be (unless `whole`), else composed whole; InputError
    (with the line and column) where it is not valid YAML."""
    text, newline = decode(data)
    if _YAML11_BREAK.search(text):
        read = _loaded(text, key)
    elif whole or (split := _split(text, key, head)) is None:
        read = _composed(text, key)
    else:
        read = split
    read.newline = newline
    return read


_YAML11_BREAK = re.compile("[\x85\u2028\u2029]")
"""NEL, LS and PS: line breaks to libyaml, go-yaml (kustomize writes them as breaks) and every YAML 1.1
reader downstream, though not to YAML 1.2."""


def _loaded(text: str, key: str) -> ListText:
    """A list holding a YAML 1.1 line break: read as the readers around it read it (libyaml), and every
    part written anew by libyaml's writer, so that they all read it the same."""
    doc = codec.load(text)
    if not isinstance(doc, dict):
        return ListText(doc, [], key, Layout("", []))
    layout = Layout("", [])
    own: dict[str, Any] = {}
    entries: list[Document] = []
    for name, value in doc.items():
        if name in (key, "results") and (value is None or isinstance(value, list)):
            dumped = [blocks.as_item(codec.dump([entry]), 0) for entry in value or []]
            layout.keys.append((name, written(name, dumped)))
            if name == key:
                entries = [Document(entry) for entry in value or []]
            else:
                own[name] = value
        else:
            layout.keys.append((name, codec.dump({name: value})))
            own[name] = value
    if key not in doc:
        layout.keys.append((key, written(key, [])))
    return ListText(own, entries, key, layout)


def _split(text: str, key: str, head: tuple[str, ...]) -> ListText | None:
    try:
        guards.check_depth(text, BaseLoader)  # what the entries' texts hold too, though nothing parses them
        layout = split_list(text, key)
        if layout is None or not _valid(text):
            return None
        own = [part if isinstance(part, str) else part.text for name, part in layout.keys if name != key]
        doc = codec.load(layout.before + "".join(own)) if own else {}
        if not isinstance(doc, dict):
            return None
        seq = next(part for name, part in layout.keys if name == key and isinstance(part, Sequence))
        entries = _entries(seq, head)
    except InputError:  # the composed list says where, in the input
        return None
    return ListText(doc, entries, key, layout)


def _valid(text: str) -> bool:
    """libyaml finds no error in the text (it builds no events: a tenth of the time a load takes)."""
    if _Checker is None:  # pragma: no cover - the conforming parser judges instead
        return False
    try:
        _Checker(text).raw_parse()
    except yaml.YAMLError:
        return False
    return True


def _entries(seq: Sequence, head: tuple[str, ...]) -> list[Document]:
    heads: list[str | None] = []
    for entry in seq.entries:
        found = blocks.key_blocks(blocks.item_document(entry, seq.column))
        heads.append("".join(found.get(key, "") for key in head) or "{}\n" if found else None)  # no keys: not a mapping, maybe
    # One pass over every entry's head; an entry whose own keys are not plain is parsed whole.
    plain = [i for i, text in enumerate(heads) if text is not None]
    read = dict(zip(plain, codec.load_documents([heads[i] or "" for i in plain]), strict=True))
    entries = [
        Document(source=text, column=seq.column, head=read.get(i), head_keys=head if i in read else (), index=i)
        for i, text in enumerate(seq.entries)
    ]
    parse_all(entries[i] for i, text in enumerate(heads) if text is None)
    return entries


def _composed(text: str, key: str) -> ListText:
    composed = compose(text)
    found = locate(text, composed, key)
    if found is None:  # not a mapping: the caller says what it is
        return ListText(construct(composed.root, bool(composed.links)), [], key, Layout("", []))
    seq = next((part for name, part in found.layout.keys if name == key and isinstance(part, Sequence)), None)
    entries = []
    if seq is not None:
        entries = [
            Document(source=entry, column=seq.column, index=i, node=node, linked=linked)
            for i, (entry, node, linked) in enumerate(zip(seq.entries, found.nodes, found.linked, strict=True))
        ]
        parse_all(entry for entry in entries if not isinstance(entry.node, MappingNode))  # read as the split path reads them
        if yaml12.NOT_PRINTABLE.search(text):  # JSON allows characters libyaml and go-yaml refuse: write them escaped
            entries = [Document(entry.data) if yaml12.NOT_PRINTABLE.search(entry.source or "") else entry for entry in entries]
    return ListText(found.doc, entries, key, found.layout)


def write_list(read: ListText, entries: list[Document], results: list[Any]) -> str:
    """The list with `entries` as its sequence and `results` after the results it had; every other
    text as it came."""
    column = next((part.column for name, part in read.layout.keys if name == read.key and isinstance(part, Sequence)), 0)
    items = [Entry(entry.index, _text_of(entry, column)) for entry in entries]
    text = write(read.layout, items, results, read.results, read.doc)
    if read.newline != "\n":
        text = text.replace("\n", read.newline)
    return text


def _text_of(entry: Document, column: int) -> Any:
    return lambda fresh: entry.fresh(column) if fresh else entry.text(column)
