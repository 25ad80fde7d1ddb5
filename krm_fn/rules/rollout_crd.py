"""rollout-crd: the Rollout CRD must be declared in the list, serving `v1alpha1`.

Without it the cluster rejects every Rollout (or, worse, an Argo CD sync half-applies).
When Argo Rollouts is installed by another application, set `spec.requireCRD: false`.
Checked only when something is to be converted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..fields import get_map
from ..results import Result, error
from ..select import name_of
from . import Context

ID = "rollout-crd"
CRD_NAME = "rollouts.argoproj.io"
VERSION = "v1alpha1"
UPSTREAM = "https://github.com/argoproj/argo-rollouts/raw/v1.9.1/manifests/crds/rollout-crd.yaml"
HOW = (
    f"add the Argo Rollouts CRD to the resources (e.g. {UPSTREAM}), "
    "or set requireCRD to false in the function config if another application installs Argo Rollouts"
)


def is_rollout_crd(item: dict[str, Any]) -> bool:
    return (
        str(item.get("apiVersion", "")).startswith("apiextensions.k8s.io/")
        and item.get("kind") == "CustomResourceDefinition"
        and name_of(item) == CRD_NAME
    )


def served_versions(crd: dict[str, Any]) -> list[str]:
    spec = get_map(crd, "spec")
    versions = spec.get("versions")
    if isinstance(versions, list):
        return [str(v.get("name")) for v in versions if isinstance(v, dict) and v.get("served", False) is True]
    legacy = spec.get("version")  # apiextensions.k8s.io/v1beta1: one version, always served
    return [str(legacy)] if legacy else []


def check(ctx: Context) -> Iterator[Result]:
    if not ctx.targets or not ctx.spec.requireCRD:
        return
    crds = [item for item in ctx.items if is_rollout_crd(item)]
    if not crds:
        yield error(f"CustomResourceDefinition {CRD_NAME} is not in the list, so nothing was converted: {HOW}", rule=ID)
        return
    if not any(VERSION in served_versions(crd) for crd in crds):
        served = ", ".join(sorted({v for crd in crds for v in served_versions(crd)})) or "none"
        yield error(
            f"does not serve {VERSION} (serves: {served}), so nothing was converted: "
            f"declare a CRD that serves {VERSION}, such as Argo Rollouts v1.9.1's",
            crds[0],
            "spec.versions",
            ID,
        )
