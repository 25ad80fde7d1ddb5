"""pod-template: the Rollout's template is one the CRD accepts, running the same pods; a change a warning, none possible an error."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import pod_template

from ruletest import Found, deployment, found, rollout


def _with(**pod: Any) -> dict[str, Any]:
    container = {"name": "app", "image": "x", **pod.pop("container", {})}
    template: dict[str, Any] = {
        "metadata": {"labels": {"app": "web"}, **pod.pop("metadata", {})},
        "spec": {"containers": [container], **pod},
    }
    return deployment(template=template)


ENV = "spec.template.spec.containers[0].env"
PORTS = "spec.template.spec.containers[0].ports"
CASES: list[tuple[str, dict[str, Any], Found]] = [
    ("nothing to change", _with(container={"env": [{"name": "A", "value": "1"}]}), []),
    (
        "a repeated env name",
        _with(container={"env": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]}),
        [("warning", f"{ENV}[0]", f"dropped: A is set again at {ENV}[1], the value the container gets")],
    ),
    (
        "a repeated env name referred to in between",
        _with(container={"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "$(A)-x"}, {"name": "A", "value": "2"}]}),
        [("error", f"{ENV}[0]", f"A is set twice and {ENV}[1] refers to the first value; the Rollout CRD takes one entry per name")],
    ),
    (
        "a port listed twice the same way",
        _with(container={"ports": [{"containerPort": 80}, {"containerPort": 80, "protocol": "TCP"}]}),
        [("warning", f"{PORTS}[1]", f"dropped: the same port 80/TCP as {PORTS}[0]")],
    ),
    (
        "a port listed twice differently",
        _with(container={"ports": [{"containerPort": 80, "name": "a"}, {"containerPort": 80, "name": "b"}]}),
        [("error", f"{PORTS}[1]", f"port 80/TCP is also {PORTS}[0], set differently: the Rollout CRD accepts one entry per port")],
    ),
    (
        "two hostAliases for one IP",
        _with(hostAliases=[{"ip": "10.0.0.1", "hostnames": ["a"]}, {"ip": "10.0.0.1", "hostnames": ["b"]}]),
        [("warning", "spec.template.spec.hostAliases[1]", "merged into spec.template.spec.hostAliases[0]: the same IP 10.0.0.1")],
    ),
    (
        "a repeated pull secret",
        _with(imagePullSecrets=[{"name": "reg"}, {"name": "reg"}]),
        [("warning", "spec.template.spec.imagePullSecrets[1]", "dropped: reg is listed before")],
    ),
    (
        "template metadata a pod never gets",
        _with(metadata={"creationTimestamp": None}),
        [("warning", "spec.template.metadata.creationTimestamp", "dropped: a pod never gets it, and the Rollout CRD has no such field")],
    ),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pod_template(item: dict[str, Any], expected: Found) -> None:
    assert found(pod_template, [item]) == expected


def test_a_rollout_already_in_the_list_carries_what_the_crd_refuses() -> None:
    env = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "x", "env": env}]}}
    assert found(pod_template, [rollout(template=template)], {"checkExisting": "error"}, existing=True) == [
        ("error", f"{ENV}[0]", f"A is set again at {ENV}[1]: the Rollout CRD refuses a repeated env name")
    ]
