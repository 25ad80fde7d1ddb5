"""The reference finder, shape by shape: what each reads as a reference to a converted Deployment, in
which namespace, and what it does with it (the golden cases `references-*` show whole lists)."""

from __future__ import annotations

from typing import Any

import pytest

from krm_fn.inventory import Inventory
from krm_fn.providers.argo_rollouts.replacement import REPLACEMENT
from krm_fn.references import commands, handle
from krm_fn.references.kyverno import read_kind
from krm_fn.resource import Resource

GONE = {("shop", "api")}


def _item(api_version: str, kind: str, name: str, namespace: str = "", **rest: Any) -> dict[str, Any]:
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **rest}


def _deployment(name: str = "api", namespace: str = "shop") -> dict[str, Any]:
    return _item("apps/v1", "Deployment", name, namespace, spec={"selector": {"matchLabels": {"app": name}}})


def _run(*items: dict[str, Any], mode: Any = "retarget") -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    resources = [Resource(item) for item in (_deployment(), *items)]
    output, results = handle(resources, set(GONE), REPLACEMENT, Inventory(resources), mode)
    said: list[tuple[str, str, str]] = [
        (r.severity, f"{r.resource.kind if r.resource else ''} {r.resource.name if r.resource else ''}", r.message) for r in results
    ]
    return [resource.obj for resource in output[1:]], said


@pytest.mark.parametrize(
    ("command", "namespace"),
    [
        ("kubectl rollout restart deployment/api", None),
        ("kubectl -n shop rollout restart deploy/api", "shop"),
        ("kubectl --namespace shop rollout status deployments/api", "shop"),
        ("kubectl --namespace=shop get deployment.apps/api", "shop"),
        ("kubectl -nshop scale deployment api --replicas 3", "shop"),
        ("/usr/local/bin/kubectl rollout undo Deployment/api -n=shop", "shop"),
    ],
)
def test_kubectl_names_the_deployment_and_its_namespace(command: str, namespace: str | None) -> None:
    (named,) = [n for words in commands.split_commands(command) for n in commands.kubectl(words)]
    assert (named.name, named.namespace) == ("api", namespace)


@pytest.mark.parametrize(
    "text",
    [
        "kubectl get pods -l app=api",
        "kubectl rollout restart statefulset/api",
        "echo deployment-api/x mydeploy/api",
        "kubectl get deploy",  # every Deployment, none by name
        "kubectl create configmap api --from-literal=a=b",
    ],
)
def test_not_a_reference_by_name(text: str) -> None:
    found = [n.name for words in commands.split_commands(text) for n in commands.kubectl(words)]
    found += [n.name for n in commands.free_text(text)]
    assert found == []


def test_a_command_in_another_namespace_is_not_the_converted_deployment() -> None:
    job = _item(
        "batch/v1",
        "Job",
        "j",
        "shop",
        spec={
            "template": {"spec": {"containers": [{"name": "k", "args": ["kubectl", "-n", "billing", "rollout", "restart", "deploy/api"]}]}}
        },
    )
    assert _run(job)[1] == []
    job["spec"]["template"]["spec"]["containers"][0]["args"][2] = "shop"
    assert [severity for severity, _, _ in _run(job)[1]] == ["warning"]


def _role(kind: str, namespace: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return _item("rbac.authorization.k8s.io/v1", kind, "r", namespace, rules=rules)


def _binding(kind: str, namespace: str, role: str = "r") -> dict[str, Any]:
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}
    return _item("rbac.authorization.k8s.io/v1", kind, "b", namespace, roleRef=ref, subjects=[])


