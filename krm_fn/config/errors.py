"""pydantic's validation errors as results: one per problem, its location as a field path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..fieldpath import Loc, format_path
from ..results import Result, error
from .models import FieldError

RULE = "config"

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
}


def _message(detail: Any) -> tuple[Loc, str]:
    loc, kind = tuple(detail["loc"]), detail["type"]
    cause = (detail.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        return loc + cause.loc, str(cause)
    if kind == "literal_error":
        return loc, f"must be {detail['ctx']['expected']} (got {detail['input']!r})"
    if kind in _MESSAGES:
        got = "" if kind in ("extra_forbidden", "missing") else f" (got {detail.get('input')!r})"
        return loc, _MESSAGES[kind] + got
    return loc, str(detail["msg"]).removeprefix("Value error, ")


def to_results(err: ValidationError, resource: dict[str, Any], where: Callable[[Loc], Loc] = lambda loc: loc) -> list[Result]:
    """One error result per problem; `where` maps a model location to the place the user wrote it."""
    results = []
    for detail in err.errors():
        loc, message = _message(detail)
        results.append(error(message, resource, field=format_path(where(loc)), rule=RULE))
    return results
