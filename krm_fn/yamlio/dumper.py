"""Block YAML in the input's key order, no anchors, every string safe for every reader."""

from __future__ import annotations

from typing import Any

from yaml.nodes import ScalarNode

from .scalars import STR_TAG, STYLE_OF, AmbiguousPlain, AmbiguousTagged, needs_quotes

try:
    from yaml import CSafeDumper as BaseDumper
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml import SafeDumper as BaseDumper  # type: ignore[assignment]


class Dumper(BaseDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent_str(self, data: str) -> ScalarNode:
        if "\n" in data:
            return self.represent_scalar(STR_TAG, data, style="|")
        if needs_quotes(data):
            return self.represent_scalar(STR_TAG, data, style='"')
        return self.represent_scalar(STR_TAG, data)

    def represent_styled(self, data: str) -> ScalarNode:
        # Any quoted or block style reads as a string everywhere; the emitter falls back
        # to double quotes where the style cannot hold the value.
        return self.represent_scalar(STR_TAG, str(data), style=STYLE_OF[type(data)])

    def represent_ambiguous(self, data: AmbiguousPlain) -> ScalarNode:
        # Tag it as the YAML 1.1 resolver would, so the emitter writes it plain and untouched.
        return ScalarNode(self.resolve(ScalarNode, str(data), (True, False)), str(data))  # type: ignore[no-untyped-call]

    def represent_tagged(self, data: AmbiguousTagged) -> ScalarNode:
        return ScalarNode(data.tag, data.value)


Dumper.add_representer(str, Dumper.represent_str)
Dumper.add_representer(AmbiguousPlain, Dumper.represent_ambiguous)
Dumper.add_representer(AmbiguousTagged, Dumper.represent_tagged)
for _styled in STYLE_OF:
    Dumper.add_representer(_styled, Dumper.represent_styled)
