"""The test judge: would the API server and the Argo Rollouts controller accept these objects?

Runs .tools/bin/rollout-validate (tests/go/rollout-validate, built by scripts/build-go-tool.sh)
once per batch. It validates every argoproj.io/v1alpha1 Rollout against each Rollout CRD given
(pruning, defaulting, schema, list-map uniqueness, metadata; as created and as server-side applied,
which has its errors prefixed "server-side apply: "; then the controller's own validation);
every v1 Service, rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding,
and admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding
with Kubernetes' own validation of that kind (for a policy, its CEL expressions compiled); and every
object of a kind one of `schema_crds` defines against that CRD, as created (pruning, defaulting,
schema and CEL rules; in a version the CRD does not serve, refused). Other objects are ignored.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from krm_fn import yamlio

from conftest import REPO, SHARED, require_tool

VALIDATOR = REPO / ".tools" / "bin" / "rollout-validate"
CRD_V1_9_1 = SHARED / "argo-rollouts" / "rollout-crd-v1.9.1.yaml"
CRD_V1_10_2 = SHARED / "argo-rollouts" / "rollout-crd-v1.10.2.yaml"
CRDS = (CRD_V1_9_1, CRD_V1_10_2)


Objects = list[dict[str, Any]] | str
"""Objects as loaded by krm_fn.yamlio (or plain dicts), or YAML text such as the function's output."""


Paths = tuple[Path, ...] | list[Path]


def run_validator(objects: Objects, crds: Paths = CRDS, schema_crds: Paths = ()) -> list[dict[str, Any]]:
    """One JSON report per Rollout and CRD, per custom resource and schema CRD, and per other object judged, in input order."""
    binary = require_tool("rollout-validate", str(VALIDATOR))
    for crd in crds:
        if not Path(crd).exists():
            pytest.fail(f"the upstream Rollout CRD is missing: {crd}")
    # yamlio writes every value so that YAML 1.1 readers (kubectl, and this judge) read what was meant.
    stream = objects if isinstance(objects, str) else "".join("---\n" + yamlio.dump(obj) for obj in objects)
    args = [binary] + [f"--crd={crd}" for crd in crds] + [f"--schema-crd={crd}" for crd in schema_crds] + ["-"]
    proc = subprocess.run(args, input=stream, capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1):
        pytest.fail(f"rollout-validate could not read its input (exit {proc.returncode}):\n{proc.stderr}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def describe(report: dict[str, Any]) -> str:
    where = f"{report['namespace']}/{report['name']}" if report["namespace"] else report["name"]
    crd = f" [{report['crd']}]" if report.get("crd") else ""
    return f"{report['kind']} {where}{crd}"


def validate(objects: Objects, crds: Paths = CRDS, schema_crds: Paths = ()) -> list[str]:
    """Every reason the objects would be refused, as '<Kind> <namespace>/<name> [<crd>]: <field>: <message>'."""
    return [f"{describe(r)}: {error}" for r in run_validator(objects, crds, schema_crds) for error in r["errors"]]


def assert_accepted(objects: Objects, crds: Paths = CRDS, schema_crds: Paths = ()) -> None:
    problems = validate(objects, crds, schema_crds)
    assert not problems, "rejected by the API server or the Argo Rollouts controller:\n" + "\n".join(problems)
