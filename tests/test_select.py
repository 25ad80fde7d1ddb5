"""Which Deployments are converted: the selector's parts, the opt-out annotation, local config."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.config.models import Selector
from krm_fn.resource import Resource
from krm_fn.select import is_selected


def _deployment(name: str = "web", namespace: str = "shop", api_version: str = "apps/v1", **annotations: str) -> Resource:
    meta = {"name": name, "namespace": namespace, "labels": {"team": "a", "tier": "front"}, "annotations": annotations}
    return Resource({"apiVersion": api_version, "kind": "Deployment", "metadata": meta})


CASES: list[tuple[dict[str, Any], Resource, bool]] = [
    ({}, _deployment(), True),
    ({"names": ["web"]}, _deployment(), True),
    ({"names": ["api"]}, _deployment(), False),
    ({"namespaces": ["shop", "other"]}, _deployment(), True),
    ({"namespaces": ["other"]}, _deployment(), False),
    ({"matchLabels": {"team": "a"}}, _deployment(), True),
    ({"matchLabels": {"team": "a", "tier": "back"}}, _deployment(), False),
    ({"names": ["web"], "namespaces": ["other"]}, _deployment(), False),  # ANDed
    ({}, _deployment(api_version="extensions/v1beta1"), False),
    ({}, _deployment(**{"delivery.krm-fn.dev/skip": "true"}), False),
    ({}, _deployment(**{"delivery.krm-fn.dev/skip": "false"}), True),
    ({"names": ["web"]}, _deployment(**{"config.kubernetes.io/local-config": "true"}), False),
]


@pytest.mark.parametrize(("selector", "deployment", "selected"), CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_is_selected(selector: dict[str, Any], deployment: Resource, selected: bool) -> None:
    assert is_selected(deployment, Selector(**selector)) is selected


def test_only_deployments() -> None:
    service = Resource({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}})
    assert not is_selected(service, Selector())
