"""Block YAML documents taken apart by lines: an item's text as a document and back, its
top-level entries, blocks left out, and a changed document rewritten reusing the text of
every unchanged part.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ITEM_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-/]*):(?: |\Z)")
# A key whose value is the block below it: nothing inline, or a block scalar's header.
_BLOCK_KEY = re.compile(r"(- )?([A-Za-z_][A-Za-z0-9_.\-/]*):(?: +[|>][0-9+\-]*)? *\Z")


def item_document(item: str, column: int) -> str:
    """An item's text as a document of its own: the `- ` taken off, the lines moved left with it."""
    width = column + 2
    out = []
    for number, line in enumerate(item.split("\n")[:-1]):
        if number == 0:
            out.append(line[width:])
        elif line[:width].strip():
            out.append(line)  # a comment less indented than the item: keep it, YAML ignores it
        else:
            out.append(line[width:])
    return "\n".join(out) + "\n"


def as_item(document: str, column: int) -> str:
    """A document (as PyYAML writes a one-element list) placed as an entry of a sequence at `column`."""
    return _indented(document, column) if column else document


def _indented(text: str, width: int) -> str:
    """`text` moved right by `width` columns, its blank lines left blank."""
    pad = " " * width
    return "".join(pad + line if line.strip() else line for line in _lines(text))


def _lines(text: str) -> list[str]:
    """The lines of a YAML text, each with its line break: split at LF only (str.splitlines also
    splits at U+2028, NEL and others, which a YAML 1.2 scalar may hold)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]  # no line break after the last
    return lines if lines[-1] else lines[:-1]


def key_blocks(document: str) -> dict[str, str] | None:
    """A mapping document's top-level entries as texts by key; None where its keys are not plain or repeat."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in document.split("\n")[:-1]:
        if line and line[0] not in " #" and not (current is not None and (line.startswith("- ") or line == "-")):
            match = _ITEM_KEY.match(line)
            if match is None or match.group(1) in blocks:
                return None
            current = blocks[match.group(1)] = [line]
        elif current is not None:
            current.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            return None
    return {key: "\n".join(block) + "\n" for key, block in blocks.items()}


def without_keys(document: str, keys: frozenset[str]) -> str | None:
    """The document without the blocks under any of `keys` (at any depth): a key with no inline
    value, or with a block scalar (`description: |-`).

    None where such a key opens a sequence entry (`- schema:`): leaving it out would join
    the entry's other keys to the entry before.
    """
    out: list[str] = []
    skip_above = -1
    for line in document.split("\n")[:-1]:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if skip_above >= 0:
            if not stripped or indent > skip_above:
                continue
            skip_above = -1
        block = _BLOCK_KEY.match(stripped)
        if block is not None and block.group(2) in keys:
            if block.group(1):
                return None
            skip_above = indent
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def _dedent(lines: list[str], width: int) -> list[str]:
    return [line[width:] if not line[:width].strip() else line.lstrip(" ") for line in lines]


def _child_width(lines: list[str]) -> int:
    for line in lines:
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            return len(line) - len(stripped)
    return 0


def rewrite(document: str, old: dict[object, object], new: dict[object, object], dump: Callable[[object], str]) -> str:
    """`new` as a mapping document, reusing the text of `document` (which reads as `old`) wherever it can.

    An entry of `new` whose value is the very object `old` has under that key is copied as
    the text it was, comments and quoting included; a block mapping or sequence that changed
    is rewritten the same way one level further down, and so on; anything else is written
    by `dump`.
    """
    found = key_blocks(document)
    if found is None:
        return dump(new)
    out = [_leading_comments(document)]
    for key, value in new.items():
        block = found.get(key) if isinstance(key, str) else None
        before = old.get(key) if block is not None else None
        if block is not None and before is value:
            out.append(block)
            continue
        lines = block.split("\n")[:-1] if block is not None else []
        written = _rewrite_block(lines[1:], before, value, dump) if lines and lines[0] == f"{key}:" and value else None
        out.append(dump({key: value}) if written is None else f"{key}:\n" + written)
    return "".join(out)


def _rewrite_block(lines: list[str], old: object, new: object, dump: Callable[[object], str]) -> str | None:
    """The block under a key (its lines below the key's), rewritten to read as `new`; None where it cannot be."""
    width = _child_width(lines)
    inner = "\n".join(_dedent(lines, width)) + "\n"
    if isinstance(old, dict) and isinstance(new, dict):
        written: str | None = rewrite(inner, old, new, dump)
    elif isinstance(old, list) and isinstance(new, list):
        written = _rewrite_sequence(inner, old, new, dump)
    else:
        return None
    return None if written is None else _indented(written, width)


def _leading_comments(document: str) -> str:
    """The comment and blank lines before a document's first entry."""
    lines = document.split("\n")
    count = next((n for n, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), len(lines) - 1)
    return "".join(line + "\n" for line in lines[:count])


def _rewrite_sequence(document: str, old: list[object], new: list[object], dump: Callable[[object], str]) -> str | None:
    """`new` as a block sequence at column 0, reusing the entries of `document` (which reads as `old`);
    None where its entries cannot be told apart by lines."""
    split = _sequence_entries(document)
    if split is None or len(split[1]) != len(old):
        return None
    preamble, entries = split
    at = {id(item): index for index, item in enumerate(old)}
    out = [preamble]
    for index, item in enumerate(new):
        same = at.get(id(item))
        if same is not None and old[same] is item:
            out.append(entries[same])
        elif index < len(old) and isinstance(item, dict) and isinstance(before := old[index], dict):
            out.append(to_item(rewrite(item_document(entries[index], 0), before, item, dump), 0))
        else:
            out.append(dump([item]))
    return "".join(out)


def _sequence_entries(document: str) -> tuple[str, list[str]] | None:
    """A block sequence at column 0: the comments before it, and its entries, each with the lines
    below it; None where the text is not one."""
    preamble: list[str] = []
    entries: list[list[str]] = []
    for line in document.split("\n")[:-1]:
        if line.startswith("- ") or line == "-":
            entries.append([line])
        elif entries:
            if line and line[0] not in " #":
                return None
            entries[-1].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            return None
        else:
            preamble.append(line + "\n")
    return "".join(preamble), ["\n".join(entry) + "\n" for entry in entries]


def to_item(document: str, column: int) -> str:
    """A mapping document as an entry of a sequence at `column`: `- ` before its first line, the rest moved with it."""
    lines = _lines(document)
    pad = " " * column
    return "".join(pad + ("- " if n == 0 else "  ") + line if line.strip() else line for n, line in enumerate(lines))
