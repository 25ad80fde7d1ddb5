"""Where a custom resource may hold a null (krm_fn.structural), and the pinned Rollout CRD structure."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from krm_fn import yamlio
from krm_fn.providers.argo_rollouts import crd_structure
from krm_fn.resource import Resource
from krm_fn.structural import holds_null, structure_of, without_refused_nulls

from conftest import CRD_FILE, CRD_FILES

SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "replicas": {"type": "integer"},
                "paused": {"type": "boolean", "nullable": True},
                "mode": {"type": "string", "default": "fast"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "args": {"type": "array", "items": {"type": "string"}}},
                    },
                },
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "anything": {"x-kubernetes-preserve-unknown-fields": True},
                "port": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            },
        }
    },
}
STRUCTURE = structure_of(SCHEMA)

CASES: list[tuple[str, Any, Any, list[tuple[str | int, ...]]]] = [
    ("no null", {"spec": {"replicas": 1}}, {"spec": {"replicas": 1}}, []),
    ("a declared field", {"spec": {"replicas": None}}, {"spec": {}}, [("spec", "replicas")]),
    ("nullable", {"spec": {"paused": None}}, {"spec": {"paused": None}}, []),
    ("defaulted", {"spec": {"mode": None}}, {"spec": {"mode": None}}, []),
    ("a list", {"spec": {"items": None}}, {"spec": {}}, [("spec", "items")]),
    (
        "in a list's item",
        {"spec": {"items": [{"name": "a"}, {"name": "b", "args": None}]}},
        {"spec": {"items": [{"name": "a"}, {"name": "b"}]}},
        [("spec", "items", 1, "args")],
    ),
    ("a list's item itself", {"spec": {"items": [None]}}, {"spec": {"items": [None]}}, []),
    ("a map's value", {"spec": {"labels": {"a": None, "b": "c"}}}, {"spec": {"labels": {"b": "c"}}}, [("spec", "labels", "a")]),
    ("an undeclared field", {"spec": {"other": None}}, {"spec": {"other": None}}, []),
    ("under preserve-unknown-fields", {"spec": {"free": {"x": None}}}, {"spec": {"free": {"x": None}}}, []),
    ("a field that takes any value", {"spec": {"anything": None}}, {"spec": {"anything": None}}, []),
    ("int-or-string", {"spec": {"port": None}}, {"spec": {}}, [("spec", "port")]),
    ("the root", None, None, []),
]


@pytest.mark.parametrize(("before", "after", "dropped"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_without_refused_nulls(before: Any, after: Any, dropped: list[tuple[str | int, ...]]) -> None:
    kept, found = without_refused_nulls(before, STRUCTURE)
    assert (kept, found) == (after, dropped)


def test_copy_on_write() -> None:
    untouched = {"name": "a"}
    before = {"spec": {"items": [untouched, {"name": "b", "args": None}], "replicas": None}}
    snapshot = json.dumps(before)
    kept, _ = without_refused_nulls(before, STRUCTURE)
    assert json.dumps(before) == snapshot, "the input was changed"
    assert kept["spec"]["items"][0] is untouched, "an unchanged part was copied"


def test_holds_null() -> None:
    assert holds_null({"a": [1, {"b": None}]})
    assert not holds_null({"a": [1, {"b": 0}], "c": ""})


def test_pinned_structure_is_current() -> None:
    """The pinned structure is the current release's CRD's (UPDATE_GOLDEN=1 derives it again), and v1.9.1's is the same."""
    derived = [structure_of(crd_structure.version_schema(Resource(yamlio.load(path.read_text())), "v1alpha1")) for path in CRD_FILES]
    assert derived[0] == derived[-1]
    if os.environ.get("UPDATE_GOLDEN") == "1":
        document = {
            "derivedFrom": f"Argo Rollouts {CRD_FILE.stem.rpartition('-')[2]}, manifests/crds/rollout-crd.yaml",
            "structure": derived[-1],
        }
        crd_structure.PINNED.write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
        crd_structure.pinned_structure.cache_clear()
    assert crd_structure.pinned_structure() == derived[-1]
