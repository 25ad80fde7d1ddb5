"""The results a run reports (the KRM function spec's `results` entries) and the exit-code rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .resource import INDEX, PATH, Resource

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Result:
    severity: Severity
    message: str
    resource: Resource | None = None
    field: str | None = None
    rule: str | None = None

    def resource_ref(self) -> dict[str, str] | None:
        if self.resource is None:
            return None
        meta = self.resource.metadata
        ref = {"apiVersion": self.resource.get("apiVersion"), "kind": self.resource.get("kind"), "name": meta.get("name")}
        if meta.get("namespace"):
            ref["namespace"] = meta["namespace"]
        return {k: str(v) for k, v in ref.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "severity": self.severity}
        ref = self.resource_ref()
        if ref:
            out["resourceRef"] = ref
        if self.field:
            out["field"] = {"path": self.field}
        annotations = self.resource.annotations if self.resource else {}
        if PATH in annotations:
            out["file"] = {"path": str(annotations[PATH])}
            if str(annotations.get(INDEX, "")).isdigit():
                out["file"]["index"] = int(annotations[INDEX])
        if self.rule:
            out["tags"] = {"rule": self.rule}
        return out

    def one_line(self) -> str:
        """The result as one line for stderr: `severity: Kind namespace/name: field: message`."""
        parts: list[str] = [self.severity]
        ref = self.resource_ref()
        if ref:
            name = ref.get("name", "?")
            if "namespace" in ref:
                name = f"{ref['namespace']}/{name}"
            parts.append(f"{ref.get('kind', '?')} {name}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message


About = Resource | dict[str, Any] | None
"""What a result is about: a resource, an item as plain data (the functionConfig), or the whole list."""


def _result(severity: Severity, message: str, about: About, field: str | None, rule: str | None) -> Result:
    resource = Resource(about) if isinstance(about, dict) else about
    return Result(severity, message, resource, field, rule)


def info(message: str, about: About = None, field: str | None = None, rule: str | None = None) -> Result:
    return _result("info", message, about, field, rule)


def warning(message: str, about: About = None, field: str | None = None, rule: str | None = None) -> Result:
    return _result("warning", message, about, field, rule)


def error(message: str, about: About = None, field: str | None = None, rule: str | None = None) -> Result:
    return _result("error", message, about, field, rule)


def has_errors(results: list[Result]) -> bool:
    """The one exit-code rule: any error result of this run fails it."""
    return any(r.severity == "error" for r in results)
