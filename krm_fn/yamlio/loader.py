"""The style-preserving loader: every scalar comes back as what it meant in the input.

Plain scalars are resolved only where every reader agrees; the rest stay verbatim
(`scalars.AmbiguousPlain`). Duplicate keys are an error; `<<` merge keys are applied.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputError
from .scalars import (
    CORE_NON_STRING,
    GO_NON_STRING,
    MAYBE_NON_STRING_START,
    STR_TAG,
    STYLED,
    AmbiguousPlain,
    AmbiguousTagged,
    core_value,
    same,
)

try:  # the libyaml bindings are about 8x faster than pure Python
    from yaml import CSafeLoader as BaseLoader
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml import SafeLoader as BaseLoader  # type: ignore[assignment]

__all__ = ["BaseLoader", "Loader"]

_AMBIGUOUS = "tag:krm-fn,2026:plain"
_MERGE = "tag:yaml.org,2002:merge"
_COMPARABLE = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))
# A `<<` or `=` *value* (a merge key is flattened before it is constructed): plain, or as
# kyaml (kustomize, kpt) writes it, `!!merge <<`.
_TAGGED_PLAIN = {_MERGE: "<<", "tag:yaml.org,2002:value": "="}


class Loader(BaseLoader):
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]  # untyped in the stubs
        if value and value[0] not in MAYBE_NON_STRING_START:
            return STR_TAG
        if GO_NON_STRING.match(value):
            return _AMBIGUOUS
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if tag == _MERGE:
            return tag  # `<<` merge keys: PyYAML and go-yaml both apply them
        if tag == STR_TAG:
            return _AMBIGUOUS if CORE_NON_STRING.match(value) else STR_TAG
        if tag in _COMPARABLE:
            yaml11 = getattr(self, "construct_yaml_" + tag.rsplit(":", 1)[1])(ScalarNode(tag, value))
            if same(yaml11, core_value(value)):
                return tag
        return _AMBIGUOUS

    def construct_ambiguous(self, node: ScalarNode) -> AmbiguousPlain:
        return AmbiguousPlain(node.value)

    def construct_tagged_plain(self, node: Node) -> AmbiguousPlain:
        if isinstance(node, ScalarNode) and node.value == _TAGGED_PLAIN.get(node.tag):
            return AmbiguousPlain(node.value)
        mark = node.start_mark
        raise InputError(f"a {node.tag.rsplit(':', 1)[-1]} node that is not {_TAGGED_PLAIN.get(node.tag)!r} at line {mark.line + 1}")

    def construct_number(self, node: ScalarNode) -> Any:
        text = node.value
        if text.isdigit() and (len(text) == 1 or text[0] != "0"):
            return int(text)  # the common case, the same for every reader
        # Plain numbers were resolved only where readers agree; an explicit `!!int 0755` is
        # 493 to YAML 1.1 and 755 to YAML 1.2, so it is kept as written.
        kind = node.tag.rsplit(":", 1)[1]
        try:
            value = getattr(self, "construct_yaml_" + kind)(node)
        except (ValueError, TypeError):
            mark = node.start_mark
            raise InputError(f"{text!r} is not a{'n' if kind == 'int' else ''} {kind} (line {mark.line + 1})") from None
        return value if same(value, core_value(text)) else AmbiguousTagged(node.tag, text)

    def construct_styled_str(self, node: ScalarNode) -> str:
        styled = STYLED.get(node.style) if node.style else None
        return styled(node.value) if styled else str(node.value)

    def construct_unique_mapping(self, node: MappingNode) -> Iterator[dict[Any, Any]]:
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

    def construct_by_kind(self, node: Node) -> Any:
        """A node whose tag gives no type here (a local tag such as `!foo`, or YAML 1.1's `!!binary`,
        `!!set`, `!!omap`, `!!pairs`, `!!timestamp`, which YAML 1.2 readers do not know): its content,
        as its kind says (a string, a list, a mapping). Untouched, its text is written back as it came."""
        if isinstance(node, ScalarNode):
            return str(node.value)
        if isinstance(node, SequenceNode):
            return self.construct_yaml_seq(node)
        assert isinstance(node, MappingNode)
        return self.construct_unique_mapping(node)


Loader.add_constructor(_AMBIGUOUS, Loader.construct_ambiguous)
Loader.add_constructor(None, Loader.construct_by_kind)
for _kind in ("binary", "set", "omap", "pairs", "timestamp"):
    Loader.add_constructor(f"tag:yaml.org,2002:{_kind}", Loader.construct_by_kind)
for _tag in _TAGGED_PLAIN:
    Loader.add_constructor(_tag, Loader.construct_tagged_plain)
for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    Loader.add_constructor(_tag, Loader.construct_number)
Loader.add_constructor(STR_TAG, Loader.construct_styled_str)
Loader.add_constructor("tag:yaml.org,2002:map", Loader.construct_unique_mapping)
