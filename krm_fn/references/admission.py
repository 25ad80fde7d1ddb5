"""admission: a ValidatingAdmissionPolicy or MutatingAdmissionPolicy whose
`matchConstraints.resourceRules` match `deployments` in `apps`, and a binding whose
`matchResources.resourceRules` do (a binding narrows its policy's match: it must hold the workload too).

After the conversion they no longer cover the workload. Each such rule gets a rule for the workload's
resource in its group after it, with the same operations (and resourceNames and scope). The CEL
expressions read the pod template at the same path in both kinds; one that tests the kind is not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..resource import Resource
from .model import Finding, Scope, added_beside, covers, deployment_resources

ID = "admission"
GROUP = "admissionregistration.k8s.io"
POLICIES = frozenset({"ValidatingAdmissionPolicy", "MutatingAdmissionPolicy"})
BINDINGS = frozenset({"ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicyBinding"})
_APPS = frozenset({"apps", "*"})


def reads(resource: Resource, scope: Scope) -> bool:
    return resource.group == GROUP and (resource.kind in POLICIES or resource.kind in BINDINGS)


def find(resource: Resource, scope: Scope) -> Iterator[Finding]:
    replacement = scope.replacement
    workload = replacement.workload
    path = ("spec", "matchResources") if resource.kind in BINDINGS else ("spec", "matchConstraints")
    rules = resource.get_list(*path, "resourceRules")
    version = workload.api_version.rpartition("/")[2]
    for index, rule in enumerate(rules):
        subresources = deployment_resources(rule, _APPS) if isinstance(rule, dict) else []
        if not subresources:
            continue
        names = [str(name) for name in rule.get("resourceNames") or []]
        covered = [gone for gone in sorted(scope.gone) if not names or gone[1] in names]
        added: dict[str, Any] = {
            "apiGroups": [workload.group],
            "apiVersions": ["*"] if "*" in (rule.get("apiVersions") or []) else [version],
            "operations": list(rule.get("operations") or []),
            "resources": [replacement.resource + (f"/{sub}" if sub else "") for sub in subresources],
        }
        added.update({key: rule[key] for key in ("resourceNames", "scope") if key in rule})
        if not covered or any(covers(other, added, ("apiGroups", "apiVersions", "operations", "resources")) for other in rules):
            continue
        how = f"a resource rule for {', '.join(added['resources'])} in {workload.group}"
        yield added_beside(resource, (*path, "resourceRules", index), "resourceRules: deployments in apps", covered, added, how)
