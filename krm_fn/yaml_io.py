"""YAML in and out without changing what any scalar means.

Three readers matter downstream: PyYAML and go-yaml v2 (YAML 1.1, what `kubectl apply`
uses) and kyaml/go-yaml v3 (YAML 1.2-ish, what kustomize and kpt use). Two rules keep
every value's meaning for all of them:

* A *plain* input scalar that any of them would read as something other than a string,
  and on whose meaning they do not all agree (`on`, `0755`, `12:30`, `1e3`, `=`), is kept
  as a `PlainScalar` and written back exactly as it came: each reader then reads the
  output as it read the input.
* A string is written quoted whenever any of them would read it unquoted as a non-string.

Output is block YAML in the input's key order, with no anchors or aliases.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

try:  # the libyaml bindings are about 8x faster than pure Python
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_DEPTH = 500
"""Deepest nesting accepted; libyaml's composer recurses in C and crashes far below 100,000."""

MAX_EXPANDED_NODES = 5_000_000
"""Most nodes a document may expand to through aliases (stops "billion laughs")."""

_STR = "tag:yaml.org,2002:str"
_PLAIN = "tag:krm-fn,2026:plain"
_MERGE = "tag:yaml.org,2002:merge"
_COMPARABLE = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))

# YAML 1.2 core schema, what kyaml resolves plain scalars with.
_CORE_NON_STRING = re.compile(
    r"""^(?:~|null|Null|NULL
    |true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.X,
)
# go-yaml v2 (kubectl's YAML 1.1) also reads these as booleans; PyYAML does not.
_GO_NON_STRING = re.compile(r"^(?:y|Y|n|N)$")
# First characters with which some reader may resolve a plain scalar to a non-string.
_MAYBE_NON_STRING_START = frozenset("0123456789+-.~nNtTfFyYoO=<")


class InputError(ValueError):
    """The input cannot be read as YAML (or JSON) at all; the message is one line."""


class PlainScalar(str):
    """A plain scalar whose meaning differs between YAML readers, kept verbatim."""

    __slots__ = ()


class TaggedScalar:
    """An explicitly tagged number whose meaning differs between readers (`!!int 0755`), kept verbatim."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: str) -> None:
        self.tag, self.value = tag, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaggedScalar) and (self.tag, self.value) == (other.tag, other.value)

    def __hash__(self) -> int:
        return hash((self.tag, self.value))

    def __repr__(self) -> str:
        return f"{self.tag.rsplit(':', 1)[-1]} {self.value}"


# A string remembers how it was quoted, so that kpt, which writes the output back into
# the user's files, changes no quotes in them. Plain and new strings are plain `str`.
class SingleQuoted(str):
    __slots__ = ()


class DoubleQuoted(str):
    __slots__ = ()


class Literal(str):
    __slots__ = ()


class Folded(str):
    __slots__ = ()


_STYLED: dict[str, type[str]] = {"'": SingleQuoted, '"': DoubleQuoted, "|": Literal, ">": Folded}
_STYLE_OF: dict[type[str], str] = {cls: style for style, cls in _STYLED.items()}


