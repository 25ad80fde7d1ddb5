"""policies: admission policies that match kind Deployment: Kyverno's ClusterPolicy and Policy,
Gatekeeper's constraints, and Kubernetes' ValidatingAdmissionPolicy and MutatingAdmissionPolicy
(and their bindings).

After the conversion they no longer cover the workload: the policy is bypassed without a word.
Each match that covers a converted Deployment gets the workload as well, in the engine's own
form (Kyverno `argoproj.io/v1alpha1/Rollout`; Gatekeeper `{apiGroups: [argoproj.io], kinds:
[Rollout]}`; an admission policy's resource rule for `rollouts`), right after the Deployment's.
Their rules read the pod template at the same path in both kinds.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from ..fieldpath import Loc
from ..labelselector import LabelSelector
from ..resource import Resource
from .model import Finding, Scope, insert_after

ID = "policies"
KYVERNO = ("kyverno.io", frozenset({"ClusterPolicy", "Policy"}))
GATEKEEPER = "constraints.gatekeeper.sh"
ADMISSION = ("admissionregistration.k8s.io", frozenset({"ValidatingAdmissionPolicy", "MutatingAdmissionPolicy"}))
_ADMISSION_BINDINGS = frozenset({"ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicyBinding"})
_KYVERNO_VERSION = re.compile(r"v\d+((alpha|beta)\d+)?|\*")
_APPS = frozenset({"apps", "*"})


def reads(resource: Resource, scope: Scope) -> bool:
    group, kind = resource.group, resource.kind
    return (
        (group == KYVERNO[0] and kind in KYVERNO[1])
        or group == GATEKEEPER
        or (group == ADMISSION[0] and (kind in ADMISSION[1] or kind in _ADMISSION_BINDINGS))
    )


def find(resource: Resource, scope: Scope) -> Iterator[Finding]:
    if resource.group == KYVERNO[0]:
        yield from _kyverno(resource, scope)
    elif resource.group == GATEKEEPER:
        yield from _gatekeeper(resource, scope)
    else:
        yield from _admission(resource, scope)


def _finding(resource: Resource, loc: Loc, reference: str, covered: list[tuple[str, str]], added: Any, how: str) -> Finding:
    namespaces = {namespace for namespace, _ in covered}
    names = tuple(dict.fromkeys(name for _, name in covered))
    where = namespaces.pop() if len(namespaces) == 1 else None
    return Finding(resource, loc, reference, where, names, f"add {how}", f"added {how}, after this one", insert_after(loc, added))


# Kyverno: spec.rules[].match.resources, .match.any[].resources, .match.all[].resources; kinds are
# Kind, Version/Kind or Group/Version/Kind (`*` for any part).


def _kyverno(policy: Resource, scope: Scope) -> Iterator[Finding]:
    workload = scope.replacement.workload
    added = f"{workload.api_version}/{workload.kind}"
    for index, rule in enumerate(policy.get_list("spec", "rules")):
        match = rule.get("match") if isinstance(rule, dict) else None
        for loc, resources in _kyverno_blocks(match if isinstance(match, dict) else {}, ("spec", "rules", index, "match")):
            kinds = resources.get("kinds")
            if not isinstance(kinds, list):
                continue
            present = {_kyverno_kind(entry) for entry in kinds}
            for place, entry in enumerate(kinds):
                read = _kyverno_kind(entry)
                if read is None or read[:2] not in (("apps", "Deployment"), ("*", "Deployment")):
                    continue
                sub = read[2]
                if (workload.group, workload.kind, sub) in present or ("*", workload.kind, sub) in present:
                    continue
                covered = [gone for gone in sorted(scope.gone) if _kyverno_covers(policy, resources, gone, scope)]
                if covered:
                    kind = added + (f"/{sub}" if sub else "")
                    yield _finding(policy, (*loc, "kinds", place), f"kinds: {entry}", covered, kind, f"{kind} to the kinds")


def _kyverno_blocks(match: dict[str, Any], loc: Loc) -> Iterator[tuple[Loc, dict[str, Any]]]:
    if isinstance(match.get("resources"), dict):
        yield (*loc, "resources"), match["resources"]
    for key in ("any", "all"):
        filters = match.get(key)
        for index, entry in enumerate(filters if isinstance(filters, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("resources"), dict):
                yield (*loc, key, index, "resources"), entry["resources"]


def _kyverno_kind(entry: Any) -> tuple[str, str, str] | None:
    """(group, kind, subresource) of a kinds entry (`*`: any group; "": the object itself), as Kyverno
    reads Kind, Kind/sub, Version/Kind, Group/Version/Kind and Group/Version/Kind/sub; None if malformed."""
    parts = str(entry).split("/")
    versioned = bool(_KYVERNO_VERSION.fullmatch(parts[0]))
    if len(parts) == 1:
        return "*", parts[0], ""
    if len(parts) == 2:
        return ("*", parts[1], "") if versioned else ("*", parts[0], parts[1])
    if len(parts) == 3:
        return ("*", parts[1], parts[2]) if versioned else (parts[0], parts[2], "")
    if len(parts) == 4:
        return parts[0], parts[2], parts[3]
    return None


def _kyverno_covers(policy: Resource, resources: dict[str, Any], gone: tuple[str, str], scope: Scope) -> bool:
    namespace, name = gone
    if policy.kind == "Policy" and policy.namespace != namespace:
        return False
    names = resources.get("names") or ([resources["name"]] if isinstance(resources.get("name"), str) else [])
    if names and not any(fnmatch.fnmatchcase(name, str(pattern)) for pattern in names):
        return False
    namespaces = resources.get("namespaces") or []
    if namespaces and not any(fnmatch.fnmatchcase(namespace, str(pattern)) for pattern in namespaces):
        return False
    deployment = scope.deployment(*gone)
    wanted = resources.get("annotations")
    annotations = deployment.annotations if deployment else {}
    if isinstance(wanted, dict) and not all(
        any(fnmatch.fnmatchcase(str(k), str(key)) and fnmatch.fnmatchcase(str(v), str(value)) for k, v in annotations.items())
        for key, value in wanted.items()
    ):
        return False
    return _selects(resources.get("selector"), gone, scope)


def _selects(selector: Any, gone: tuple[str, str], scope: Scope) -> bool:
    if not isinstance(selector, dict):
        return True
    deployment = scope.deployment(*gone)
    return LabelSelector.from_label_selector(selector).matches(deployment.labels if deployment else {})


# Gatekeeper: spec.match.kinds [{apiGroups, kinds}], narrowed by namespaces, excludedNamespaces,
# name and labelSelector (`*` at either end of a namespace or name is a wildcard).


def _gatekeeper(constraint: Resource, scope: Scope) -> Iterator[Finding]:
    workload = scope.replacement.workload
    match = constraint.get_map("spec", "match")
    kinds = match.get("kinds")
    if not isinstance(kinds, list) or any(_gatekeeper_has(entry, workload.group, workload.kind) for entry in kinds):
        return
    for index, entry in enumerate(kinds):
        if _gatekeeper_has(entry, "apps", "Deployment"):
            covered = [gone for gone in sorted(scope.gone) if _gatekeeper_covers(match, gone, scope)]
            if covered:
                added = {"apiGroups": [workload.group], "kinds": [workload.kind]}
                how = f"{{apiGroups: [{workload.group}], kinds: [{workload.kind}]}} to the kinds"
                yield _finding(constraint, ("spec", "match", "kinds", index), "kinds: Deployment in apps", covered, added, how)
            return


def _gatekeeper_has(entry: Any, group: str, kind: str) -> bool:
    if not isinstance(entry, dict):
        return False
    groups, kinds = entry.get("apiGroups"), entry.get("kinds")
    return isinstance(groups, list) and isinstance(kinds, list) and bool({group, "*"} & set(groups)) and bool({kind, "*"} & set(kinds))


def _gatekeeper_covers(match: dict[str, Any], gone: tuple[str, str], scope: Scope) -> bool:
    namespace, name = gone
    namespaces, excluded = match.get("namespaces"), match.get("excludedNamespaces")
    if isinstance(namespaces, list) and namespaces and not any(fnmatch.fnmatchcase(namespace, str(p)) for p in namespaces):
        return False
    if isinstance(excluded, list) and any(fnmatch.fnmatchcase(namespace, str(p)) for p in excluded):
        return False
    if isinstance(match.get("name"), str) and not fnmatch.fnmatchcase(name, match["name"]):
        return False
    return _selects(match.get("labelSelector"), gone, scope)


# Admission policies: spec.matchConstraints.resourceRules of a policy, spec.matchResources.resourceRules
# of a binding (which narrows the policy's match: it must hold the workload too).


def _admission(resource: Resource, scope: Scope) -> Iterator[Finding]:
    replacement = scope.replacement
    workload = replacement.workload
    path = ("spec", "matchResources") if resource.kind in _ADMISSION_BINDINGS else ("spec", "matchConstraints")
    rules = resource.get_list(*path, "resourceRules")
    version = workload.api_version.rpartition("/")[2]
    for index, rule in enumerate(rules):
        subresources = _admission_deployments(rule)
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
        if not covered or any(_admission_covers(other, added) for other in rules):
            continue
        how = f"a resource rule for {', '.join(added['resources'])} in {workload.group}"
        yield _finding(resource, (*path, "resourceRules", index), "resourceRules: deployments in apps", covered, added, how)


def _admission_deployments(rule: Any) -> list[str]:
    """The Deployment subresources ("" for the Deployment itself) a resource rule matches."""
    if not isinstance(rule, dict) or not set(rule.get("apiGroups") or []) & _APPS:
        return []
    found: list[str] = []
    for resource in rule.get("resources") or []:
        base, _, sub = str(resource).partition("/")
        if base in ("deployments", "*") and sub not in found:
            found.append(sub)
    return found


def _admission_covers(rule: Any, wanted: dict[str, Any]) -> bool:
    if not isinstance(rule, dict):
        return False

    def holds(key: str, values: list[str]) -> bool:
        listed = rule.get(key) or []
        return "*" in listed or all(value in listed for value in values)

    return all(holds(key, wanted[key]) for key in ("apiGroups", "apiVersions", "operations", "resources"))
