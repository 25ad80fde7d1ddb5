"""What Argo Rollouts serves: the Rollout kind, and the CRD that declares it."""

from __future__ import annotations

from ...provider_api import CRD, Kind

ROLLOUT = Kind("argoproj.io/v1alpha1", "Rollout")
ROLLOUT_CRD = CRD(
    "rollouts.argoproj.io", "v1alpha1", "https://github.com/argoproj/argo-rollouts/raw/v1.10.2/manifests/crds/rollout-crd.yaml"
)
