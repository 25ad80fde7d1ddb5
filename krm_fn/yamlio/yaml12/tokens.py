"""Tokens shared by the scanner and the parser, and the mapping from text offsets to `yaml.Mark`s."""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from typing import Any

import yaml

STREAM_START = "<stream start>"
STREAM_END = "<stream end>"
DIRECTIVE = "<directive>"
DOCUMENT_START = "'---'"
DOCUMENT_END = "'...'"
BLOCK_SEQUENCE_START = "<block sequence start>"
BLOCK_MAPPING_START = "<block mapping start>"
BLOCK_END = "<block end>"
FLOW_SEQUENCE_START = "'['"
FLOW_SEQUENCE_END = "']'"
FLOW_MAPPING_START = "'{'"
FLOW_MAPPING_END = "'}'"
BLOCK_ENTRY = "'-'"
FLOW_ENTRY = "','"
KEY = "'?'"
VALUE = "':'"
ALIAS = "<alias>"
ANCHOR = "<anchor>"
TAG = "<tag>"
SCALAR = "<scalar>"

_BREAK = re.compile(r"\r\n|\r|\n")
NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character outside YAML's printable set: only a quoted scalar may hold one (JSON allows them); libyaml refuses them anywhere."""


class Token:
    """One token: its kind (a constant above, also its readable name), its span in the text, and its payload.

    `value` is the scalar text, the anchor or alias name, a tag's (handle, suffix) pair, or a directive's
    (name, parameters) pair; `style` is a scalar's style (None for plain).
    """

    __slots__ = ("end", "kind", "start", "style", "value")

    def __init__(self, kind: str, start: int, end: int, value: Any = None, style: str | None = None) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.value: Any = value
        self.style = style

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.start}, {self.end}, {self.value!r})"


class Locator:
    """Turns a code-point offset into a `yaml.Mark` (0-based line and column), counting `\\r\\n`, `\\r` and `\\n` as breaks."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        self._starts.extend(m.end() for m in _BREAK.finditer(text))
        self._starts.append(sys.maxsize)  # a sentinel: every offset is before it
        self._line = 0  # the line of the last mark: marks are mostly asked for in order

    def mark(self, pos: int) -> yaml.Mark:
        """The mark at offset `pos`."""
        starts = self._starts
        line = self._line
        if not starts[line] <= pos < starts[line + 1]:
            line = self._line = bisect_right(starts, pos) - 1
        # No buffer (so no snippet in messages): a mark is only where, not the text around it.
        return yaml.Mark("<unicode string>", pos, line, pos - self._starts[line], None, None)  # type: ignore[arg-type]
