"""The YAML fidelity corpus (tests/fidelity/corpus.json), the styles a value is written in, and the two
readers that judge what a text means: PyYAML's SafeLoader (YAML 1.1, what PyYAML users and go-yaml
v2 / `kubectl apply` resemble) and ruamel.yaml's `YAML(typ="safe")` (YAML 1.2). Both read the `=`
(value) and `<<` (merge) tags, which neither can construct as a plain value, as markers.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor as RuamelSafeConstructor

CORPUS_FILE = Path(__file__).parent / "fidelity" / "corpus.json"


# --- the corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scalar:
    id: str
    value: str
    plain: bool


def load_corpus() -> list[Scalar]:
    found = []
    for entry in json.loads(CORPUS_FILE.read_text(encoding="utf-8"))["scalars"]:
        value = entry["value"]
        if isinstance(value, dict):  # {"repeat": text, "length": n}: a long string
            value = (value["repeat"] * (value["length"] // len(value["repeat"]) + 1))[: value["length"]]
        found.append(Scalar(entry["id"], value, entry["plain"]))
    return found


CORPUS = load_corpus()


# --- writing a scalar in a given style ------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0", "\x07": "\\a"}
_ESCAPES |= {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF"}


def double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def single_quotable(text: str) -> bool:
    return all(ch.isprintable() or ch == " " for ch in text) and "\ufeff" not in text


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


STYLES: dict[str, tuple[Callable[[Scalar], bool], Callable[[str], str]]] = {
    "double-quoted": (lambda s: True, double_quoted),
    "single-quoted": (lambda s: single_quotable(s.value), single_quoted),
    "plain": (lambda s: s.plain, lambda text: text),
}
QUOTED_STYLES = ("double-quoted", "single-quoted")


# --- the two readers ------------------------------------------------------------------------


class Marker:
    """A `=` or `<<` plain scalar, which neither reader can construct as a value."""

    def __init__(self, tag: str, value: str) -> None:
        self.tag, self.value = tag, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Marker) and (self.tag, self.value) == (other.tag, other.value)

    def __hash__(self) -> int:
        return hash((self.tag, self.value))

    def __repr__(self) -> str:
        return f"<{self.tag} {self.value!r}>"


class _PyYAML11Loader(yaml.SafeLoader):
    pass


for _tag in ("tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"):
    _PyYAML11Loader.add_constructor(_tag, lambda loader, node: Marker(node.tag, node.value))


class _Ruamel12Constructor(RuamelSafeConstructor):
    pass


for _tag in ("tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"):
    _Ruamel12Constructor.add_constructor(_tag, lambda constructor, node: Marker(node.tag, node.value))


def read_yaml11(text: str) -> Any:
    return yaml.load(text, Loader=_PyYAML11Loader)  # noqa: S506 - a SafeLoader subclass


def read_yaml12(text: str) -> Any:
    reader = YAML(typ="safe")
    reader.Constructor = _Ruamel12Constructor
    return reader.load(text)


READERS: dict[str, Callable[[str], Any]] = {"PyYAML (YAML 1.1)": read_yaml11, "ruamel.yaml (YAML 1.2)": read_yaml12}


def same(a: Any, b: Any) -> bool:
    """Equal values of the very same type (True is not 1, "1" is not 1, NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, datetime.datetime):
        return bool(a == b and a.tzinfo == b.tzinfo)
    return bool(a == b)


def show(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'...' if len(text) > 60 else ''}"
