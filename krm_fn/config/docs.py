"""The config's documentation, generated from the models' field descriptions.

One source for the configuration table in the docs (a test keeps it in step) and the
CLI's `--help`.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from . import configmap


class Row(NamedTuple):
    path: str
    default: str
    description: str


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        value: Any = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return "required"
    else:
        value = info.default
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_defaults=True)
    elif isinstance(value, list):
        value = [v.model_dump(exclude_unset=True) if isinstance(v, BaseModel) else v for v in value]
    if value is None:
        return "none"
    return _flow(value)


def _flow(value: Any) -> str:
    """Compact YAML flow style, as the README writes values: `[{setWeight: 25}, {pause: {}}]`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) and not value else str(value).lower() if isinstance(value, bool) else str(value)


def rows(spec_model: type[BaseModel], prefix: str = "") -> list[Row]:
    """Every documented field, nested models' fields as `parent.child` after their parent."""
    found = []
    for name, info in spec_model.model_fields.items():
        found.append(Row(prefix + name, _default(info), info.description or ""))
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            found.extend(rows(nested, f"{prefix}{name}."))
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(spec_model: type[BaseModel]) -> str:
    lines = ["| field | default | what it does |", "|---|---|---|"]
    lines.extend(f"| `{row.path}` | `{row.default}` | {_cell(row.description)} |" for row in rows(spec_model))
    return "\n".join(lines) + "\n"


def help_text(spec_model: type[BaseModel]) -> str:
    out = []
    for row in rows(spec_model):
        out.append(f"  {row.path} (default {row.default})")
        out.extend(textwrap.wrap(row.description, 86, initial_indent="      ", subsequent_indent="      "))
    keys = ", ".join(configmap.keys(spec_model))
    out.append("ConfigMap form: one string per key:")
    out.extend(textwrap.wrap(keys, 86, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(out) + "\n"
