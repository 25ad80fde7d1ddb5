"""A list document (a ResourceList, say): read with its sequence's entries as `Document`s, and
written back with every entry the run did not change as the text it came as.

Where the text is block YAML of the plain kind kustomize and kpt write (`split`), the
entries are not parsed here: each keeps its text, and only its head (the keys asked for)
is read, for all entries in one pass. Any other input (JSON, anchors, multi-line quoted
strings...) is parsed whole and written by the YAML writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import blocks, codec, guards
from .document import Document, parse_all
from .errors import InputError
from .loader import BaseLoader
from .split import SplitList, split_list


@dataclass
class ListText:
    doc: dict[str, Any]
    """The list's own keys in their order (without the sequence where the text was taken apart)."""
    entries: list[Document]
    key: str
    """The key of the sequence the entries are of."""
    layout: SplitList | None = None
    """The text taken apart, where it could be; None where it was parsed whole."""


def decode(data: bytes) -> str | None:
    """The text, as YAML reads it (a BOM dropped, CRLF line ends as LF); None where it is not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # the full parse says where
    if "\r\n" in text and "\r" not in text.replace("\r\n", ""):
        text = text.replace("\r\n", "\n")
    return text


def read_split(data: bytes, key: str, head: tuple[str, ...]) -> ListText | None:
    """The list with its entries' texts taken apart (their `head` keys read up front), or None where
    the text is not plain enough, or not valid (the full parse says what is wrong, and where)."""
    text = decode(data)
    try:
        if text is None:
            return None
        guards.check_depth(text, BaseLoader)  # what the entries' texts hold too, though nothing parses them
        layout = split_list(text, key)
        if layout is None:
            return None
        doc = codec.load("".join(part for name, part in layout.entries if name != key))
        if not isinstance(doc, dict):
            return None
        return ListText(doc, _entries(layout, head), key, layout)
    except InputError:
        return None


def _entries(layout: SplitList, head: tuple[str, ...]) -> list[Document]:
    heads: list[str | None] = []
    for entry in layout.items:
        found = blocks.key_blocks(blocks.item_document(entry, layout.column))
        heads.append(None if found is None else "".join(found.get(key, "") for key in head) or "{}\n")
    # One pass over every entry's head; an entry whose own keys are not plain is parsed whole.
    plain = [i for i, text in enumerate(heads) if text is not None]
    read = dict(zip(plain, codec.load_documents([heads[i] or "" for i in plain]), strict=True))
    entries = [
        Document(source=text, column=layout.column, head=read.get(i), head_keys=head if i in read else ())
        for i, text in enumerate(layout.items)
    ]
    parse_all(entries[i] for i, text in enumerate(heads) if text is None)
    return entries


def write_list(read: ListText, entries: list[Document], updates: dict[str, Any]) -> str:
    """The list with `entries` as its sequence and the keys in `updates` set (None: left out; a key the
    list did not have comes last); everything else as it came."""
    layout = read.layout
    if layout is None:
        whole = {**read.doc, read.key: [entry.data for entry in entries], **updates}
        return codec.dump({k: v for k, v in whole.items() if k not in updates or v is not None})
    parts = []
    for name, text in layout.entries:
        if name == read.key:
            parts.append(f"{name}:\n" + "".join(entry.text(layout.column) for entry in entries) if entries else f"{name}: []\n")
        elif name in updates:
            parts.append(codec.dump({name: updates[name]}) if updates[name] is not None else "")
        else:
            parts.append(text)
    parts.extend(codec.dump({name: value}) for name, value in updates.items() if value is not None and name not in read.doc)
    return "".join(parts)
