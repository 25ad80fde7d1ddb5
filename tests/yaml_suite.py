"""The official YAML test suite's data (../shared/yaml-test-suite), and its event notation."""

from __future__ import annotations

import yaml

from conftest import SHARED

SUITE = SHARED / "yaml-test-suite"
CASES = sorted(str(p.parent.relative_to(SUITE)) for p in SUITE.rglob("in.yaml"))
_STYLES = {None: ":", "'": "'", '"': '"', "|": "|", ">": ">"}


def read(case: str) -> str:
    """The case's YAML text."""
    return (SUITE / case / "in.yaml").read_bytes().decode("utf-8")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\b", "\\b").replace("\r", "\\r")


def _properties(event: yaml.NodeEvent | yaml.CollectionStartEvent) -> str:
    text = f" &{event.anchor}" if event.anchor else ""
    tag = getattr(event, "tag", None)
    return text + (f" <{tag}>" if tag else "")


def render(events: list[yaml.Event]) -> str:
    """The events in the suite's test.event notation."""
    lines = []
    for event in events:
        if isinstance(event, yaml.StreamStartEvent):
            lines.append("+STR")
        elif isinstance(event, yaml.StreamEndEvent):
            lines.append("-STR")
        elif isinstance(event, yaml.DocumentStartEvent):
            lines.append("+DOC ---" if event.explicit else "+DOC")
        elif isinstance(event, yaml.DocumentEndEvent):
            lines.append("-DOC ..." if event.explicit else "-DOC")
        elif isinstance(event, yaml.AliasEvent):
            lines.append(f"=ALI *{event.anchor}")
        elif isinstance(event, yaml.SequenceStartEvent):
            lines.append("+SEQ" + (" []" if event.flow_style else "") + _properties(event))
        elif isinstance(event, yaml.MappingStartEvent):
            lines.append("+MAP" + (" {}" if event.flow_style else "") + _properties(event))
        elif isinstance(event, yaml.SequenceEndEvent):
            lines.append("-SEQ")
        elif isinstance(event, yaml.MappingEndEvent):
            lines.append("-MAP")
        elif isinstance(event, yaml.ScalarEvent):
            lines.append(f"=VAL{_properties(event)} {_STYLES[event.style]}{_escape(event.value)}")
    return "\n".join(lines) + "\n"
