"""The results a run reports (the KRM function spec's `results` entries) and the exit-code rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .fields import get_map

Severity = Literal["error", "warning", "info"]

_PATH = "config.kubernetes.io/path"
_INDEX = "config.kubernetes.io/index"


@dataclass(frozen=True)
class Result:
    severity: Severity
    message: str
    resource: dict[str, Any] | None = None
    field: str | None = None
    rule: str | None = None

    def resource_ref(self) -> dict[str, str] | None:
        if self.resource is None:
            return None
        meta = get_map(self.resource, "metadata")
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
        annotations = get_map(self.resource, "metadata", "annotations")
        if _PATH in annotations:
            out["file"] = {"path": str(annotations[_PATH])}
            if str(annotations.get(_INDEX, "")).isdigit():
                out["file"]["index"] = int(annotations[_INDEX])
        if self.rule:
            out["tags"] = {"rule": self.rule}
        return out

    def one_line(self) -> str:
        """The result as one line for stderr: `severity: Kind namespace/name: field: message`."""
        parts = [self.severity]
        ref = self.resource_ref()
        if ref:
            name = ref.get("name", "?")
            if "namespace" in ref:
                name = f"{ref['namespace']}/{name}"
            parts.append(f"{ref.get('kind', '?')} {name}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message


def info(message: str, resource: dict[str, Any] | None = None, field: str | None = None, rule: str | None = None) -> Result:
    return Result("info", message, resource, field, rule)


def warning(message: str, resource: dict[str, Any] | None = None, field: str | None = None, rule: str | None = None) -> Result:
    return Result("warning", message, resource, field, rule)


def error(message: str, resource: dict[str, Any] | None = None, field: str | None = None, rule: str | None = None) -> Result:
    return Result("error", message, resource, field, rule)


def has_errors(results: list[Result]) -> bool:
    """The one exit-code rule: any error result fails the run."""
    return any(r.severity == "error" for r in results)
