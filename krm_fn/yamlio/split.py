"""A ResourceList's text taken apart by lines, not parsed.

A ResourceList is a few top-level keys and a long `items:` sequence. Where the text keeps to
a plain subset of block YAML (no tabs or CRs, no anchors, aliases or document markers, every
quoted scalar and flow collection on one line), its structure shows in its lines: a
top-level key starts at column 0, an item at the `- ` that opens it, an item's own keys at
one indentation. Then an item the function does not change can pass through as the text it
came as, and only the items that are read need parsing. Wherever the text leaves that
subset, `split_list` says so (None) and the caller parses the whole input.
"""

from __future__ import annotations

import re

from .layout import Layout, Sequence

_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?\Z")
# Characters with which a line may start something that spans lines or refers elsewhere.
_RISKY = re.compile(r"[\"'\[\]{}&*!|>%@`\\]")
# Anchors, aliases and tags: a token that starts with & or * after a separator, or any `!` there
# (alone, the non-specific tag: a string to YAML 1.2, resolved as plain by libyaml).
_NODE_PROPERTY = re.compile(r"(?:^|[\s,\[{])(?:[&*]\S|!)")
_BLOCK_SCALAR = re.compile(r"(?:^|:|-)\s*[|>]([0-9+\-]*)\s*(?:#.*)?\Z")
# What libyaml, which checks the lists this module takes apart, accepts though YAML 1.2 does not:
# a comment with no space before it after a quote, a bracket or a block scalar's header, and `-`
# as a scalar in a flow collection; and libyaml reads `?` or `:` first in a flow entry (`[?x]`) as
# an indicator. Where a line may hold one, the YAML 1.2 parser reads the list.
_LENIENT = re.compile(r"[\"'\]}]#|[|>][0-9+\-]*#|[\[{,]\s*-(?=[\s,\]}]|\Z)|[\[{,]\s*[?:]")
# Tabs; line breaks other than LF (libyaml breaks lines at them too); characters YAML refuses.
_UNSAFE = re.compile("[\t\r\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _balanced(line: str) -> bool:
    """Every quote and bracket the line opens, it closes (a comment ends the line)."""
    depth, quote, i = 0, "", 0
    while i < len(line):
        char = line[i]
        if quote == '"':
            if char == "\\":
                i += 1
            elif char == '"':
                quote = ""
        elif quote == "'":
            if char == "'":
                if i + 1 < len(line) and line[i + 1] == "'":
                    i += 1
                else:
                    quote = ""
        elif char in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] == " "):
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        i += 1
    return quote == "" and depth == 0


def _plain_subset(lines: list[str]) -> bool:
    """No line starts anything that spans lines, other than block scalars (whose lines are skipped)."""
    block_above = -1  # inside a block scalar: the indentation its content must exceed
    leading = -1  # in a block scalar before its first content line: its longest blank line so far
    for line in lines:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_above >= 0:
            if not stripped:
                leading = max(leading, len(line)) if leading >= 0 else leading
                continue
            if indent > block_above:
                if leading > indent:
                    return False  # a leading blank line longer than the content's indentation
                leading = -1
                continue
            block_above = leading = -1
        if not stripped or stripped[0] == "#":
            continue
        if stripped.startswith(("---", "...")) and indent == 0:
            return False
        if not _RISKY.search(stripped):
            continue
        if _NODE_PROPERTY.search(stripped) or _LENIENT.search(stripped) or not _balanced(stripped):
            return False
        header = _BLOCK_SCALAR.search(stripped)
        if header is not None:
            if any(char.isdigit() for char in header.group(1)):
                return False  # an explicit indentation: the YAML 1.2 parser checks it
            leading = 0
            # The content belongs to the key on this line: indented more than it.
            key_indent = indent
            while stripped.startswith("- "):
                stripped, key_indent = stripped[2:], key_indent + 2
            block_above = key_indent
    return True


def split_list(text: str, key: str = "items") -> Layout | None:
    """The list's layout, its sequences under `key` and `results` taken apart into entries, or None
    where the text is not plain enough to be sure."""
    if _UNSAFE.search(text) or not text.endswith("\n"):
        return None
    lines = text.split("\n")[:-1]
    if not _plain_subset(lines):
        return None
    entries: list[tuple[str, int, int]] = []  # key, first line, end line
    for number, line in enumerate(lines):
        if not line or line[0] in " #" or (line[0] == "-" and entries):  # a sequence at column 0 under the key above
            continue
        match = _TOP_KEY.match(line)
        if match is None:
            return None  # a quoted or complex key, a flow document, text that is not a key
        if entries:
            entries[-1] = (entries[-1][0], entries[-1][1], number)
        entries.append((match.group(1), number, len(lines)))
    names = [name for name, _, _ in entries]
    if len(set(names)) != len(names) or key not in names:
        return None  # duplicates and the rest: the full parse says what is wrong
    keys: list[tuple[str, str | Sequence]] = []
    for name, start, end in entries:
        if name in (key, "results"):
            seq = _sequence(lines, name, start, end)
            if seq is None:
                return None
            keys.append((name, seq))
        else:
            keys.append((name, "\n".join(lines[start:end]) + "\n"))
    first = entries[0][1]
    return Layout("".join(line + "\n" for line in lines[:first]), keys)


def _sequence(lines: list[str], key: str, start: int, end: int) -> Sequence | None:
    text = "\n".join(lines[start:end]) + "\n"
    head = lines[start]
    rest = [n for n in range(start + 1, end) if lines[n].strip() and not lines[n].lstrip().startswith("#")]
    if head != f"{key}:":
        return Sequence(text, f"{key}:\n", [], 0) if head.rstrip() == f"{key}: []" and not rest else None
    if not rest:
        return None
    column = len(lines[rest[0]]) - len(lines[rest[0]].lstrip(" "))
    if column not in (0, 2) or not lines[rest[0]][column:].startswith("-"):
        return None
    starts = []
    for n in rest:
        line = lines[n]
        indent = len(line) - len(line.lstrip(" "))
        if indent < column:
            return None
        if indent == column:
            if not (line[column:].startswith("- ") or line[column:] == "-"):
                return None
            starts.append(n)
    items = ["\n".join(lines[a:b]) + "\n" for a, b in zip(starts, [*starts[1:], end], strict=True)]
    return Sequence(text, "".join(line + "\n" for line in lines[start : starts[0]]), items, column)
