"""The parser: tokens to PyYAML events.

A state machine with an explicit stack of states (each state is a method returning one event), so nesting
depth costs heap, not Python recursion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

import yaml
from yaml.parser import ParserError

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
    SCALAR,
    STREAM_END,
    TAG,
    VALUE,
    Locator,
    Token,
)

_DEFAULT_HANDLES = {"!": "!", "!!": "tag:yaml.org,2002:"}
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")

State = Callable[[], yaml.Event]


def _decode(uri: str) -> str:
    """Decode a tag's %-escapes (UTF-8 octets)."""
    if "%" not in uri:
        return uri
    return _PERCENT.sub(lambda m: unquote(m.group(), errors="strict"), uri)


class Parser:
    """Turns the scanner's tokens into events (see `events`)."""

    def __init__(self, tokens: list[Token], locator: Locator) -> None:
        self.tokens = tokens
        self.i = 0
        self.loc = locator
        self.states: list[State] = []
        self.marks: list[int] = []  # start offsets of the open collections, for error context
        self.handles: dict[str, str] = dict(_DEFAULT_HANDLES)
        self.ended_explicitly = True  # the previous document ended with `...` (or there was none)
        self.anchors: set[str] = set()
        self.state: State | None = None

    def events(self) -> Iterator[yaml.Event]:
        """Yield every event of the stream."""
        state: State | None = self._stream_start
        while state is not None:
            self.state = None
            yield state()
            state = self.state

    def error(self, problem: str, token: Token, context: str | None = None) -> ParserError:
        """A ParserError at `token`, in the context of the innermost open collection, to raise."""
        context_mark = self.loc.mark(self.marks[-1]) if context and self.marks else None
        return ParserError(context, context_mark, f"{problem}, but found {token.kind}", self.loc.mark(token.start))

    def _empty(self, pos: int) -> yaml.ScalarEvent:
        mark = self.loc.mark(pos)
        return yaml.ScalarEvent(None, None, (True, False), "", mark, mark)

    # -- stream and documents ------------------------------------------------------------------------------

    def _stream_start(self) -> yaml.Event:
        token = self.tokens[0]
        self.i = 1
        self.state = self._document_start
        mark = self.loc.mark(token.start)
        return yaml.StreamStartEvent(mark, mark)

    def _document_start(self) -> yaml.Event:
        tokens = self.tokens
        while tokens[self.i].kind == DOCUMENT_END:
            self.i += 1
            self.ended_explicitly = True
        token = tokens[self.i]
        if token.kind == STREAM_END:
            self.i += 1
            mark = self.loc.mark(token.start)
            return yaml.StreamEndEvent(mark, mark)
        self.handles = dict(_DEFAULT_HANDLES)
        self.anchors = set()
        if token.kind in (DIRECTIVE, DOCUMENT_START):
            if token.kind == DIRECTIVE and not self.ended_explicitly:
                raise self.error("expected '...' before the directives of the next document", token)
            version, tags = self._directives()
            start = tokens[self.i]
            if start.kind != DOCUMENT_START:
                raise self.error("expected '---' after the directives", start)
            self.i += 1
            self.states.append(self._document_end)
            self.state = self._document_content
            return yaml.DocumentStartEvent(self.loc.mark(token.start), self.loc.mark(start.end), explicit=True, version=version, tags=tags)
        self.states.append(self._document_end)
        self.state = self._block_node
        mark = self.loc.mark(token.start)
        return yaml.DocumentStartEvent(mark, mark, explicit=False)

    def _directives(self) -> tuple[tuple[int, int] | None, dict[str, str] | None]:
        version: tuple[int, int] | None = None
        declared: dict[str, str] = {}
        while self.tokens[self.i].kind == DIRECTIVE:
            token = self.tokens[self.i]
            name, params = token.value
            if name == "YAML":
                if version is not None:
                    raise ParserError(None, None, "found a second %YAML directive", self.loc.mark(token.start))
                major, minor = params[0].split(".")
                version = (int(major), int(minor))
                if version[0] != 1:
                    raise ParserError(None, None, f"found an incompatible YAML version {params[0]}", self.loc.mark(token.start))
            elif name == "TAG":
                handle, prefix = params
                if handle in declared:
                    raise ParserError(None, None, f"found a second %TAG directive for {handle}", self.loc.mark(token.start))
                declared[handle] = prefix
            self.i += 1
        self.handles.update(declared)
        return version, (declared or None)

    def _document_content(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind in (DIRECTIVE, DOCUMENT_START, DOCUMENT_END, STREAM_END):
            self.state = self.states.pop()
            return self._empty(token.start)
        return self._block_node()

    def _document_end(self) -> yaml.Event:
        token = self.tokens[self.i]
        start = end = token.start
        explicit = token.kind == DOCUMENT_END
        if explicit:
            self.i += 1
            end = token.end
        elif token.kind not in (DOCUMENT_START, STREAM_END):
            raise self.error("expected '<document end>' or '<document start>'", token)
        self.ended_explicitly = explicit
        self.state = self._document_start
        return yaml.DocumentEndEvent(self.loc.mark(start), self.loc.mark(end), explicit=explicit)

    # -- nodes ---------------------------------------------------------------------------------------------

    def _block_node(self) -> yaml.Event:
        return self._node(block=True, indentless=False)

    def _block_node_or_indentless(self) -> yaml.Event:
        return self._node(block=True, indentless=True)

    def _flow_node(self) -> yaml.Event:
        return self._node(block=False, indentless=False)

    def _resolve(self, token: Token) -> str:
        handle, suffix = token.value
        if handle is not None and handle not in self.handles:
            raise ParserError("while parsing a node", None, f"found undefined tag handle {handle}", self.loc.mark(token.start))
        try:
            suffix = _decode(suffix)
        except UnicodeDecodeError:
            raise ParserError(None, None, "found %-escapes in a tag that are not UTF-8", self.loc.mark(token.start)) from None
        return str(suffix) if handle is None else self.handles[handle] + suffix

    def _node(self, block: bool, indentless: bool) -> yaml.Event:
        tokens = self.tokens
        token = tokens[self.i]
        if token.kind == ALIAS:
            self.i += 1
            if token.value not in self.anchors:
                raise ParserError(None, None, f"found undefined alias {token.value}", self.loc.mark(token.start))
            self.state = self.states.pop()
            return yaml.AliasEvent(token.value, self.loc.mark(token.start), self.loc.mark(token.end))
        anchor: str | None = None
        tag: str | None = None
        start = token.start
        end = token.start
        while token.kind in (ANCHOR, TAG):
            if token.kind == ANCHOR:
                if anchor is not None:
                    raise self.error("expected one anchor on a node", token, "while parsing a node")
                anchor = str(token.value)
            else:
                if tag is not None:
                    raise self.error("expected one tag on a node", token, "while parsing a node")
                tag = self._resolve(token)
            end = token.end
            self.i += 1
            token = tokens[self.i]
        if anchor is not None:
            self.anchors.add(anchor)
        implicit = tag is None or tag == "!"
        kind = token.kind
        if kind == SCALAR:
            self.i += 1
            self.state = self.states.pop()
            if (token.style is None and tag is None) or tag == "!":
                flags = (True, False)
            elif tag is None:
                flags = (False, True)
            else:
                flags = (False, False)
            return yaml.ScalarEvent(anchor, tag, flags, str(token.value), self.loc.mark(start), self.loc.mark(token.end), style=token.style)
        if kind == FLOW_SEQUENCE_START:
            self.i += 1
            self.marks.append(token.start)
            self.state = self._flow_sequence_first
            return yaml.SequenceStartEvent(anchor, tag, implicit, self.loc.mark(start), self.loc.mark(token.end), flow_style=True)
        if kind == FLOW_MAPPING_START:
            self.i += 1
            self.marks.append(token.start)
            self.state = self._flow_mapping_first
            return yaml.MappingStartEvent(anchor, tag, implicit, self.loc.mark(start), self.loc.mark(token.end), flow_style=True)
        if block and kind == BLOCK_SEQUENCE_START:
            self.i += 1
            self.marks.append(token.start)
            self.state = self._block_sequence_entry
            return yaml.SequenceStartEvent(anchor, tag, implicit, self.loc.mark(start), self.loc.mark(token.end), flow_style=False)
        if block and kind == BLOCK_MAPPING_START:
            self.i += 1
            self.marks.append(token.start)
            self.state = self._block_mapping_key
            return yaml.MappingStartEvent(anchor, tag, implicit, self.loc.mark(start), self.loc.mark(token.end), flow_style=False)
        if indentless and kind == BLOCK_ENTRY:
            self.marks.append(token.start)
            self.state = self._indentless_entry
            return yaml.SequenceStartEvent(anchor, tag, implicit, self.loc.mark(start), self.loc.mark(token.end), flow_style=False)
        if anchor is not None or tag is not None:
            self.state = self.states.pop()
            return yaml.ScalarEvent(anchor, tag, (implicit, False), "", self.loc.mark(start), self.loc.mark(end))
        raise self.error("expected the node content", token, f"while parsing a {'block' if block else 'flow'} node")

    def _end(self, token: Token, consume: bool, sequence: bool) -> yaml.Event:
        """Close the innermost collection at `token`."""
        if consume:
            self.i += 1
        self.marks.pop()
        self.state = self.states.pop()
        end = self.loc.mark(token.end if consume else token.start)
        if sequence:
            return yaml.SequenceEndEvent(self.loc.mark(token.start), end)
        return yaml.MappingEndEvent(self.loc.mark(token.start), end)

    # -- block collections ---------------------------------------------------------------------------------

    def _block_sequence_entry(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == BLOCK_ENTRY:
            self.i += 1
            if self.tokens[self.i].kind not in (BLOCK_ENTRY, BLOCK_END):
                self.states.append(self._block_sequence_entry)
                return self._block_node()
            self.state = self._block_sequence_entry
            return self._empty(token.end)
        if token.kind == BLOCK_END:
            return self._end(token, True, True)
        raise self.error("expected <block end>", token, "while parsing a block collection")

    def _indentless_entry(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == BLOCK_ENTRY:
            self.i += 1
            if self.tokens[self.i].kind not in (BLOCK_ENTRY, KEY, VALUE, BLOCK_END):
                self.states.append(self._indentless_entry)
                return self._block_node()
            self.state = self._indentless_entry
            return self._empty(token.end)
        return self._end(token, False, True)

    def _block_mapping_key(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == KEY:
            self.i += 1
            if self.tokens[self.i].kind not in (KEY, VALUE, BLOCK_END):
                self.states.append(self._block_mapping_value)
                return self._block_node_or_indentless()
            self.state = self._block_mapping_value
            return self._empty(token.end)
        if token.kind == VALUE:
            self.state = self._block_mapping_value
            return self._empty(token.start)
        if token.kind == BLOCK_END:
            return self._end(token, True, False)
        raise self.error("expected <block end>", token, "while parsing a block mapping")

    def _block_mapping_value(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == VALUE:
            self.i += 1
            if self.tokens[self.i].kind not in (KEY, VALUE, BLOCK_END):
                self.states.append(self._block_mapping_key)
                return self._block_node_or_indentless()
            self.state = self._block_mapping_key
            return self._empty(token.end)
        self.state = self._block_mapping_key
        return self._empty(token.start)

    # -- flow collections ----------------------------------------------------------------------------------

    def _flow_sequence_first(self) -> yaml.Event:
        return self._flow_sequence_entry(True)

    def _flow_sequence_next(self) -> yaml.Event:
        return self._flow_sequence_entry(False)

    def _flow_sequence_entry(self, first: bool) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind != FLOW_SEQUENCE_END:
            if not first:
                if token.kind != FLOW_ENTRY:
                    raise self.error("expected ',' or ']'", token, "while parsing a flow sequence")
                self.i += 1
                token = self.tokens[self.i]
            if token.kind in (KEY, VALUE):
                self.marks.append(token.start)
                self.state = self._flow_pair_key
                mark = self.loc.mark(token.start)
                return yaml.MappingStartEvent(None, None, True, mark, self.loc.mark(token.end), flow_style=True)
            if token.kind != FLOW_SEQUENCE_END:
                self.states.append(self._flow_sequence_next)
                return self._flow_node()
        return self._end(token, True, True)

    def _flow_pair_key(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == VALUE:
            self.state = self._flow_pair_value
            return self._empty(token.start)
        self.i += 1
        if self.tokens[self.i].kind not in (VALUE, FLOW_ENTRY, FLOW_SEQUENCE_END):
            self.states.append(self._flow_pair_value)
            return self._flow_node()
        self.state = self._flow_pair_value
        return self._empty(token.end)

    def _flow_pair_value(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == VALUE:
            self.i += 1
            if self.tokens[self.i].kind not in (FLOW_ENTRY, FLOW_SEQUENCE_END):
                self.states.append(self._flow_pair_end)
                return self._flow_node()
            self.state = self._flow_pair_end
            return self._empty(token.end)
        self.state = self._flow_pair_end
        return self._empty(token.start)

    def _flow_pair_end(self) -> yaml.Event:
        token = self.tokens[self.i]
        self.marks.pop()
        self.state = self._flow_sequence_next
        mark = self.loc.mark(token.start)
        return yaml.MappingEndEvent(mark, mark)

    def _flow_mapping_first(self) -> yaml.Event:
        return self._flow_mapping_key(True)

    def _flow_mapping_next(self) -> yaml.Event:
        return self._flow_mapping_key(False)

    def _flow_mapping_key(self, first: bool) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind != FLOW_MAPPING_END:
            if not first:
                if token.kind != FLOW_ENTRY:
                    raise self.error("expected ',' or '}'", token, "while parsing a flow mapping")
                self.i += 1
                token = self.tokens[self.i]
            if token.kind == KEY:
                self.i += 1
                if self.tokens[self.i].kind not in (VALUE, FLOW_ENTRY, FLOW_MAPPING_END):
                    self.states.append(self._flow_mapping_value)
                    return self._flow_node()
                self.state = self._flow_mapping_value
                return self._empty(token.end)
            if token.kind == VALUE:
                self.state = self._flow_mapping_value
                return self._empty(token.start)
            if token.kind != FLOW_MAPPING_END:
                self.states.append(self._flow_mapping_empty_value)
                return self._flow_node()
        return self._end(token, True, False)

    def _flow_mapping_value(self) -> yaml.Event:
        token = self.tokens[self.i]
        if token.kind == VALUE:
            self.i += 1
            if self.tokens[self.i].kind not in (FLOW_ENTRY, FLOW_MAPPING_END):
                self.states.append(self._flow_mapping_next)
                return self._flow_node()
            self.state = self._flow_mapping_next
            return self._empty(token.end)
        self.state = self._flow_mapping_next
        return self._empty(token.start)

    def _flow_mapping_empty_value(self) -> yaml.Event:
        self.state = self._flow_mapping_next
        return self._empty(self.tokens[self.i].start)
