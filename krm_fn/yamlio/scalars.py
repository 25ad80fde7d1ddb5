"""Scalar types that remember what the input said, and the rules for when readers disagree.

Three readers matter downstream: PyYAML and go-yaml v2 (YAML 1.1, what `kubectl apply`
and Argo CD use to read manifests) and kyaml/go-yaml v3 (YAML 1.2-ish, what kustomize and
kpt use). A value keeps its meaning for all of them when:

* a *plain* scalar they would not all read the same way (`on`, `0755`, `12:30`, `1e3`,
  `=`) is written back exactly as it came (`AmbiguousPlain`), and so is an explicitly
  tagged number they disagree on, `!!int 0755` (`AmbiguousTagged`);
* a string any of them would read unquoted as a non-string is written quoted;
* a quoted or block string keeps its style (`SingleQuotedStr`, ...): kpt writes the
  output back into the user's files, where changed quotes would be noise.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

STR_TAG = "tag:yaml.org,2002:str"

# YAML 1.2 core schema, what kyaml resolves plain scalars with.
CORE_NON_STRING = re.compile(
    r"""^(?:~|null|Null|NULL
    |true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.X,
)
# go-yaml v2 (kubectl's YAML 1.1) also reads these as booleans; PyYAML does not.
GO_NON_STRING = re.compile(r"^(?:y|Y|n|N)$")
# First characters with which some reader may resolve a plain scalar to a non-string.
MAYBE_NON_STRING_START = frozenset("0123456789+-.~nNtTfFyYoO=<")


class AmbiguousPlain(str):
    """A plain scalar whose meaning differs between YAML readers, kept verbatim."""

    __slots__ = ()


class AmbiguousTagged:
    """An explicitly tagged number whose meaning differs between readers (`!!int 0755`), kept verbatim."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: str) -> None:
        self.tag, self.value = tag, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AmbiguousTagged) and (self.tag, self.value) == (other.tag, other.value)

    def __hash__(self) -> int:
        return hash((self.tag, self.value))

    def __repr__(self) -> str:
        return f"!!{self.tag.rsplit(':', 1)[-1]} {self.value}"


class SingleQuotedStr(str):
    __slots__ = ()


class DoubleQuotedStr(str):
    __slots__ = ()


class LiteralBlockStr(str):
    __slots__ = ()


class FoldedBlockStr(str):
    __slots__ = ()


STYLED: dict[str, type[str]] = {"'": SingleQuotedStr, '"': DoubleQuotedStr, "|": LiteralBlockStr, ">": FoldedBlockStr}
STYLE_OF: dict[type[str], str] = {cls: style for style, cls in STYLED.items()}


def core_value(text: str) -> Any:
    """What a YAML 1.2 core reader makes of a plain scalar."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if not CORE_NON_STRING.match(text):
        return text
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    try:
        return int(text, 10)
    except ValueError:
        return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))


def same(a: Any, b: Any) -> bool:
    """Equal and of one type (NaN equals NaN): two readers agree on a value."""
    if type(a) is not type(b):
        return False
    return bool(a == b) or (isinstance(a, float) and a != a and b != b)


def needs_quotes(text: str) -> bool:
    """True when some reader would take `text`, written plain, for something other than a string."""
    return bool(text) and text[0] in MAYBE_NON_STRING_START and bool(CORE_NON_STRING.match(text) or GO_NON_STRING.match(text))


_YAML11 = yaml.SafeLoader("")
_VALUE_TAG, _MERGE_TAG = "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"


def as_applied(value: Any) -> Any:
    """The value as `kubectl apply` and Argo CD read it (YAML 1.1): `0600` is 384, `on` is True.

    Checks that compare numbers use this, so that a verbatim `progressDeadlineSeconds: 0600`
    is checked as the number the cluster receives. Any other value is returned as it is.
    """
    if isinstance(value, AmbiguousPlain):
        tag = _YAML11.resolve(ScalarNode, str(value), (True, False))  # type: ignore[no-untyped-call]  # untyped in the stubs
        if tag in (_VALUE_TAG, _MERGE_TAG):  # `=` and `<<` as values: strings to go-yaml
            return str(value)
        return _YAML11.construct_object(ScalarNode(tag, str(value)))
    if isinstance(value, AmbiguousTagged):
        return _YAML11.construct_object(ScalarNode(value.tag, value.value))
    return value
