"""The one error the YAML layer raises."""

from __future__ import annotations


class InputError(ValueError):
    """The input cannot be read as YAML (or JSON) at all; the message is one line."""


def one_line(err: BaseException) -> str:
    return " ".join(str(err).split())
