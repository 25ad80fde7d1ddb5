"""Validate Rollouts against the upstream CRD's openAPIV3Schema, and find fields it would prune.

The API server drops nulls the schema does not allow, validates with the schema, and then
silently *prunes* fields the structural schema does not know; jsonschema alone would pass
such fields, so they are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from krm_fn import yamlio


@dataclass
class RolloutSchema:
    schemas: dict[str, dict[str, Any]]
    """Each CRD file's name, and its v1alpha1 openAPIV3Schema."""

    @classmethod
    def from_crd_files(cls, *paths: Path) -> RolloutSchema:
        schemas = {}
        for path in paths:
            crd = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
            version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
            schemas[path.name] = version["schema"]["openAPIV3Schema"]
        return cls(schemas)

    def problems(self, rollout: dict[str, Any]) -> list[str]:
        found = []
        for name, schema in self.schemas.items():
            cleaned = _without_nulls(rollout, schema)
            validator = jsonschema.Draft7Validator(schema)
            found += [f"[{name}] {'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(cleaned)]
            found += [f"[{name}] {path}: unknown to the schema, the API server would prune it" for path in _pruned(cleaned, schema, "")]
        return found

    def assert_valid(self, rollout: dict[str, Any]) -> None:
        problems = self.problems(rollout)
        assert not problems, f"Rollout {rollout.get('metadata', {}).get('name')} is invalid:\n" + "\n".join(problems)


def as_kubectl_reads(data: Any) -> Any:
    """The data as kubectl (YAML 1.1) reads the function's output: `0700` is 448, `on` is true."""
    if isinstance(data, dict):
        return {key: as_kubectl_reads(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_kubectl_reads(value) for value in data]
    return yamlio.as_applied(data)


def _without_nulls(value: Any, schema: dict[str, Any]) -> Any:
    """As the API server does first: a null where the schema does not say `nullable: true` is dropped."""
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        out = {}
        for key, child in value.items():
            child_schema = props.get(key, additional if isinstance(additional, dict) else {})
            if child is None and not child_schema.get("nullable"):
                continue
            out[key] = _without_nulls(child, child_schema)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_without_nulls(child, schema["items"]) for child in value]
    return value


def _pruned(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    if schema.get("x-kubernetes-preserve-unknown-fields") or ("anyOf" in schema and not schema.get("properties")):
        return []
    if isinstance(value, dict):
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        found = []
        for key, child in value.items():
            here = f"{path}.{key}" if path else str(key)
            if props is not None and key in props:
                found.extend(_pruned(child, props[key], here))
            elif isinstance(additional, dict):
                found.extend(_pruned(child, additional, here))
            elif props is not None and not additional:
                found.append(here)
        return found
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [p for i, child in enumerate(value) for p in _pruned(child, schema["items"], f"{path}[{i}]")]
    return []
