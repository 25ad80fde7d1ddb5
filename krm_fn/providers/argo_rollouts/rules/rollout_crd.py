"""rollout-crd: the Rollout CRD must be declared in the list, serving `v1alpha1`.

Without it the cluster rejects every Rollout (or, worse, an Argo CD sync half-applies).
When Argo Rollouts is installed by another application, set `spec.requireCRD: false`.
Checked only when something is to be converted.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....resource import Resource
from ....results import Result, error
from ..plan import ArgoContext

ID = "rollout-crd"
TRAITS = Traits(per_target=False)


def served_versions(crd: Resource) -> list[str]:
    versions = crd.get("spec", "versions")
    if isinstance(versions, list):
        return [str(v.get("name")) for v in versions if isinstance(v, dict) and v.get("served", False) is True]
    legacy = crd.get("spec", "version")  # apiextensions.k8s.io/v1beta1: one version, always served
    return [str(legacy)] if legacy else []


def check(ctx: ArgoContext) -> Iterator[Result]:
    if not ctx.targets or not ctx.spec.requireCRD:
        return
    required = ctx.provider.crd
    # Without their schemas: a CRD's are most of its text, and nothing here reads them.
    crds = [
        r.without("schema") for r in ctx.inventory.of_kind("apiextensions.k8s.io", "CustomResourceDefinition") if r.name == required.name
    ]
    if not crds:
        yield error(
            f"CustomResourceDefinition {required.name} is not in the list, so nothing was converted: "
            f"add the Argo Rollouts CRD to the resources (e.g. {required.source}), "
            "or set requireCRD to false in the function config if another application installs Argo Rollouts",
            rule=ID,
        )
        return
    if not any(required.version in served_versions(crd) for crd in crds):
        served = ", ".join(sorted({v for crd in crds for v in served_versions(crd)})) or "none"
        yield error(
            f"does not serve {required.version} (serves: {served}), so nothing was converted: "
            f"declare a CRD that serves {required.version}, such as Argo Rollouts v1.10.2's",
            crds[0],
            "spec.versions",
            ID,
        )
