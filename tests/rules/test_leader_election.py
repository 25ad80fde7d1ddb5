"""leader-election: evidence of an election, and the plan or the warning each mode gives."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.providers.argo_rollouts.rules import leader_election

from ruletest import Found, deployment, found

HANDOVER = (
    "one canary pod starts and gets Ready as a standby, then every pod is new so the old leader goes and the lease passes,"
    " and the new version leads until you promote; an abort brings the old version back"
)
STANDBY = "its canary runs the new version as a standby the stable leader keeps the lease from, so it tests nothing of its controllers"


def _with(replicas: int = 2, annotations: dict[str, str] | None = None, **container: Any) -> dict[str, Any]:
    made = deployment(replicas=replicas)
    made["spec"]["template"]["spec"]["containers"][0].update(container)
    if annotations:
        made["metadata"]["annotations"] = annotations
    return made


def _rbac(verbs: list[str], binding: str = "RoleBinding") -> list[dict[str, Any]]:
    role_kind = "Role" if binding == "RoleBinding" else "ClusterRole"
    role: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": role_kind,
        "metadata": {"name": "lease", **({"namespace": "shop"} if role_kind == "Role" else {})},
        "rules": [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": verbs}],
    }
    bound: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": binding,
        "metadata": {"name": "lease", **({"namespace": "shop"} if binding == "RoleBinding" else {})},
        "roleRef": {"kind": role_kind, "name": "lease"},
        "subjects": [{"kind": "ServiceAccount", "name": "default", **({} if binding == "RoleBinding" else {"namespace": "shop"})}],
    }
    return [role, bound]


def _planned(evidence: str, steps: str) -> tuple[str, str, str]:
    return ("warning", "spec.strategy.canary.steps", f"leader-elected ({evidence}): planned as a handover ({steps}): {HANDOVER}")


CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], Found]] = [
    ("no election", [_with(args=["--port=8080"])], {}, []),
    ("a flag", [_with(args=["--leader-elect"])], {}, [_planned("--leader-elect in containers[0]", "setWeight 33, setWeight 100, pause")]),
    ("a flag set false", [_with(args=["--leader-elect=false"])], {}, []),
    (
        "a flag with its lease, at 1 replica",
        [_with(replicas=1, command=["/manager", "--leader-election-id", "web.example.dev"])],
        {},
        [_planned("--leader-election-id=web.example.dev in containers[0]", "setWeight 50, setWeight 100, pause")],
    ),
    (
        "env",
        [_with(env=[{"name": "WEB_LEADER_ELECTION", "value": "true"}])],
        {},
        [_planned("env WEB_LEADER_ELECTION=true in containers[0]", "setWeight 33, setWeight 100, pause")],
    ),
    ("env set false", [_with(env=[{"name": "WEB_LEADER_ELECT", "value": "false"}])], {}, []),
    (
        "a Role that grants updating leases",
        [deployment(), *_rbac(["get", "update"])],
        {},
        [_planned("Role lease lets ServiceAccount default update leases (RoleBinding lease)", "setWeight 33, setWeight 100, pause")],
    ),
    (
        "a ClusterRole, bound cluster-wide",
        [deployment(), *_rbac(["*"], "ClusterRoleBinding")],
        {},
        [
            _planned(
                "ClusterRole lease lets ServiceAccount default update leases (ClusterRoleBinding lease)",
                "setWeight 33, setWeight 100, pause",
            )
        ],
    ),
    ("a role that only reads leases", [deployment(), *_rbac(["get", "watch"])], {}, []),
    ("the annotation says false", [_with(args=["--leader-elect"], annotations={"delivery.krm-fn.dev/leader-elected": "false"})], {}, []),
    (
        "the config says true",
        [deployment()],
        {"leaderElected": {"web": True}},
        [_planned("leaderElected.web: true in the config", "setWeight 33, setWeight 100, pause")],
    ),
    (
        "analysis steps stay, before the pause",
        [_with(args=["--leader-elect"])],
        {"canarySteps": [{"setWeight": 20}, {"analysis": {"templates": [{"templateName": "smoke"}]}}, {"pause": {}}]},
        [_planned("--leader-elect in containers[0]", "setWeight 33, setWeight 100, analysis, pause")],
    ),
    (
        "keep",
        [_with(args=["--leader-elect"])],
        {"leaderElection": "keep"},
        [
            (
                "warning",
                "spec.strategy.canary.steps",
                (
                    f"leader-elected (--leader-elect in containers[0]): {STANDBY} (leaderElection: keep; handover would plan one in which "
                    f"it leads)"
                ),
            )
        ],
    ),
    (
        "error",
        [_with(args=["--leader-elect"])],
        {"leaderElection": "error"},
        [
            (
                "error",
                "spec.strategy.canary.steps",
                f"leader-elected (--leader-elect in containers[0]): {STANDBY} (leaderElection: handover would plan one in which it leads)",
            )
        ],
    ),
]


@pytest.mark.parametrize(("items", "spec", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_leader_election(items: list[dict[str, Any]], spec: dict[str, Any], expected: Found) -> None:
    assert found(leader_election, items, spec) == expected
