"""Where a custom resource may hold a null: its CRD's structural schema, as the API server reads it for nulls.

A built-in type such as a Deployment takes `volumeMounts: null` as "not set". A custom
resource is held to its CRD's schema instead, and the two ways of writing it differ:
- create, update and client-side apply decode the body first, which drops every null the
  schema neither declares `nullable` nor defaults (apiextensions-apiserver,
  `PruneNonNullableNullsWithoutDefaults`); a defaulted one is then defaulted;
- server-side apply (Argo CD's `ServerSideApply=true`, Helm 4) merges the body as it is,
  so the null reaches the schema validation, which refuses the whole object wherever the
  field has a type (`volumeMounts in body must be of type array: "null"`).
Writing such a null as absent is what the create path stores, so both paths accept it.

A schema is kept as its structure only (`Structure`): a node is 0 (a field with nothing
below it) or a mapping with `p` (properties), `i` (the items of a list), `a`
(additionalProperties) and `n: 1` where server-side apply takes a null: the field is
`nullable`, has a default (the null is defaulted), or takes any value (unknown fields
preserved, no type). A field the schema does not declare is not this module's business:
pruning and strict field validation deal with it.
"""

from __future__ import annotations

from typing import Any

from .fieldpath import Loc

Structure = Any
"""A node of a schema's structure: 0, or {"p": {name: node}, "i": node, "a": node, "n": 1}."""


def structure_of(schema: Any) -> Structure:
    """The structure of an OpenAPI v3 schema (a CRD version's `openAPIV3Schema`), as `Structure` describes it."""
    if not isinstance(schema, dict):
        return 0
    node: dict[str, Any] = {}
    if schema.get("nullable") is True or schema.get("default") is not None or _takes_any_value(schema):
        node["n"] = 1
    properties = schema.get("properties")
    if isinstance(properties, dict) and properties:
        node["p"] = {str(name): structure_of(child) for name, child in properties.items()}
    if isinstance(schema.get("items"), dict):
        node["i"] = structure_of(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        node["a"] = structure_of(schema["additionalProperties"])
    return node or 0


def _takes_any_value(schema: dict[str, Any]) -> bool:
    """Unknown fields kept, and nothing that would type the value (`volumes` in the Rollout CRD)."""
    typed = ("type", "x-kubernetes-int-or-string", "anyOf", "allOf", "oneOf", "not", "enum")
    return schema.get("x-kubernetes-preserve-unknown-fields") is True and not any(key in schema for key in typed)


def _field(node: Structure, key: str) -> Structure | None:
    """The schema of a mapping's entry `key` (a property, else additionalProperties), or None where none is declared."""
    if not node:
        return None
    declared = node.get("p", {}).get(key)
    return declared if declared is not None else node.get("a")


def _keeps_null(node: Structure) -> bool:
    return bool(node) and node.get("n") == 1


def holds_null(value: Any) -> bool:
    """Whether a null is anywhere in `value` (a quick look before the schema is read)."""
    if isinstance(value, dict):
        return any(child is None or holds_null(child) for child in value.values())
    if isinstance(value, list):
        return any(child is None or holds_null(child) for child in value)
    return False


def without_refused_nulls(value: Any, node: Structure, at: Loc = ()) -> tuple[Any, list[Loc]]:
    """`value` without the nulls server-side apply would refuse under the schema `node`, and where each was.

    Copy-on-write: only the mappings and lists on the way to a dropped null are copied;
    `value` is never changed. A null in a list stays (the API server refuses it either way).
    """
    dropped: list[Loc] = []
    if isinstance(value, dict):
        out: dict[Any, Any] | None = None
        for key, child in value.items():
            schema = _field(node, key) if isinstance(key, str) else None
            if schema is None:
                continue
            if child is None and not _keeps_null(schema):
                out = dict(value) if out is None else out
                del out[key]
                dropped.append((*at, key))
                continue
            kept, below = without_refused_nulls(child, schema, (*at, key))
            if below:
                out = dict(value) if out is None else out
                out[key] = kept
                dropped.extend(below)
        return (value if out is None else out), dropped
    if isinstance(value, list) and node and "i" in node:
        items: list[Any] | None = None
        for index, child in enumerate(value):
            kept, below = without_refused_nulls(child, node["i"], (*at, index))
            if below:
                items = list(value) if items is None else items
                items[index] = kept
                dropped.extend(below)
        return (value if items is None else items), dropped
    return value, dropped
