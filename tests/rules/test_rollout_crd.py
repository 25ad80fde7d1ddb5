"""rollout-crd: the Rollout CRD must be in the list, serving v1alpha1 (unless requireCRD is false)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import rollout_crd

from ruletest import CRD, Found, deployment, found

MISSING = (
    "CustomResourceDefinition rollouts.argoproj.io is not in the list, so nothing was converted: add the Argo Rollouts CRD to "
    "the resources (e.g. https://github.com/argoproj/argo-rollouts/raw/v1.10.2/manifests/crds/rollout-crd.yaml), or set "
    "requireCRD to false in the function config if another application installs Argo Rollouts"
)


def _serving(*versions: str) -> dict[str, Any]:
    crd = copy.deepcopy(CRD)
    crd["spec"]["versions"] = [{"name": v, "served": True, "storage": i == 0} for i, v in enumerate(versions)]
    return crd


CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("in the list", [CRD, deployment()], {}, []),
    ("missing", [deployment()], {}, [("error", None, MISSING)]),
    ("missing, not required", [deployment()], {"requireCRD": False}, []),
    ("nothing to convert", [], {}, []),
    (
        "not serving v1alpha1",
        [_serving("v1beta1"), deployment()],
        {},
        [
            (
                "error",
                "spec.versions",
                "does not serve v1alpha1 (serves: v1beta1), so nothing was converted: declare a CRD that serves v1alpha1, "
                "such as Argo Rollouts v1.10.2's",
            )
        ],
    ),
    ("serving it among others", [_serving("v1beta1", "v1alpha1"), deployment()], {}, []),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rollout_crd(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(rollout_crd, items, spec) == expected