def _core_value(text: str) -> Any:
    """What a YAML 1.2 core reader makes of a plain scalar."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if not _CORE_NON_STRING.match(text):
        return text
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    try:
        return int(text, 10)
    except ValueError:
        return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    return a == b or (isinstance(a, float) and a != a and b != b)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        if value and value[0] not in _MAYBE_NON_STRING_START:
            return _STR
        if _GO_NON_STRING.match(value):
            return _PLAIN
        tag = super().resolve(kind, value, implicit)
        if tag == _MERGE:
            return tag  # `<<` merge keys: PyYAML and go-yaml both apply them
        if tag == _STR:
            return _PLAIN if _CORE_NON_STRING.match(value) else _STR
        if tag in _COMPARABLE:
            yaml11 = getattr(self, "construct_yaml_" + tag.rsplit(":", 1)[1])(ScalarNode(tag, value))
            if _same(yaml11, _core_value(value)):
                return tag
        return _PLAIN

    def construct_plain(self, node: ScalarNode) -> PlainScalar:
        return PlainScalar(node.value)

    def construct_tagged_plain(self, node: Any) -> PlainScalar:
        # A `<<` or `=` *value* (a merge key is flattened before it is constructed): plain,
        # or as kyaml (kustomize, kpt) writes it, `!!merge <<`. Kept as the plain scalar.
        if isinstance(node, ScalarNode) and node.value == _TAGGED_PLAIN.get(node.tag):
            return PlainScalar(node.value)
        mark = node.start_mark
        raise InputError(f"a {node.tag.rsplit(':', 1)[-1]} node that is not {_TAGGED_PLAIN.get(node.tag)!r} at line {mark.line + 1}")

    def construct_number(self, node: ScalarNode) -> Any:
        text = node.value
        if text.isdigit() and (len(text) == 1 or text[0] != "0"):
            return int(text)  # the common case, the same for every reader
        # Plain numbers were resolved only where readers agree; an explicit `!!int 0755` is
        # 493 to YAML 1.1 and 755 to YAML 1.2, so it is kept as written.
        value = getattr(self, "construct_yaml_" + node.tag.rsplit(":", 1)[1])(node)
        return value if _same(value, _core_value(text)) else TaggedScalar(node.tag, text)

    def construct_styled_str(self, node: ScalarNode) -> str:
        styled = _STYLED.get(node.style) if node.style else None
        return styled(node.value) if styled else node.value

    def construct_unique_mapping(self, node: MappingNode) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        yield mapping
        merged = 0
        own: set[Any] = set()
        if any(key.tag == _MERGE for key, _ in node.value):
            own_count = len([key for key, _ in node.value if key.tag != _MERGE])
            self.flatten_mapping(node)  # merged keys first; the node's own keys override them
            merged = len(node.value) - own_count
        for position, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=False)
            if not isinstance(key, Hashable):
                mark = key_node.start_mark
                raise InputError(f"a mapping key at line {mark.line + 1} is itself a collection")
            if position >= merged and key in (own if merged else mapping):
                mark = key_node.start_mark
                raise InputError(f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1}")
            if merged and position >= merged:
                own.add(key)
            mapping[key] = self.construct_object(value_node, deep=False)


_Loader.add_constructor(_PLAIN, _Loader.construct_plain)
_TAGGED_PLAIN = {_MERGE: "<<", "tag:yaml.org,2002:value": "="}
for _tag in _TAGGED_PLAIN:
    _Loader.add_constructor(_tag, _Loader.construct_tagged_plain)
for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    _Loader.add_constructor(_tag, _Loader.construct_number)
_Loader.add_constructor(_STR, _Loader.construct_styled_str)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_unique_mapping)


def _needs_quotes(text: str) -> bool:
    return bool(text) and text[0] in _MAYBE_NON_STRING_START and bool(
        _CORE_NON_STRING.match(text) or _GO_NON_STRING.match(text)
    )


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent_str(self, data: str) -> ScalarNode:
        if "\n" in data:
            return self.represent_scalar(_STR, data, style="|")
        if _needs_quotes(data):
            return self.represent_scalar(_STR, data, style='"')
        return self.represent_scalar(_STR, data)

    def represent_styled(self, data: str) -> ScalarNode:
        # Any quoted or block style reads as a string everywhere; the emitter falls back
        # to double quotes where the style cannot hold the value.
        return self.represent_scalar(_STR, str(data), style=_STYLE_OF[type(data)])

    def represent_plain(self, data: PlainScalar) -> ScalarNode:
        # Tag it as the YAML 1.1 resolver would, so the emitter writes it plain and untouched.
        return ScalarNode(self.resolve(ScalarNode, str(data), (True, False)), str(data))


_Dumper.add_representer(str, _Dumper.represent_str)
_Dumper.add_representer(PlainScalar, _Dumper.represent_plain)
_Dumper.add_representer(TaggedScalar, lambda dumper, data: ScalarNode(data.tag, data.value))
for _styled in _STYLE_OF:
    _Dumper.add_representer(_styled, _Dumper.represent_styled)

_BLOCK_PREFIX = re.compile(r"^[ \t?:-]{%d}" % MAX_DEPTH, re.M)


def _check_depth(text: str) -> None:
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
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else "?"
                    raise InputError(f"nesting deeper than {MAX_DEPTH} levels (line {line})")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as err:
        raise InputError(_one_line(err)) from None


def _check_expansion(data: Any) -> None:
    """Count the nodes a document expands to when each alias is written out in full."""
    sizes: dict[int, int] = {}
    total = _expanded_size(data, sizes)
    if total > MAX_EXPANDED_NODES:
        raise InputError(f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)")


def _expanded_size(data: Any, sizes: dict[int, int]) -> int:
    # Iterative post-order walk, memoised by identity: linear in distinct nodes, even for bombs.
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in sizes:
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if children_done:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                return sizes[id(node)]
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)))
    return sizes.get(id(data), 1)


def _max_depth(data: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((c, depth + 1) for c in (node.values() if isinstance(node, dict) else node))
    return deepest


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


def _reject_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise InputError(f"duplicate key {key!r}")
        mapping[key] = value
    return mapping


def load(data: bytes | str) -> Any:
    """Parse one YAML (or JSON) document; raise InputError with a one-line reason."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(f"input is not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from None
    else:
        text = str(data)  # libyaml takes only exact str, not the styled subclasses
    if not text.strip():
        raise InputError("input is empty")
    if text.lstrip().startswith("{"):
        try:
            result = json.loads(text, object_pairs_hook=_reject_duplicate_json_keys)
        except json.JSONDecodeError:
            pass  # flow-style YAML also starts with "{"
        except RecursionError:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels") from None
        else:
            if _max_depth(result) > MAX_DEPTH:
                raise InputError(f"nesting deeper than {MAX_DEPTH} levels")
            return result
    _check_depth(text)
    try:
        result = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        raise InputError(_one_line(err)) from None
    if "&" in text:
        _check_expansion(result)
    return result


def dump(data: Any) -> str:
    """Block YAML, key order kept, no aliases, every string safe for YAML 1.1 and 1.2 readers."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=80,  # where kyaml (kustomize, kpt) folds long scalars too: kpt diffs stay small
    )
