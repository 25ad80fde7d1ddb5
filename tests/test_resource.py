"""The resource model and the inventory: reading any shape safely, numbers as the cluster reads them."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn import yamlio
from krm_fn.inventory import Inventory
from krm_fn.resource import Resource, ResourceId


def _resource(text: str) -> Resource:
    return Resource(yamlio.load(text))


INTS = [
    ("spec: {n: 600}", 600),
    ("spec: {n: 0600}", 384),  # plain: kept verbatim; kubectl (YAML 1.1) reads octal
    ("spec: {n: !!int 0600}", 384),
    ("spec: {n: !!int 600}", 600),
    ("spec: {n: 0x10}", 16),
    ("spec: {n: '600'}", None),  # a string is not a number
    ("spec: {n: true}", None),
    ("spec: {n: 1.5}", None),
    ("spec: {n: null}", None),
    ("spec: 5", None),
    ("spec: {}", None),
]


@pytest.mark.parametrize(("text", "expected"), INTS, ids=[t for t, _ in INTS])
def test_int_reads_what_the_cluster_receives(text: str, expected: int | None) -> None:
    assert _resource(text).get_int("spec", "n") == expected


SHAPES: list[tuple[str, tuple[str, ...], Any, Any, Any]] = [
    # text, path, get, map, list
    ("spec: {a: {b: 1}}", ("spec", "a"), {"b": 1}, {"b": 1}, []),
    ("spec: {a: [1]}", ("spec", "a"), [1], {}, [1]),
    ("spec: {a: x}", ("spec", "a", "b"), None, {}, []),
    ("spec: [1, 2]", ("spec", "a"), None, {}, []),
    ("metadata: 7", ("metadata", "labels"), None, {}, []),
]


@pytest.mark.parametrize(("text", "path", "got", "as_map", "as_list"), SHAPES, ids=[s[0] for s in SHAPES])
def test_getters_read_a_wrong_shape_as_absent(text: str, path: tuple[str, ...], got: Any, as_map: Any, as_list: Any) -> None:
    resource = _resource(text)
    assert (resource.get(*path), resource.get_map(*path), resource.get_list(*path)) == (got, as_map, as_list)


IDENTITIES = [
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}", ResourceId("apps", "Deployment", "shop", "web")),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: web}", ResourceId("", "Service", "", "web")),
    (
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: 7, namespace: null}",
        ResourceId("argoproj.io", "Rollout", "", "7"),
    ),
    ("kind: Thing\nmetadata: []", ResourceId("", "Thing", "", "")),
]


@pytest.mark.parametrize(("text", "expected"), IDENTITIES, ids=[str(i) for _, i in IDENTITIES])
def test_identity(text: str, expected: ResourceId) -> None:
    assert _resource(text).id == expected


@pytest.mark.parametrize(
    ("annotations", "local"),
    [
        ({"config.kubernetes.io/local-config": "true"}, True),
        ({"config.kubernetes.io/local-config": "True"}, True),
        ({"config.kubernetes.io/local-config": "false"}, False),
        ({}, False),
    ],
)
def test_local_config(annotations: dict[str, str], local: bool) -> None:
    assert Resource({"metadata": {"name": "x", "annotations": annotations}}).is_local_config is local


def _item(kind: str, name: str, namespace: str = "shop", api_version: str = "v1", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def test_inventory_indexes_by_kind_and_id() -> None:
    items = [_item("Service", "a"), _item("Deployment", "a", api_version="apps/v1"), _item("Service", "b", "other")]
    inventory = Inventory([Resource(item) for item in items])
    assert [r.name for r in inventory.of_kind("", "Service")] == ["a", "b"]
    assert inventory.has("apps", "Deployment", "shop", "a") and not inventory.has("apps", "Deployment", "other", "a")
    assert inventory.names("", "Service") == {"a", "b"} and inventory.names("", "Service", "shop") == {"a"}


SELECTING = [
    # pod labels -> the Services (of the list below) that select them, in list order
    ({"app": "web", "tier": "front"}, ["web", "web-front"]),
    ({"app": "web"}, ["web"]),
    ({"app": "db"}, []),
    ({}, []),
]


@pytest.mark.parametrize(("labels", "expected"), SELECTING, ids=[str(s[0]) for s in SELECTING])
def test_services_selecting(labels: dict[str, str], expected: list[str]) -> None:
    services = [
        _item("Service", "web", selector={"app": "web"}),
        _item("Service", "empty", selector={}),  # selects no pods: Endpoints managed by hand
        _item("Service", "web-front", selector={"app": "web", "tier": "front"}),
        _item("Service", "elsewhere", "other", selector={"app": "web"}),
        _item("Service", "broken", selector="app=web"),
    ]
    assert [s.name for s in Inventory([Resource(s) for s in services]).services_selecting("shop", labels)] == expected
