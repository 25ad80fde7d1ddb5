"""null-fields: a null the Rollout CRD's schema refuses is left out of the Rollout (an info), and named in one
already in the list; which schema: the CRD's in the list, else the pinned release's."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import null_fields

from ruletest import CRD, Found, deployment, found, rollout

LEFT_OUT = (
    "null where the Rollout CRD's schema allows none: left out of the Rollout, which server-side apply "
    "would refuse with it (create drops it too)"
)
MOUNTS = "spec.template.spec.containers[0].volumeMounts"


def _with_nulls(**container: Any) -> dict[str, Any]:
    made = deployment()
    made["spec"]["template"]["spec"]["containers"][0].update(container)
    return made


def _crd_with(volume_mounts: dict[str, Any]) -> dict[str, Any]:
    """A CRD in the list whose schema says only what `volumeMounts` is."""
    crd = copy.deepcopy(CRD)
    free = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    container = {**free, "properties": {"volumeMounts": volume_mounts}}
    pod = {**free, "properties": {"containers": {"type": "array", "items": container}}}
    spec = {**free, "properties": {"template": {**free, "properties": {"spec": pod}}}}
    crd["spec"]["versions"][0]["schema"] = {"openAPIV3Schema": {**free, "properties": {"spec": spec}}}
    return crd


CASES: list[tuple[str, list[dict[str, Any]], Found]] = [
    ("no null", [deployment()], []),
    ("a typed list (the pinned schema)", [_with_nulls(volumeMounts=None)], [("info", MOUNTS, LEFT_OUT)]),
    (
        "a string, an integer, a map",
        [
            deployment(
                revisionHistoryLimit=None,
                template={
                    "metadata": {"labels": {"app": "web"}, "annotations": None},
                    "spec": {"containers": [{"name": "app", "image": None}], "terminationGracePeriodSeconds": None},
                },
            )
        ],
        [
            ("info", "spec.template.metadata.annotations", LEFT_OUT),
            ("info", "spec.template.spec.containers[0].image", LEFT_OUT),
            ("info", "spec.template.spec.terminationGracePeriodSeconds", LEFT_OUT),
            ("info", "spec.revisionHistoryLimit", LEFT_OUT),
        ],
    ),
    (
        "a field the schema leaves untyped",
        [
            deployment(
                template={
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "x", "resources": {"limits": None}}], "volumes": None},
                }
            )
        ],
        [],
    ),
    ("a defaulted field", [_with_nulls(ports=[{"containerPort": 80, "protocol": None}])], []),
    (
        "in metadata, which the schema does not cover",
        [{**deployment(), "metadata": {"name": "web", "namespace": "shop", "labels": None}}],
        [],
    ),
    ("the list's CRD types it", [_crd_with({"type": "array"}), _with_nulls(volumeMounts=None)], [("info", MOUNTS, LEFT_OUT)]),
    ("the list's CRD allows it", [_crd_with({"type": "array", "nullable": True}), _with_nulls(volumeMounts=None)], []),
    ("the list's CRD does not declare it", [_crd_with({"type": "array"}), _with_nulls(args=None)], []),
]


@pytest.mark.parametrize(("items", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_null_fields(items: list[dict[str, Any]], expected: Found) -> None:
    assert found(null_fields, items) == expected


def test_a_rollout_already_in_the_list_with_one() -> None:
    existing = rollout()
    existing["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = None
    message = (
        "null where the Rollout CRD's schema allows none: server-side apply (Argo CD's ServerSideApply, Helm "
        "4) refuses this Rollout; leave the field out"
    )
    assert found(null_fields, [existing], existing=True) == [("warning", MOUNTS, message)]
