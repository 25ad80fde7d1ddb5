"""The policy engines' own CRDs, for validating Kyverno and Gatekeeper policy objects.

scripts/fetch-engine-crds.sh (run by scripts/install-tools.sh --test-tools) puts them in
.tools/crds/, each checked against its pinned sha256: Kyverno's ClusterPolicy and Policy CRDs as
its release publishes them, and the CRD Gatekeeper creates for the constraints of its example
K8sRequiredLabels template (made by Gatekeeper's own code, tests/go/constraint-crd). An object is
checked against a version's openAPIV3Schema as the Rollouts are (rollout_schema.RolloutSchema:
nulls dropped, the schema, and fields the API server would prune).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import yaml

from conftest import REPO, unavailable
from rollout_schema import RolloutSchema

CRD_DIR = REPO / ".tools" / "crds"
KYVERNO_CLUSTERPOLICIES = CRD_DIR / "kyverno-clusterpolicies.yaml"
"""kyverno.io ClusterPolicy (served: v1, the stored version, and v2beta1)."""
KYVERNO_POLICIES = CRD_DIR / "kyverno-policies.yaml"
"""kyverno.io Policy, the namespaced form (served: v1 and v2beta1)."""
GATEKEEPER_CONSTRAINT = CRD_DIR / "gatekeeper-k8srequiredlabels-constraint.yaml"
"""constraints.gatekeeper.sh K8sRequiredLabels (served: v1beta1, the stored version, and v1alpha1);
its spec.match is the schema every constraint's match has, whatever its template."""


class EngineCRDs(NamedTuple):
    kyverno_clusterpolicies: Path
    kyverno_policies: Path
    gatekeeper_constraint: Path


ENGINE_CRDS = EngineCRDs(KYVERNO_CLUSTERPOLICIES, KYVERNO_POLICIES, GATEKEEPER_CONSTRAINT)


def engine_crds() -> EngineCRDs:
    """The CRD files: a failure under CI=true when one is missing, a skip elsewhere (as for a tool)."""
    missing = [path for path in ENGINE_CRDS if not path.is_file()]
    if missing:
        unavailable(f"the policy engines' CRDs are missing: {', '.join(map(str, missing))} (run scripts/fetch-engine-crds.sh)")
    return ENGINE_CRDS


def crd_schema(path: Path, version: str) -> RolloutSchema:
    """The openAPIV3Schema of one served version of the CRD in `path`, as a checker.

    `problems(obj)` lists what the API server would refuse or prune; `assert_valid(obj)` fails on any.
    The root is taken as the API server takes it, whatever the schema declares there: apiVersion and
    kind are strings it always keeps, and metadata is an ObjectMeta, never pruned by the schema (a
    constraint CRD's root lists only metadata.name, for its maxLength: that is still checked).
    """
    crd = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
    served: dict[str, Any] = {v["name"]: v for v in crd["spec"]["versions"] if v.get("served")}
    if version not in served:
        raise KeyError(f"{path.name} serves no version {version!r} (it serves {', '.join(served)})")
    schema = served[version]["schema"]["openAPIV3Schema"]
    properties = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, **schema.get("properties", {})}
    properties["metadata"] = {"type": "object", **properties.get("metadata", {}), "x-kubernetes-preserve-unknown-fields": True}
    return RolloutSchema({f"{path.name} {version}": {**schema, "properties": properties}})
