"""Limits that keep a hostile input from crashing the interpreter or exhausting memory."""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode

from .errors import InputError, one_line

MAX_DEPTH = 500
"""Deepest nesting accepted; libyaml's composer recurses in C and crashes far below 100,000."""

MAX_EXPANDED_NODES = 5_000_000
"""Most nodes a document may expand to through aliases (stops "billion laughs")."""

_BLOCK_PREFIX = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH}}}", re.M)


def check_depth(text: str, loader: Any) -> None:
    """Reject nesting deeper than MAX_DEPTH before libyaml's recursive composer sees it.

    Flow nesting needs an opening bracket per level and block nesting an indented prefix
    per level, so a cheap bound settles most inputs; only the rest pay for an exact,
    iterative pass over the parser's events.
    """
    openers = text.count("[") + text.count("{") - text.count("[]") - text.count("{}")
    if openers < MAX_DEPTH and not _BLOCK_PREFIX.search(text):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else "?"
                    raise InputError(f"nesting deeper than {MAX_DEPTH} levels (line {line})")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as err:
        raise InputError(one_line(err)) from None


def check_expansion(data: Any) -> None:
    """Count the nodes a document expands to when each alias is written out in full: its data, or
    its composed nodes (where an alias is the very node it means), before anything is built."""
    # Iterative post-order walk, memoised by identity: linear in distinct nodes, even for bombs.
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        children = _children(node)
        if children is None or id(node) in sizes:
            continue
        if children_done:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                break
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if _children(c) is not None)
    if max(sizes.values(), default=1) > MAX_EXPANDED_NODES:
        raise InputError(f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)")


def _children(node: Any) -> list[Any] | None:
    """A collection's children (a mapping's keys and values), or None for anything else."""
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, list):
        return node
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return None


def check_json_depth(data: Any) -> None:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((c, depth + 1) for c in (node.values() if isinstance(node, dict) else node))
    if deepest > MAX_DEPTH:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels")
