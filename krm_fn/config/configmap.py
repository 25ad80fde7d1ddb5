"""The ConfigMap form of the config (`kpt fn eval -- key=value`, a Kptfile's `configMap:`).

Every value is a string, one key per spec field; a nested model marked `configmap_flatten`
(the selector) gets a key per field of its own (`selector.names`). How a string is read
follows from the field's type: `"true"`/`"false"`; comma-separated lists; `k=v,k=v`
maps; YAML for anything structured; a `FromString` marker where the type does not say.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .. import yamlio
from ..fieldpath import Loc
from .models import FieldError, FromString

Reader = Callable[[str, str], Any]


def _bool(key: str, text: str) -> bool:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise FieldError((key,), f'must be "true" or "false" (got {text!r})')


def _list(key: str, text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _labels(key: str, text: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise FieldError((key,), f"expected comma-separated key=value pairs (got {part!r})")
        labels[name.strip()] = value.strip()
    return labels


def _yaml(key: str, text: str) -> Any:
    try:
        return yamlio.load(text)
    except yamlio.InputError as err:
        raise FieldError((key,), f"not valid YAML: {err}") from None


def _text(key: str, text: str) -> str:
    return text


def _reader(info: FieldInfo) -> Reader:
    for meta in info.metadata:
        if isinstance(meta, FromString):
            read = meta.read
            return lambda key, text: read(text)
    annotation = info.annotation
    if annotation is bool:
        return _bool
    if annotation is str or typing.get_origin(annotation) is typing.Literal:
        return _text
    if annotation == list[str]:
        return _list
    if annotation == dict[str, str]:
        return _labels
    return _yaml


def keys(spec_model: type[BaseModel]) -> dict[str, tuple[Loc, Reader]]:
    """ConfigMap key -> (where it goes in the spec, how its string is read), in the model's order."""
    found: dict[str, tuple[Loc, Reader]] = {}
    for name, info in spec_model.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel) and getattr(nested, "configmap_flatten", False):
            for sub, sub_info in nested.model_fields.items():
                found[f"{name}.{sub}"] = ((name, sub), _reader(sub_info))
        else:
            found[name] = ((name,), _reader(info))
    return found


def to_spec(data: dict[str, Any], spec_model: type[BaseModel]) -> dict[str, Any]:
    """The typed spec's shape, from a ConfigMap's string data; FieldError names the key."""
    known = keys(spec_model)
    spec: dict[str, Any] = {}
    for key, text in data.items():
        if key not in known:
            raise FieldError((key,), f"unknown key; known keys: {', '.join(known)}")
        if not isinstance(text, str):
            raise FieldError((key,), f"ConfigMap values are strings (got {text!r})")
        loc, read = known[key]
        target = spec
        for part in loc[:-1]:
            target = target.setdefault(str(part), {})
        target[str(loc[-1])] = read(key, text)
    return spec


def key_of(loc: Loc, spec_model: type[BaseModel]) -> Loc:
    """A location in the spec, as the user wrote it: `("canarySteps", 0)` -> `("data", "canarySteps", 0)`."""
    by_loc = {where: key for key, (where, _) in keys(spec_model).items()}
    for size in range(len(loc), 0, -1):
        key = by_loc.get(loc[:size])
        if key is not None:
            return ("data", key, *loc[size:])
    return ("data", *loc)
