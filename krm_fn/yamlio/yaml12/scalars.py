"""Reading scalars (plain, quoted, block) for the scanner, a line at a time with regular expressions.

`ScalarReader` holds what the scanner and the scalar readers share: the text, the position, the current
line, the block indentation and the tokens so far.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from yaml.scanner import ScannerError

from .tokens import SCALAR, Locator, Token

BLANK = " \t\r\n"
FLOW_INDICATORS = ",[]{}"
SKIP = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:(?:\r\n?|\n)[ \t]*(?:#[^\r\n]*)?)*")
SPACES = re.compile(r" *")
_WHITE = re.compile(r"[ \t]*")
_TO_EOL = re.compile(r"[^\r\n]*")
# One line of a plain scalar: words of safe characters ('#' only inside a word, ':' only before a non-space).
_PLAIN_BLOCK = re.compile(r"(?:[^ \t\r\n:]|:(?=[^ \t\r\n]))*(?:[ \t]+(?:[^ \t\r\n:#]|:(?=[^ \t\r\n]))(?:[^ \t\r\n:]|:(?=[^ \t\r\n]))*)*")
_PLAIN_FLOW = re.compile(
    r"(?:[^ \t\r\n:,\[\]{}]|:(?=[^ \t\r\n,\[\]{}]))*"
    r"(?:[ \t]+(?:[^ \t\r\n:#,\[\]{}]|:(?=[^ \t\r\n,\[\]{}]))(?:[^ \t\r\n:,\[\]{}]|:(?=[^ \t\r\n,\[\]{}]))*)*"
)
_SINGLE_RUN = re.compile(r"[^'\r\n]*")
_DOUBLE_RUN = re.compile(r"[^\"\\\r\n]*")
_BLOCK_HEADER = re.compile(r"(?:([1-9])([+-])?|([+-])([1-9])?)?(?:[ \t]+(?:#[^\r\n]*)?)?")
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def match_at(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str]:
    """Match a pattern that also matches the empty string (so always matches)."""
    m = pattern.match(text, pos)
    assert m is not None
    return m


def end_of(pattern: re.Pattern[str], text: str, pos: int, endpos: int = sys.maxsize) -> int:
    """Where a pattern that also matches the empty string stops matching `text` from `pos`."""
    m = pattern.match(text, pos, endpos)
    assert m is not None
    return m.end()


class ScalarReader:
    """The scanner's position and output, and the readers of its scalars."""

    def __init__(self, text: str, locator: Locator) -> None:
        self.text = text
        self.size = len(text)
        self.loc = locator
        self.pos = 0
        self.line_start = 0
        self.tokens: list[Token] = []
        self.flow: list[str] = []  # the open flow collections' brackets
        self.indent = -1  # the column of the innermost block collection (-1: none)
        self.first_on_line = True  # no token yet on the current line

    def error(self, problem: str, pos: int, context: str | None = None, context_pos: int | None = None) -> ScannerError:
        """A ScannerError at `pos`, to raise."""
        context_mark = self.loc.mark(context_pos) if context_pos is not None else None
        return ScannerError(context, context_mark, problem, self.loc.mark(pos))

    def _add(self, kind: str, start: int, end: int, value: Any = None, style: str | None = None) -> None:
        """Append a token that ends where the scanner goes on."""
        self.tokens.append(Token(kind, start, end, value, style))
        self.first_on_line = False
        self.pos = end

    def _plain(self) -> None:
        """Read a plain scalar; its lines are joined by folding (one break is a space, n breaks are n-1 newlines)."""
        text = self.text
        start = self.pos
        pattern = _PLAIN_FLOW if self.flow else _PLAIN_BLOCK
        m = pattern.match(text, start)
        assert m is not None
        end = m.end()
        chunks = [m.group()]
        line_start = self.line_start
        while end < self.size and text[end] in " \t\r\n":
            p = end_of(_WHITE, text, end)
            if p >= self.size or text[p] not in "\r\n":
                break
            breaks = 0
            while p < self.size and text[p] in "\r\n":
                p += 2 if text.startswith("\r\n", p) else 1
                breaks += 1
                next_line = p
                p = end_of(_WHITE, text, p)
            if p >= self.size or text[p] == "#":
                break
            lead = end_of(SPACES, text, next_line) - next_line
            if lead <= self.indent:
                break
            if next_line == p and text.startswith(("---", "..."), p) and (p + 3 == self.size or text[p + 3] in BLANK):
                break
            line_end = end_of(pattern, text, p)
            if line_end == p:
                break
            chunks.append(" " if breaks == 1 else "\n" * (breaks - 1))
            chunks.append(text[p:line_end])
            end = line_end
            line_start = next_line
        self.line_start = line_start
        self._add(SCALAR, start, end, "".join(chunks), None)

    def _fold(self, p: int, start: int) -> tuple[int, int]:
        """Skip the line breaks and indentation inside a quoted scalar; returns (position, number of breaks)."""
        text = self.text
        breaks = 0
        while True:
            p += 2 if text.startswith("\r\n", p) else 1
            breaks += 1
            line = p
            if text.startswith(("---", "..."), p) and (p + 3 == self.size or text[p + 3] in BLANK):
                raise self.error("document markers are not allowed inside a quoted scalar", p, "while scanning a quoted scalar", start)
            lead = end_of(SPACES, text, p) - p
            p = end_of(_WHITE, text, p)
            if p >= self.size:
                raise self.error("unexpected end of stream", p, "while scanning a quoted scalar", start)
            if text[p] not in "\r\n":
                break
        if lead <= self.indent:
            raise self.error("a quoted scalar's lines must be indented more than the enclosing block", line + lead)
        self.line_start = line
        return p, breaks

    def _quoted(self, quote: str) -> None:
        """Read a single- or double-quoted scalar, folding its lines and decoding its escapes."""
        text = self.text
        start = self.pos
        p = start + 1
        chunks: list[str] = []
        double = quote == '"'
        run = _DOUBLE_RUN if double else _SINGLE_RUN
        while True:
            m = match_at(run, text, p)
            chunk = m.group()
            p = m.end()
            if p >= self.size:
                raise self.error("unexpected end of stream", p, "while scanning a quoted scalar", start)
            ch = text[p]
            if ch == quote:
                if not double and text.startswith("''", p):
                    chunks.append(chunk + "'")
                    p += 2
                    continue
                chunks.append(chunk)
                p += 1
                break
            if ch == "\\":
                chunks.append(chunk)
                p = self._escape(p, start, chunks)
                continue
            chunks.append(chunk.rstrip(" \t"))
            p, breaks = self._fold(p, start)
            chunks.append(" " if breaks == 1 else "\n" * (breaks - 1))
        self._add(SCALAR, start, p, "".join(chunks), quote)

    def _escape(self, p: int, start: int, chunks: list[str]) -> int:
        """Decode the escape at `p` (a backslash) into `chunks`; returns the position after it."""
        text = self.text
        code = text[p + 1] if p + 1 < self.size else ""
        if code in _ESCAPES:
            chunks.append(_ESCAPES[code])
            return p + 2
        if code in _HEX_ESCAPES:
            digits = text[p + 2 : p + 2 + _HEX_ESCAPES[code]]
            if len(digits) != _HEX_ESCAPES[code] or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                raise self.error(f"expected {_HEX_ESCAPES[code]} hexadecimal digits", p, "while scanning a double-quoted scalar", start)
            value = int(digits, 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise self.error("invalid Unicode escape", p, "while scanning a double-quoted scalar", start)
            chunks.append(chr(value))
            return p + 2 + len(digits)
        if code in ("\r", "\n"):
            p, breaks = self._fold(p + 1, start)
            chunks.append("\n" * (breaks - 1))
            return p
        raise self.error(f"found unknown escape character {code!r}", p, "while scanning a double-quoted scalar", start)

    def _block_scalar(self, indicator: str) -> None:
        """Read a literal (`|`) or folded (`>`) scalar: its header, then every line indented at least as its first.

        The token ends at the start of the first line that is not part of it, as PyYAML's does.
        """
        text = self.text
        size = self.size
        start = self.pos
        m = match_at(_BLOCK_HEADER, text, start + 1)
        p = m.end()
        if p < size and text[p] not in "\r\n":
            raise self.error("expected a comment or a line break after a block scalar header", p, "while scanning a block scalar", start)
        digit = m.group(1) or m.group(4)
        chomp = m.group(2) or m.group(3) or ""
        if p < size:
            p += 2 if text.startswith("\r\n", p) else 1
        # The content's indentation: given (relative to the parent node's, -1 at the top level) or that of the
        # first non-empty line, which must be deeper than the parent's.
        indent = self.indent + int(digit) if digit else -1
        floor = max(self.indent + 1, 0)
        lines: list[str] = []  # one entry a line: its text after the indentation ("" when empty)
        last_content = -1
        max_blank = 0
        while p < size:
            if text.startswith(("---", "..."), p) and (p + 3 == size or text[p + 3] in BLANK):
                break
            spaces = end_of(SPACES, text, p) - p
            eol = end_of(_TO_EOL, text, p)
            if eol == p + spaces and (indent < 0 or spaces <= indent):
                max_blank = max(max_blank, spaces)
                lines.append("")
            else:
                if p + spaces < size and text[p + spaces] == "\t" and spaces < max(indent, floor):
                    raise self.error("tabs are not allowed as indentation", p + spaces, "while scanning a block scalar", start)
                if indent < 0:
                    if spaces < floor:
                        break
                    if max_blank > spaces:
                        raise self.error("leading empty lines are indented more than the first content line", p)
                    indent = spaces
                if spaces < indent:
                    break
                lines.append(text[p + indent : eol])
                last_content = len(lines) - 1
            p = eol + (2 if text.startswith("\r\n", eol) else 1) if eol < size else eol
        # Lines after the last content one are trailing empty lines; the end of the text ends a line too.
        body = lines[: last_content + 1]
        trailing = len(lines) - len(body)
        value = "\n".join(body) if indicator == "|" else self._fold_block(body)
        if body and chomp != "-":
            value += "\n"
        if chomp == "+":
            value += "\n" * trailing
        self.line_start = p
        self.first_on_line = True
        self.pos = p
        self.tokens.append(Token(SCALAR, start, p, value, indicator))

    @staticmethod
    def _fold_block(body: list[str]) -> str:
        """Join a folded scalar's lines: a single break between two plain-text lines becomes a space."""
        out: list[str] = []
        previous: str | None = None
        empties = 0
        for line in body:
            if not line:
                empties += 1
                continue
            if previous is None:
                out.append("\n" * empties)
            elif previous[0] not in " \t" and line[0] not in " \t":
                out.append(" " if empties == 0 else "\n" * empties)
            else:
                out.append("\n" * (empties + 1))
            out.append(line)
            previous = line
            empties = 0
        return "".join(out)
