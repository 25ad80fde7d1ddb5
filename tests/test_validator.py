"""The test judge (tests/validator.py, tests/go/rollout-validate) accepts good objects and rejects bad ones.

test_golden.py (and the kustomize, kpt, container and property tests) run it over everything they produce.

Each rejection names the field, with the upstream message, for both Rollout CRDs (v1.9.1, v1.10.2); RBAC objects,
admission policies and objects of a kind a --schema-crd defines are judged with Kubernetes' own messages too.
"""

from __future__ import annotations

import copy
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from krm_fn import yamlio

from conftest import CRD_FILE, GOLDEN, require_tool, run_fn
from validator import CRD_V1_10_2, VALIDATOR, run_validator, validate

pytestmark = pytest.mark.judge


def items(case: str = "convert-all") -> list[dict[str, Any]]:
    """The function's output for a golden case, as a YAML 1.1 reader (kubectl) reads it."""
    run = run_fn((GOLDEN / case / "input.yaml").read_bytes())
    assert run.exit_code == 0, run.stderr
    loaded: list[dict[str, Any]] = yaml.safe_load(run.stdout)["items"]
    return loaded


def good(kind: str) -> dict[str, Any]:
    return copy.deepcopy(next(item for item in items() if item["kind"] == kind))


def container(rollout: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = rollout["spec"]["template"]["spec"]["containers"][0]
    return found


def canary(rollout: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = rollout["spec"]["strategy"]["canary"]
    return found


def typed(problem: str) -> str:
    """What server-side apply's typed conversion of the Rollout says."""
    return f"server-side apply: failed to create typed patch object (agents/agents; argoproj.io/v1alpha1, Kind=Rollout): {problem}"


NOT_ALL_RULES_CHECKED = (
    "server-side apply: <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; "
    "correct the existing errors to complete validation"
)


def pruned(path: str) -> str:
    return (
        f'{path}: unknown field "{path}": the API server prunes it, '
        "and strict field validation (kubectl apply's default) rejects the object"
    )


REJECTED: list[Any] = [
    pytest.param(
        "Rollout",
        lambda r: container(r).update(env=[{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]),
        [
            'spec.template.spec.containers[0].env[1]: Duplicate value: {"name":"A"}',
            typed('.spec.template.spec.containers[name="app"].env: duplicate entries for key [name="A"]'),
        ],
        id="duplicate-env",
    ),
    pytest.param(
        "Rollout",
        lambda r: container(r).update(ports=[{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 8080}]),
        [
            'spec.template.spec.containers[0].ports[1]: Duplicate value: {"containerPort":8080,"protocol":"TCP"}',
            typed('.spec.template.spec.containers[name="app"].ports: duplicate entries for key [containerPort=8080,protocol="TCP"]'),
        ],
        id="duplicate-port-protocol-defaulted",
    ),
    pytest.param(
        "Rollout",
        lambda r: r["spec"]["template"]["metadata"].update(name="agents", namespace="agents", creationTimestamp=None),
        [
            pruned("spec.template.metadata.creationTimestamp"),
            pruned("spec.template.metadata.name"),
            pruned("spec.template.metadata.namespace"),
            # The typed conversion stops at the first unknown field, in Go's map order: any of the three.
            re.compile(re.escape(typed(".spec.template.metadata.")) + "(creationTimestamp|name|namespace): field not declared in schema"),
        ],
        id="template-metadata-pruned",
    ),
    pytest.param(
        "Rollout",
        lambda r: canary(r).update(maxSurge=0, maxUnavailable=0),
        ["spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"],
        id="max-surge-and-unavailable-zero",
    ),
    pytest.param(
        "Rollout",
        lambda r: canary(r).update(canaryService="agents", stableService="agents"),
        [
            'spec.strategy.stableService: Invalid value: "agents": This rollout uses the same service for the '
            "stable and canary services, but two different services are required."
        ],
        id="canary-is-stable-service",
    ),
    pytest.param(
        "Rollout",
        lambda r: canary(r)["steps"].insert(0, {"setCanaryScale": {"replicas": 1}}),
        ["spec.strategy.trafficRouting: Required value: SetCanaryScale requires TrafficRouting to be set"],
        id="set-canary-scale-without-traffic-routing",
    ),
    pytest.param(
        "Rollout",
        lambda r: r["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/name": "other"}),
        [
            'spec.template.metadata.labels: Invalid value: {"app.kubernetes.io/component":"agents",'
            '"app.kubernetes.io/name":"agents"}: `selector` does not match template `labels`'
        ],
        id="selector-does-not-match-template",
    ),
    pytest.param(
        "Rollout",
        lambda r: r["spec"].update(minReadySeconds=30, progressDeadlineSeconds=30),
        ["spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"],
        id="progress-deadline-not-above-min-ready",
    ),
    pytest.param(
        "Rollout",
        lambda r: r["spec"].update(strategyType="Canary"),
        [
            pruned("spec.strategyType"),
            typed(".spec.strategyType: field not declared in schema"),
            "spec.strategyType: unknown field in v1alpha1.Rollout",
        ],
        id="unknown-spec-field",
    ),
    pytest.param(
        "Rollout",
        lambda r: r["metadata"].update(name="Agents_1"),
        [
            f'{prefix}metadata.name: Invalid value: "Agents_1": a lowercase RFC 1123 subdomain must consist of lower case '
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            for prefix in ("", "server-side apply: ")
        ],
        id="rollout-name",
    ),
    pytest.param(
        "Rollout",
        lambda r: container(r).update(volumeMounts=None),
        [
            'server-side apply: spec.template.spec.containers[0].volumeMounts: Invalid value: "null": '
            'spec.template.spec.containers[0].volumeMounts in body must be of type array: "null"',
            NOT_ALL_RULES_CHECKED,
        ],
        id="null-volume-mounts-server-side",
    ),
    pytest.param(
        "Service",
        lambda s: s["metadata"].update(name="a" * 64),
        [f'metadata.name: Invalid value: "{"a" * 64}": must be no more than 63 characters'],
        id="service-name-64",
    ),
    pytest.param(
        "Service",
        lambda s: s["spec"]["ports"].append({"name": "http", "port": 81, "targetPort": "http"}),
        ['spec.ports[1].name: Duplicate value: "http"'],
        id="service-duplicate-port-name",
    ),
]


def test_good_rollouts_and_services_are_accepted() -> None:
    reports = run_validator(items())
    assert [(r["kind"], r["name"], r.get("crd")) for r in reports] == [
        ("Service", "agents", None),
        ("Rollout", "agents", "rollout-crd-v1.9.1.yaml"),
        ("Rollout", "agents", "rollout-crd-v1.10.2.yaml"),
        ("Rollout", "agents-controllers", "rollout-crd-v1.9.1.yaml"),
        ("Rollout", "agents-controllers", "rollout-crd-v1.10.2.yaml"),
        ("Service", "agents-controllers", None),
    ]
    assert [r["errors"] for r in reports] == [[]] * 6


@pytest.mark.parametrize(("kind", "change", "expected"), REJECTED)
def test_rejected(kind: str, change: Callable[[dict[str, Any]], None], expected: list[str]) -> None:
    obj = good(kind)
    change(obj)
    reports = run_validator([obj])
    assert len(reports) == (2 if kind == "Rollout" else 1)
    for report in reports:
        errors = report["errors"]
        assert len(errors) == len(expected), (report.get("crd"), errors)
        for error, want in zip(errors, expected, strict=True):
            assert want.fullmatch(error) if isinstance(want, re.Pattern) else error == want, report.get("crd")


def test_workload_ref_template_is_taken_from_the_deployment_in_the_input() -> None:
    deployment = next(item for item in items("workload-ref") if item["kind"] == "Deployment")
    rollout = next(item for item in items("workload-ref") if item["kind"] == "Rollout")
    assert "template" not in rollout["spec"]
    assert validate([deployment, rollout]) == []
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = ""
    assert validate([deployment, rollout], [CRD_V1_10_2]) == [
        "Rollout agents/agents [rollout-crd-v1.10.2.yaml]: spec.template.spec.containers[0].image: Required value"
    ]
    [alone] = run_validator([rollout], [CRD_V1_10_2])
    assert alone["errors"] == []
    assert alone["notes"] == ['spec.workloadRef: Deployment "agents" is not in the input: its pod template was not validated']


@pytest.mark.parametrize("stdin", ["{", "- a list\n", "metadata: {name: no-kind}\n"])
def test_unusable_input_exits_2(stdin: str) -> None:
    binary = require_tool("rollout-validate", str(VALIDATOR))
    proc = subprocess.run([binary, f"--crd={CRD_V1_10_2}"], input=stdin, capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("rollout-validate: -: ")


def test_server_side_apply_takes_the_rollout_the_function_writes_for_a_null() -> None:
    """A Deployment's `volumeMounts: null` is left out of its Rollout, which server-side apply then takes; with it, refused."""
    source = yamlio.load((GOLDEN / "convert-all" / "input.yaml").read_text())
    source["items"][0] = yamlio.load(CRD_FILE.read_text())  # the real CRD in the list: its schema decides
    deployment = next(item for item in source["items"] if item["kind"] == "Deployment")
    container(deployment)["volumeMounts"] = None
    run = run_fn(yamlio.dump(source))
    assert run.exit_code == 0, run.stderr
    name = deployment["metadata"]["name"]
    rollout = next(item for item in yaml.safe_load(run.stdout)["items"] if item["kind"] == "Rollout" and item["metadata"]["name"] == name)
    assert "volumeMounts" not in container(rollout)
    assert validate([rollout]) == []
    container(rollout)["volumeMounts"] = None
    assert validate([rollout], [CRD_V1_10_2]) == [
        f"Rollout agents/{name} [rollout-crd-v1.10.2.yaml]: {problem}"
        for problem in (
            'server-side apply: spec.template.spec.containers[0].volumeMounts: Invalid value: "null": '
            'spec.template.spec.containers[0].volumeMounts in body must be of type array: "null"',
            NOT_ALL_RULES_CHECKED,
        )
    ]


def rbac(kind: str) -> dict[str, Any]:
    """The first object of an RBAC kind in a golden input (the function passes RBAC objects through as they are)."""
    source = yamlio.load((GOLDEN / "leader-by-rbac" / "input.yaml").read_text())
    return copy.deepcopy(next(item for item in source["items"] if item["kind"] == kind))


POLICIES: dict[str, dict[str, Any]] = {
    "ValidatingAdmissionPolicy": {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": "rollout-replicas"},
        "spec": {
            "matchConstraints": {
                "resourceRules": [
                    {
                        "apiGroups": ["argoproj.io"],
                        "apiVersions": ["v1alpha1"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": ["rollouts"],
                    }
                ]
            },
            "validations": [{"expression": "object.spec.replicas <= 10", "message": "at most 10 replicas"}],
        },
    },
    "ValidatingAdmissionPolicyBinding": {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": "rollout-replicas"},
        "spec": {"policyName": "rollout-replicas", "validationActions": ["Deny"]},
    },
}
BUILTIN_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", *POLICIES)


def builtin(kind: str) -> dict[str, Any]:
    return copy.deepcopy(POLICIES[kind]) if kind in POLICIES else rbac(kind)


def rule(obj: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = obj["rules"][0]
    return found


def policy_spec(obj: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = obj["spec"]
    return found


BUILTIN_REJECTED: list[Any] = [
    pytest.param(
        "Role",
        lambda r: rule(r).pop("verbs"),
        ["rules[0].verbs: Required value: verbs must contain at least one value"],
        id="role-rule-without-verbs",
    ),
    pytest.param(
        "Role",
        lambda r: r["rules"].append({"nonResourceURLs": ["/healthz"], "verbs": ["get"]}),
        ['rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs'],
        id="role-non-resource-urls",
    ),
    pytest.param(
        "Role",
        lambda r: rule(r).update(resourceName=["leader"]),
        ["rules[0].resourceName: unknown field in v1.Role"],
        id="role-unknown-field",
    ),
    pytest.param(
        "ClusterRole",
        lambda r: rule(r).update(resourceNames=["leader"], nonResourceURLs=["/healthz"]),
        ['rules[0].nonResourceURLs: Invalid value: ["/healthz"]: rules cannot apply to both regular resources and non-resource URLs'],
        id="cluster-role-resource-names-and-non-resource-urls",
    ),
    pytest.param(
        "ClusterRole",
        lambda r: rule(r).pop("apiGroups"),
        ["rules[0].apiGroups: Required value: resource rules must supply at least one api group"],
        id="cluster-role-rule-without-api-groups",
    ),
    pytest.param(
        "RoleBinding",
        lambda b: b["roleRef"].update(kind="ServiceAccount"),
        ['roleRef.kind: Unsupported value: "ServiceAccount": supported values: "Role", "ClusterRole"'],
        id="role-binding-role-ref-kind",
    ),
    pytest.param(
        "ClusterRoleBinding",
        lambda b: b["roleRef"].update(kind="Role"),
        ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
        id="cluster-role-binding-to-a-role",
    ),
    pytest.param(
        "ClusterRoleBinding",
        lambda b: b["subjects"][0].pop("namespace"),
        ["subjects[0].namespace: Required value"],
        id="cluster-role-binding-service-account-without-namespace",
    ),
    pytest.param(
        "ValidatingAdmissionPolicy",
        lambda p: policy_spec(p)["matchConstraints"]["resourceRules"][0].update(resources=[]),
        ["spec.matchConstraints.resourceRules[0].resources: Required value"],
        id="policy-rule-without-resources",
    ),
    pytest.param(
        "ValidatingAdmissionPolicy",
        lambda p: policy_spec(p)["validations"][0].update(expression="object.spec.replicas <"),
        [
            'spec.validations[0].expression: Invalid value: "object.spec.replicas <": compilation failed: '
            "ERROR: <input>:1:23: Syntax error: mismatched input '<EOF>' expecting "
            "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n"
            " | object.spec.replicas <\n"
            " | ......................^"
        ],
        id="policy-cel-syntax-error",
    ),
    pytest.param(
        "ValidatingAdmissionPolicy",
        lambda p: policy_spec(p)["validations"][0].update(expression="replicas <= 10"),
        [
            'spec.validations[0].expression: Invalid value: "replicas <= 10": compilation failed: '
            "ERROR: <input>:1:1: undeclared reference to 'replicas' (in container '')\n"
            " | replicas <= 10\n"
            " | ^"
        ],
        id="policy-cel-undeclared-reference",
    ),
    pytest.param(
        "ValidatingAdmissionPolicyBinding",
        lambda b: policy_spec(b).update(validationActions=["Deny", "Warn"]),
        [
            'spec.validationActions: Invalid value: ["Deny","Warn"]: must not contain both Deny and Warn (repeating the same '
            "validation failure information in the API response and headers serves no purpose)"
        ],
        id="policy-binding-deny-and-warn",
    ),
]


def test_good_rbac_and_admission_policy_objects_are_accepted_without_a_rollout_crd() -> None:
    reports = run_validator([builtin(kind) for kind in BUILTIN_KINDS], crds=())
    assert [(r["kind"], r["errors"]) for r in reports] == [(kind, []) for kind in BUILTIN_KINDS]


@pytest.mark.parametrize(("kind", "change", "expected"), BUILTIN_REJECTED)
def test_builtin_rejected(kind: str, change: Callable[[dict[str, Any]], None], expected: list[str]) -> None:
    obj = builtin(kind)
    change(obj)
    [report] = run_validator([obj], crds=())
    assert (report["kind"], report["errors"]) == (kind, expected)


def test_a_rollout_needs_a_rollout_crd() -> None:
    binary = require_tool("rollout-validate", str(VALIDATOR))
    rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: agents}\n"
    proc = subprocess.run([binary], input=rollout, capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "rollout-validate: --crd FILE is required to validate a Rollout\n")


WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              speed: {type: string, enum: [fast, slow], default: fast}
            x-kubernetes-validations:
            - {rule: "self.speed == 'fast' || self.size < 10", message: a slow widget must be small}
  - name: v2
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


def widget(name: str, version: str = "v1", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"example.com/{version}", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


def test_schema_crd_judges_the_kinds_it_defines(tmp_path: Path) -> None:
    crd = tmp_path / "widget-crd.yaml"
    crd.write_text(WIDGET_CRD)
    gadget = {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "ignored"}}
    objects = [
        widget("small", size=3),
        widget("empty", size=0, colour="red"),
        widget("slow", size=20, speed="slow"),
        widget("next", version="v2", size=3),
        gadget,
    ]
    assert validate(objects, crds=(), schema_crds=[crd]) == [
        "Widget empty [widget-crd.yaml]: " + pruned("spec.colour"),
        "Widget empty [widget-crd.yaml]: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1",
        'Widget slow [widget-crd.yaml]: spec: Invalid value: "object": a slow widget must be small',
        'Widget next: apiVersion: Unsupported value: "example.com/v2": supported values: "example.com/v1"',
    ]
    assert [r["name"] for r in run_validator(objects, crds=(), schema_crds=[crd])] == ["small", "empty", "slow", "next"]
