"""A YAML 1.2.2 parser in pure Python that emits PyYAML's event objects.

`parse(text)` yields the events of every document in `text`; invalid input raises a `yaml.MarkedYAMLError`.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from .parser import Parser
from .scanner import Scanner
from .tokens import NOT_PRINTABLE, Locator

__all__ = ["NOT_PRINTABLE", "parse"]


def parse(text: str) -> Iterator[yaml.Event]:
    """Yield the PyYAML events of the YAML stream `text` (marks are code-point offsets into `text`)."""
    locator = Locator(text)
    tokens = Scanner(text, locator).scan()
    yield from Parser(tokens, locator).events()