GRANT = {"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "resourceNames": ["api"], "verbs": ["get", "patch"]}
ADDED = {"apiGroups": ["argoproj.io"], "resources": ["rollouts", "rollouts/scale"], "resourceNames": ["api"], "verbs": ["get", "patch"]}


@pytest.mark.parametrize(
    ("items", "rules_after", "severity"),
    [
        ([_role("Role", "shop", [GRANT])], [GRANT, ADDED], "info"),
        ([_role("Role", "billing", [GRANT])], [GRANT], None),  # a Role grants in its own namespace only
        ([_role("ClusterRole", "", [GRANT]), _binding("RoleBinding", "shop")], [GRANT, ADDED], "info"),
        ([_role("ClusterRole", "", [GRANT]), _binding("RoleBinding", "billing")], [GRANT], None),
        ([_role("ClusterRole", "", [GRANT]), _binding("ClusterRoleBinding", "")], [GRANT, ADDED], "info"),
        ([_role("ClusterRole", "", [GRANT])], [GRANT], "warning"),  # bound nowhere in the list
        ([_role("Role", "shop", [{**GRANT, "resourceNames": ["web"]}])], [{**GRANT, "resourceNames": ["web"]}], None),
        (
            [_role("Role", "shop", [{**GRANT, "apiGroups": ["*"], "resources": ["*"]}])],
            [{**GRANT, "apiGroups": ["*"], "resources": ["*"]}],
            None,
        ),
        ([_role("Role", "shop", [GRANT, ADDED])], [GRANT, ADDED], None),  # granted already
    ],
)
def test_rbac_reads_the_namespaces_a_role_reaches(items: list[dict[str, Any]], rules_after: list[Any], severity: str | None) -> None:
    output, said = _run(*items)
    assert output[0]["rules"] == rules_after
    assert [s for s, _, _ in said] == ([severity] if severity else [])


def test_warn_changes_nothing_and_says_the_rule() -> None:
    output, said = _run(_role("Role", "shop", [GRANT]), mode="warn")
    assert output[0]["rules"] == [GRANT]
    assert said[0][0] == "warning" and "add a rule {apiGroups: [argoproj.io], resources: [rollouts, rollouts/scale]" in said[0][2]
    assert _run(_role("Role", "shop", [GRANT]), mode="off")[1] == []


@pytest.mark.parametrize(
    ("entry", "read"),
    [
        ("Deployment", ("*", "Deployment", "")),
        ("v1/Deployment", ("*", "Deployment", "")),
        ("apps/v1/Deployment", ("apps", "Deployment", "")),
        ("apps/*/Deployment", ("apps", "Deployment", "")),
        ("Deployment/scale", ("*", "Deployment", "scale")),
        ("v1/Deployment/scale", ("*", "Deployment", "scale")),
        ("apps/v1/Deployment/scale", ("apps", "Deployment", "scale")),
        ("a/b/c/d/e", None),
    ],
)
def test_kyverno_kinds(entry: str, read: tuple[str, str, str] | None) -> None:
    assert read_kind(entry) == read


def _kyverno(kinds: list[str], **resources: Any) -> dict[str, Any]:
    match = {"any": [{"resources": {"kinds": kinds, **resources}}]}
    return _item("kyverno.io/v1", "ClusterPolicy", "p", spec={"rules": [{"name": "r", "match": match}]})


@pytest.mark.parametrize(
    ("policy", "covered"),
    [
        (_kyverno(["Deployment"]), True),
        (_kyverno(["Pod"]), False),
        (_kyverno(["Deployment"], namespaces=["sho?"]), True),
        (_kyverno(["Deployment"], namespaces=["billing"]), False),
        (_kyverno(["Deployment"], names=["a*"]), True),
        (_kyverno(["Deployment"], names=["web"]), False),
        (_kyverno(["Deployment"], selector={"matchLabels": {"team": "x"}}), False),
        (_kyverno(["Deployment", "argoproj.io/v1alpha1/Rollout"]), False),  # covers the Rollout already
        (_kyverno(["Deployment"], annotations={"vault.hashicorp.com/agent-inject": "true"}), False),
    ],
)
def test_kyverno_match_gets_the_rollout_where_it_covers_the_deployment(policy: dict[str, Any], covered: bool) -> None:
    output, said = _run(policy)
    kinds = output[0]["spec"]["rules"][0]["match"]["any"][0]["resources"]["kinds"]
    assert ("argoproj.io/v1alpha1/Rollout" in kinds) == (
        covered or "argoproj.io/v1alpha1/Rollout" in policy["spec"]["rules"][0]["match"]["any"][0]["resources"]["kinds"]
    )
    assert len(said) == int(covered)


@pytest.mark.parametrize(
    ("expr", "found"),
    [
        ('kube_deployment_spec_replicas{deployment="api"}', True),
        ('kube_deployment_spec_replicas{namespace="shop",deployment="api"}', True),
        ('kube_deployment_spec_replicas{namespace="billing",deployment="api"}', False),
        ('kube_deployment_spec_replicas{deployment=~"a.*"}', True),
        ('kube_deployment_spec_replicas{deployment=~"(un"}', False),  # not a regular expression: selects nothing
        ('kube_deployment_spec_replicas{deployment!="api"}', False),
        ('kube_deployment_spec_replicas{deployment="api-canary"}', False),
        ('kube_statefulset_replicas{statefulset="api"}', False),
    ],
)
def test_promql_matchers(expr: str, found: bool) -> None:
    rule = _item(
        "monitoring.coreos.com/v1", "PrometheusRule", "p", "shop", spec={"groups": [{"name": "g", "rules": [{"alert": "a", "expr": expr}]}]}
    )
    assert len(_run(rule)[1]) == int(found)


def test_kyverno_subresource_match_gets_the_rollouts() -> None:
    output, said = _run(_kyverno(["Deployment/scale"]))
    assert output[0]["spec"]["rules"][0]["match"]["any"][0]["resources"]["kinds"] == [
        "Deployment/scale",
        "argoproj.io/v1alpha1/Rollout/scale",
    ]
    assert len(said) == 1


def test_an_unset_namespace_is_the_one_its_list_is_applied_to() -> None:
    """helm template leaves namespaces unset; kustomize or the install sets them, the same for all."""
    config = _item("v1", "ConfigMap", "scripts", data={"run.sh": "kubectl rollout restart deployment api"})
    assert [severity for severity, _, _ in _run(config)[1]] == ["warning"]
    assert _run(_role("Role", "", [GRANT]))[0][0]["rules"] == [GRANT, ADDED]
