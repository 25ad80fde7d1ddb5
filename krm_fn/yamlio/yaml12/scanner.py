"""The scanner: YAML 1.2 text to a list of tokens.

It works as the spec's block/flow model suggests: an indentation stack turns block structure into explicit
start/end tokens, and a possible implicit ("simple") key is remembered at each flow level until a `:` shows
that it really was a key, when a KEY token (and, in block context, a mapping start) is inserted before it.
Scalars are read by `ScalarReader` (scalars.py).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right

from yaml.scanner import ScannerError

from .scalars import BLANK, FLOW_INDICATORS, SKIP, SPACES, ScalarReader, end_of, match_at
from .tokens import (
    ALIAS,
    ANCHOR,
    BLOCK_END,
    BLOCK_ENTRY,
    BLOCK_MAPPING_START,
    BLOCK_SEQUENCE_START,
    DIRECTIVE,
    DOCUMENT_END,
    DOCUMENT_START,
    FLOW_ENTRY,
    FLOW_MAPPING_END,
    FLOW_MAPPING_START,
    FLOW_SEQUENCE_END,
    FLOW_SEQUENCE_START,
    KEY,
    NOT_PRINTABLE,
    SCALAR,
    STREAM_END,
    STREAM_START,
    TAG,
    VALUE,
    Locator,
    Token,
)

_ANCHOR_NAME = re.compile(r"[^ \t\r\n,\[\]{}\ufeff]+")
_TAG_CHARS = re.compile(r"(?:%[0-9A-Fa-f]{2}|[0-9A-Za-z\-#;/?:@&=+$_.~*'()])*")
_URI_CHARS = re.compile(r"(?:%[0-9A-Fa-f]{2}|[0-9A-Za-z\-#;/?:@&=+$,_.!~*'()\[\]])*")
_TAG_HANDLE = re.compile(r"!(?:[0-9A-Za-z\-]*!)?")
_DIRECTIVE_LINE = re.compile(r"%([^ \t\r\n]*)((?:[ \t]+[^ \t\r\n#][^ \t\r\n]*)*)[ \t]*(?:(?<=[ \t])#[^\r\n]*)?")
# Not even in a quoted scalar, which may hold any other character JSON allows (spec: nb-json).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What may precede a block collection's first entry on its line: indentation and compact `-`/`?`/`:` indicators.
_COMPACT_PREFIX = re.compile(r" *(?:[-?:] +)*")


class _SimpleKey:
    """A token that may turn out to be an implicit key, if a `:` follows on the same line."""

    __slots__ = ("column", "index", "line_start", "pos", "required", "tabbed")

    def __init__(self, index: int, pos: int, line_start: int, column: int, required: bool, tabbed: bool) -> None:
        self.index = index
        self.pos = pos
        self.line_start = line_start
        self.column = column
        self.required = required
        self.tabbed = tabbed


class Scanner(ScalarReader):
    """Scans a whole text into `self.tokens` (see `scan`)."""

    def __init__(self, text: str, locator: Locator) -> None:
        super().__init__(text, locator)
        self.indents: list[int] = []
        # Whether the innermost block mapping's current entry began with `?`, and the same for the enclosing ones.
        self.explicit_key = False
        self.explicit_keys: list[bool] = []
        self.implicit_colon = -1  # the last `:` of an entry with no `?`: no block collection may follow it on its line
        self.allow_key = True
        self.keys: dict[int, _SimpleKey] = {}
        self.tabbed = False  # the current line's indentation holds a tab
        self.column = 0
        self.compact_checked = 0  # on the current line, the text before this offset may precede a block collection

    def scan(self) -> list[Token]:
        """Scan the whole text; returns the tokens, STREAM-START to STREAM-END."""
        tokens = self.tokens
        json_only = []  # characters outside the printable set that a quoted scalar may hold (JSON allows them)
        if NOT_PRINTABLE.search(self.text) is not None:
            control = _CONTROL.search(self.text)
            if control is not None:
                raise self._not_allowed(control.start())
            json_only = [found.start() for found in NOT_PRINTABLE.finditer(self.text)]
        tokens.append(Token(STREAM_START, 0, 0))
        if self.text.startswith("\ufeff"):
            self.pos = self.line_start = 1  # a byte order mark is not indentation
        while self._fetch():
            pass
        if json_only:
            quoted = [(t.start, t.end) for t in tokens if t.kind == SCALAR and t.style in ('"', "'")]
            for pos in json_only:
                at = bisect_right(quoted, (pos, sys.maxsize)) - 1
                if at < 0 or not quoted[at][0] <= pos < quoted[at][1]:
                    raise self._not_allowed(pos)
        return tokens

    def _not_allowed(self, pos: int) -> ScannerError:
        return self.error(f"found a character YAML does not allow: {self.text[pos]!r}", pos)

    # -- moving through whitespace -------------------------------------------------------------------------

    def _skip(self) -> None:
        """Skip whitespace, comments and line breaks up to the next token, tracking the current line."""
        text = self.text
        pos = self.pos
        if pos < self.size and text[pos] == "#" and pos != self.line_start and text[pos - 1] not in " \t\ufeff":
            raise self.error("comments must be separated from other tokens by white space", pos)
        skipped = SKIP.match(text, pos)
        assert skipped is not None
        end = skipped.end()
        if end > pos:
            last_break = max(text.rfind("\n", pos, end), text.rfind("\r", pos, end))
            if last_break >= 0:
                self.line_start = last_break + 1
                self.first_on_line = True
                if not self.flow:
                    self.allow_key = True
        self.pos = end
        if self.first_on_line:
            lead = end_of(SPACES, text, self.line_start)
            self.tabbed = lead < end
            self.column = lead - self.line_start
            if self.flow and end < self.size and self.column <= self.indent:
                raise self.error("flow content must be indented more than the enclosing block", end)
        else:
            self.column = end - self.line_start

    def _stale(self, key: _SimpleKey, level: int) -> bool:
        """Whether a possible key can no longer be one (implicit keys are on one line, at most 1024 characters)."""
        if level and self.flow[level - 1] == "{":
            return False  # a flow mapping's keys may span lines
        return key.line_start != self.line_start or self.pos - key.pos > 1024

    def _stale_block_key(self) -> None:
        """Drop the block context's possible key once stale; if it had to be a key, that is an error.

        Keys inside flow collections are checked only when a `:` arrives, which keeps deep nesting linear.
        """
        key = self.keys.get(0)
        if key is not None and self._stale(key, 0):
            if key.required:
                raise self.error("could not find expected ':'", self.pos, "while scanning a simple key", key.pos)
            del self.keys[0]

    def _unwind(self, column: int) -> None:
        """Close block collections indented more than `column`."""
        while self.indent > column:
            self.tokens.append(Token(BLOCK_END, self.pos, self.pos))
            self.indent = self.indents.pop()
            self.explicit_key = self.explicit_keys.pop()

    def _add_indent(self, column: int, pos: int) -> bool:
        """Open a block collection at `column` (starting at `pos`) if it is deeper than the current one."""
        if self.indent >= column:
            return False
        # `pos` is on the current line; what was checked before on it need not be checked again.
        checked = self.compact_checked if self.line_start <= self.compact_checked <= pos else self.line_start
        if end_of(_COMPACT_PREFIX, self.text, checked, pos) < pos or self.line_start <= self.implicit_colon < pos:
            raise self.error("a block collection cannot start on this line", pos)
        self.compact_checked = pos
        self.indents.append(self.indent)
        self.indent = column
        self.explicit_keys.append(self.explicit_key)
        self.explicit_key = False
        return True

    def _after_json_node(self) -> bool:
        """Whether the last token is a quoted scalar or a flow collection: then `:` needs no space after it."""
        last = self.tokens[-1]
        return last.kind in (FLOW_SEQUENCE_END, FLOW_MAPPING_END) or (last.kind == SCALAR and last.style in ("'", '"'))

    def _check_tab(self) -> None:
        if self.first_on_line and self.tabbed:
            raise self.error("tabs are not allowed as indentation", self.pos)

    def _save_key(self) -> None:
        if not self.allow_key:
            return
        level = len(self.flow)
        required = not self.flow and self.indent == self.column
        self._remove_key()
        self.keys[level] = _SimpleKey(
            len(self.tokens), self.pos, self.line_start, self.column, required, self.first_on_line and self.tabbed
        )

    def _remove_key(self) -> None:
        key = self.keys.pop(len(self.flow), None)
        if key is not None and key.required:
            raise self.error("could not find expected ':'", self.pos, "while scanning a simple key", key.pos)

    # -- one token -----------------------------------------------------------------------------------------

    def _fetch(self) -> bool:
        """Scan the next token; False once the stream has ended."""
        self._skip()
        if self.keys:
            self._stale_block_key()
        if not self.flow:
            self._unwind(self.column)
        text = self.text
        pos = self.pos
        if pos >= self.size:
            if self.flow:
                raise self.error("unexpected end of stream inside a flow collection", pos)
            self._remove_key()
            self._unwind(-1)
            self.tokens.append(Token(STREAM_END, pos, pos))
            return False
        ch = text[pos]
        nxt = text[pos + 1] if pos + 1 < self.size else " "
        if pos == self.line_start:
            if ch == "%" and not self.flow:
                self._directive()
                return True
            if (ch == "-" or ch == ".") and text.startswith(ch * 3, pos) and (pos + 3 == self.size or text[pos + 3] in BLANK):
                self._document_marker(DOCUMENT_START if ch == "-" else DOCUMENT_END)
                return True
            if ch == "\ufeff" and not self.flow:
                self.pos = self.line_start = pos + 1
                return True
        if ch in "[{":
            self._save_key()
            self.flow.append(ch)
            self.allow_key = True
            self._add(FLOW_SEQUENCE_START if ch == "[" else FLOW_MAPPING_START, pos, pos + 1)
        elif ch in "]}":
            if not self.flow or self.flow[-1] != ("[" if ch == "]" else "{"):
                raise self.error(f"unexpected '{ch}'", pos)
            self._remove_key()
            self.flow.pop()
            self.allow_key = False
            self._add(FLOW_SEQUENCE_END if ch == "]" else FLOW_MAPPING_END, pos, pos + 1)
        elif ch == "," and self.flow:
            self.allow_key = True
            self._remove_key()
            self._add(FLOW_ENTRY, pos, pos + 1)
        elif ch == "-" and nxt in BLANK:
            self._block_entry()
        elif ch == "?" and (nxt in BLANK or (self.flow and nxt in FLOW_INDICATORS)):
            self._key()
        elif ch == ":" and (nxt in BLANK or (self.flow and (nxt in FLOW_INDICATORS or self._after_json_node()))):
            self._value()
        elif ch == "*" or ch == "&":
            self._save_key()
            self.allow_key = False
            m = _ANCHOR_NAME.match(text, pos + 1)
            if m is None:
                raise self.error(f"expected an {'alias' if ch == '*' else 'anchor'} name", pos + 1)
            self._add(ALIAS if ch == "*" else ANCHOR, pos, m.end(), m.group())
        elif ch == "!":
            self._save_key()
            self.allow_key = False
            self._tag()
        elif ch == "|" or ch == ">":
            if self.flow:
                raise self.error("block scalars are not allowed in flow context", pos)
            self.allow_key = True
            self._remove_key()
            self._block_scalar(ch)
        elif ch == "'" or ch == '"':
            self._save_key()
            self.allow_key = False
            self._quoted(ch)
        elif ch in "-?:" or ch not in "#,[]{}&*!|>'\"%@`":
            if ch in "-?:" and (nxt in BLANK or (self.flow and nxt in FLOW_INDICATORS)):
                raise self.error(f"unexpected '{ch}'", pos)
            self._save_key()
            self.allow_key = False
            self._plain()
        else:
            raise self.error(f"found character {ch!r} that cannot start any token", pos)
        return True

    def _document_marker(self, kind: str) -> None:
        if self.flow:
            raise self.error("document markers are not allowed inside a flow collection", self.pos)
        self._unwind(-1)
        self._remove_key()
        self.allow_key = False
        self._add(kind, self.pos, self.pos + 3)
        if kind == DOCUMENT_END:
            rest = end_of(SKIP, self.text, self.pos)
            if rest < self.size and self.text[rest - 1] not in "\r\n" and self.text[rest] not in "\r\n":
                raise self.error("expected a comment or a line break after '...'", rest)

    def _directive(self) -> None:
        self._unwind(-1)
        self._remove_key()
        self.allow_key = False
        m = match_at(_DIRECTIVE_LINE, self.text, self.pos)
        end = m.end()
        if end < self.size and self.text[end] not in "\r\n":
            raise self.error("expected a comment or a line break after a directive", end)
        name = m.group(1)
        params = m.group(2).split()
        if name == "YAML":
            if len(params) != 1 or not re.fullmatch(r"[0-9]+\.[0-9]+", params[0]):
                raise self.error("a %YAML directive takes one version number, like 1.2", self.pos)
        elif name == "TAG" and (len(params) != 2 or not _TAG_HANDLE.fullmatch(params[0])):
            raise self.error("a %TAG directive takes a tag handle and a prefix", self.pos)
        self._add(DIRECTIVE, self.pos, end, (name, params))

    def _block_entry(self) -> None:
        pos = self.pos
        if self.flow:
            raise self.error("block sequence entries are not allowed in flow context", pos)
        if not self.allow_key:
            raise self.error("block sequence entries are not allowed here", pos)
        self._check_tab()
        if self._add_indent(self.column, pos):
            self.tokens.append(Token(BLOCK_SEQUENCE_START, pos, pos))
        self.allow_key = True
        self._remove_key()
        self._add(BLOCK_ENTRY, pos, pos + 1)

    def _key(self) -> None:
        pos = self.pos
        if not self.flow:
            if not self.allow_key:
                raise self.error("mapping keys are not allowed here", pos)
            self._check_tab()
            if self._add_indent(self.column, pos):
                self.tokens.append(Token(BLOCK_MAPPING_START, pos, pos))
            self.explicit_key = True
        self.allow_key = not self.flow
        self._remove_key()
        self._add(KEY, pos, pos + 1)

    def _value(self) -> None:
        pos = self.pos
        key = self.keys.pop(len(self.flow), None)
        if key is not None and self._stale(key, len(self.flow)):
            key = None
        if key is not None:
            self.tokens.insert(key.index, Token(KEY, key.pos, key.pos))
            if not self.flow:
                if key.tabbed:
                    raise self.error("tabs are not allowed as indentation", key.pos)
                if self._add_indent(key.column, key.pos):
                    self.tokens.insert(key.index, Token(BLOCK_MAPPING_START, key.pos, key.pos))
                self.explicit_key = False
                self.implicit_colon = pos
            self.allow_key = False
        else:
            if not self.flow:
                if not self.allow_key:
                    raise self.error("mapping values are not allowed here", pos)
                self._check_tab()
                if self._add_indent(self.column, pos):
                    self.tokens.append(Token(BLOCK_MAPPING_START, pos, pos))
                if not self.explicit_key:
                    self.implicit_colon = pos
                self.explicit_key = False
            self.allow_key = not self.flow
        self._add(VALUE, pos, pos + 1)

    def _tag(self) -> None:
        text = self.text
        start = self.pos
        value: tuple[str | None, str]
        if text.startswith("!<", start):
            m = match_at(_URI_CHARS, text, start + 2)
            end = m.end()
            if end == start + 2 or end >= self.size or text[end] != ">":
                raise self.error("expected a verbatim tag like !<tag:yaml.org,2002:str>", start)
            value = (None, m.group())
            end += 1
        else:
            handle = match_at(_TAG_HANDLE, text, start).group()
            suffix = match_at(_TAG_CHARS, text, start + len(handle)).group()
            if handle == "!" and not suffix:
                value = (None, "!")
            elif not suffix:
                raise self.error("expected a tag suffix after the tag handle", start + len(handle))
            else:
                value = (handle, suffix)
            end = start + len(handle) + len(suffix)
        if end < self.size and text[end] not in BLANK and not (self.flow and text[end] in FLOW_INDICATORS):
            raise self.error("expected white space after a tag", end)
        self._add(TAG, start, end, value)

    # -- scalars -------------------------------------------------------------------------------------------
