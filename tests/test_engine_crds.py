"""The policy engines' own CRD schemas (tests/engine_crds.py) accept a well-formed Kyverno policy and
Gatekeeper constraint that match Deployments, and refuse kinds given as a string, not a list."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine_crds import crd_schema, engine_crds
from rollout_schema import RolloutSchema

KYVERNO_VERSIONS = ("v1", "v2beta1")


def kyverno_policy(kind: str, kinds: Any) -> dict[str, Any]:
    return {
        "apiVersion": "kyverno.io/v1",
        "kind": kind,
        "metadata": {"name": "require-app-label"},
        "spec": {
            "background": False,
            "rules": [
                {
                    "name": "require-app-label",
                    "match": {"any": [{"resources": {"kinds": kinds}}]},
                    "validate": {"message": "label app is required", "pattern": {"metadata": {"labels": {"app": "?*"}}}},
                }
            ],
        },
    }


def constraint(match: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": "K8sRequiredLabels",
        "metadata": {"name": "deployments-must-have-app"},
        "spec": {"enforcementAction": "deny", "match": match, "parameters": {"labels": ["app"]}},
    }


@pytest.fixture(scope="module", params=[(file, version) for file in ("clusterpolicies", "policies") for version in KYVERNO_VERSIONS])
def kyverno(request: pytest.FixtureRequest) -> tuple[str, RolloutSchema]:
    """(kind, schema) of each served version of the ClusterPolicy and Policy CRDs."""
    file, version = request.param
    crds = engine_crds()
    path = crds.kyverno_clusterpolicies if file == "clusterpolicies" else crds.kyverno_policies
    return ("ClusterPolicy" if file == "clusterpolicies" else "Policy"), crd_schema(path, version)


@pytest.fixture(scope="module")
def gatekeeper() -> RolloutSchema:
    return crd_schema(engine_crds().gatekeeper_constraint, "v1beta1")


@pytest.mark.parametrize(
    "kinds",
    [
        ["Deployment"],
        ["apps/v1/Deployment", "Deployment/scale"],
        # The schema says only "a list of strings": the group/version/Kind form is Kyverno's own
        # (kubeutils.ParseKindSelector), resolved by its webhook through discovery, not by the schema.
        ["argoproj.io/v1alpha1/Rollout"],
    ],
)
def test_kyverno_policy_matching_kinds_is_accepted(kyverno: tuple[str, RolloutSchema], kinds: list[str]) -> None:
    kind, schema = kyverno
    assert schema.problems(kyverno_policy(kind, kinds)) == []


@pytest.mark.parametrize("kinds", ["Deployment", [["Deployment"]], [{"kind": "Deployment"}]])
def test_kyverno_policy_kinds_not_a_list_of_strings_is_refused(kyverno: tuple[str, RolloutSchema], kinds: Any) -> None:
    kind, schema = kyverno
    problems = schema.problems(kyverno_policy(kind, kinds))
    assert problems
    assert all("spec.rules.0.match.any.0.resources.kinds" in problem for problem in problems), problems


def test_kyverno_unknown_field_would_be_pruned(kyverno: tuple[str, RolloutSchema]) -> None:
    kind, schema = kyverno
    policy = kyverno_policy(kind, ["Deployment"])
    resources = policy["spec"]["rules"][0]["match"]["any"][0]["resources"]
    resources["kind"] = resources.pop("kinds")
    assert [problem.split("] ", 1)[1] for problem in schema.problems(policy)] == [
        "spec.rules[0].match.any[0].resources.kind: unknown to the schema, the API server would prune it"
    ]


def test_gatekeeper_constraint_matching_deployments_is_accepted(gatekeeper: RolloutSchema) -> None:
    match = {"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}], "excludedNamespaces": ["kube-*"]}
    accepted = constraint(match)
    accepted["metadata"]["labels"] = {"team": "platform"}  # metadata is ObjectMeta: not pruned by the schema
    assert gatekeeper.problems(accepted) == []


def test_gatekeeper_constraint_name_longer_than_63_is_refused(gatekeeper: RolloutSchema) -> None:
    refused = constraint({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}]})
    refused["metadata"]["name"] = "x" * 64
    assert [problem.split("] ", 1)[1] for problem in gatekeeper.problems(refused)] == [f"metadata.name: '{'x' * 64}' is too long"]


@pytest.mark.parametrize(
    ("kinds", "where"),
    [
        ("Deployment", "spec.match.kinds"),
        ([{"apiGroups": ["apps"], "kinds": "Deployment"}], "spec.match.kinds.0.kinds"),
        ([{"apiGroups": "apps", "kinds": ["Deployment"]}], "spec.match.kinds.0.apiGroups"),
    ],
)
def test_gatekeeper_constraint_kinds_as_a_string_is_refused(gatekeeper: RolloutSchema, kinds: Any, where: str) -> None:
    problems = gatekeeper.problems(constraint({"kinds": kinds}))
    assert problems
    assert all(f"] {where}: " in problem for problem in problems), problems


def test_gatekeeper_unknown_match_field_would_be_pruned(gatekeeper: RolloutSchema) -> None:
    good = constraint({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}]})
    typo = copy.deepcopy(good)
    typo["spec"]["match"]["kinds"][0]["kind"] = typo["spec"]["match"]["kinds"][0].pop("kinds")
    assert gatekeeper.problems(good) == []
    assert [problem.split("] ", 1)[1] for problem in gatekeeper.problems(typo)] == [
        "spec.match.kinds[0].kind: unknown to the schema, the API server would prune it"
    ]
