"""A list's text as its writer needs it, and the writer.

Both readers give a `Layout`: `split` by lines for plain block YAML, `locate` from the nodes of
any other. It holds what comes before the list's keys, each top-level key's text as it came (a
`Sequence` for `items` and `results`, each entry a block entry's text), and what comes after.
`write` puts the list back together: every text as it came, an entry the run did not change
included; a changed entry written in its place; this run's results after the ones already
there. A flow sequence (JSON, say) is written as a block one, each entry keeping its text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import blocks, codec

Span = tuple[int, int]
"""Where a text was in the input: start and end offsets."""


@dataclass
class Sequence:
    text: str
    """The key and its sequence as they came: written back where no entry changed."""
    head: str
    """The key's line (and any comments) before the first entry, as written when an entry changed."""
    entries: list[str]
    """Each entry's text as a block entry at `column` (`- ` first)."""
    column: int
    spans: list[Span] = field(default_factory=list)
    """Each entry's place in the input, where the text has aliases (else empty)."""


def written(name: str, entries: list[str], spans: list[Span] | None = None) -> Sequence:
    """A sequence with no text of its own to keep (from a flow sequence, from data, or none at all):
    block YAML at column 0, its key and then its entries, or `name: []`."""
    return Sequence(f"{name}:\n" + "".join(entries) if entries else f"{name}: []\n", f"{name}:\n", entries, 0, spans or [])


@dataclass
class Layout:
    before: str
    """The text before the first key (comments, directives, `---`)."""
    keys: list[tuple[str, str | Sequence]]
    """Each top-level key with its text, as it came, in order."""
    after: str = ""
    """The text from the document's end on (`...`)."""
    links: list[tuple[int, int]] = field(default_factory=list)
    """Each alias's place with the place of the node it means (only where the text has aliases)."""
    spans: dict[str, Span] = field(default_factory=dict)
    """Each key's place in the input, where the text has aliases."""


@dataclass
class Entry:
    """An entry to write: its text as it came (`kept`, with its place in the input), or not."""

    kept: int | None
    """Its index among the input's entries, where it is the text as it came; else None."""
    text: Callable[[bool], str]
    """Its text; `fresh`: written anew from its data (an alias in it would lose its anchor)."""


def as_entry(node: str, column: int) -> str:
    """A node's text (a flow collection or scalar, from a flow sequence) as a block entry at `column`:
    its lines as they came, moved right only where a line would not be indented past the `-`."""
    lines = node.split("\n")
    shift = any(line.strip() and len(line) - len(line.lstrip(" ")) <= column for line in lines[1:])
    pad = " " * (column + 2) if shift else ""
    rest = "".join("\n" + (pad + line if line.strip() else line) for line in lines[1:])
    return " " * column + "- " + lines[0] + rest + "\n"


def write(layout: Layout, items: list[Entry], results: list[Any], old_results: list[Any], doc: dict[str, Any]) -> str:
    """The list: `items` as its sequence, `results` after the results it had; everything else as it came.

    `doc` is the list's own keys as data, for a text that must be written anew (where an alias
    in it means a node whose text the run replaced)."""
    fresh = _fresh(layout, items) if layout.links else set()
    parts = [layout.before]
    for name, part in layout.keys:
        if not isinstance(part, Sequence):
            parts.append(codec.dump({name: doc.get(name)}) if name in fresh else part)
        elif name == "items":
            parts.append(_items(part, items, fresh))
        elif name == "results":
            parts.append(_results(part, results, old_results, fresh))
        else:
            parts.append(part.text)
    if results and all(name != "results" for name, _ in layout.keys):
        parts.append(codec.dump({"results": results}))
    parts.append(layout.after)
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    """The parts, each ending its last line (an input without a final line break gets one where more follows)."""
    out = []
    for index, part in enumerate(parts):
        if part and not part.endswith("\n") and any(parts[index + 1 :]):
            part += "\n"
        out.append(part)
    return "".join(out)


def _items(seq: Sequence, items: list[Entry], fresh: set[str]) -> str:
    if not fresh and [entry.kept for entry in items] == list(range(len(seq.entries))):
        return seq.text
    if not items:
        return f"{seq.head.rstrip()} []\n" if seq.head.rstrip().endswith(":") else seq.head
    texts = []
    for entry in items:
        if entry.kept is not None and f"items[{entry.kept}]" not in fresh:
            texts.append(seq.entries[entry.kept])
        else:
            texts.append(entry.text(entry.kept is not None))
    return seq.head + "".join(texts)


def _results(seq: Sequence, results: list[Any], old: list[Any], fresh: set[str]) -> str:
    refreshed = {index for index in range(len(seq.entries)) if f"results[{index}]" in fresh}
    if not results and not refreshed:
        return seq.text
    new = blocks.as_item(codec.dump(results), seq.column) if results else ""
    if not refreshed and seq.text.startswith(seq.head) and seq.text[len(seq.head) :] == "".join(seq.entries):
        return seq.text + new  # a block sequence: the new entries after the last
    texts = [blocks.as_item(codec.dump([old[index]]), seq.column) if index in refreshed else text for index, text in enumerate(seq.entries)]
    return seq.head + "".join(texts) + new


def _fresh(layout: Layout, items: list[Entry]) -> set[str]:
    """The texts to write anew: each kept text with an alias that means a node in a text the run
    replaced (or wrote anew), and so on, until none is left. The names are `items[i]`, `results[i]`
    and the list's own keys."""
    units: dict[str, tuple[int, int]] = dict(layout.spans)
    for name, part in layout.keys:
        if isinstance(part, Sequence) and name in ("items", "results"):
            units.pop(name, None)
            units.update((f"{name}[{index}]", span) for index, span in enumerate(part.spans))
    kept_items = {entry.kept for entry in items if entry.kept is not None}
    gone = {name for name in units if name.startswith("items[") and int(name[6:-1]) not in kept_items}
    fresh: set[str] = set()
    while True:
        lost = [(at, to) for at, to in layout.links if any(_inside(to, units[name]) for name in gone | fresh)]
        found = {name for name in units if name not in gone | fresh and any(_inside(at, units[name]) for at, _ in lost)}
        if not found:
            return fresh
        fresh |= found


def _inside(offset: int, span: Span) -> bool:
    return span[0] <= offset < span[1]
