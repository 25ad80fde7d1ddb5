"""gatekeeper: a Gatekeeper constraint whose `spec.match.kinds` holds kind Deployment in `apps`.

After the conversion it no longer covers the workload. A match that covers a converted Deployment
(its namespaces, excludedNamespaces, name and labelSelector; `*` at either end is a wildcard) gets
`{apiGroups: [argoproj.io], kinds: [Rollout]}` after the Deployment's entry. A template's Rego that
reads the pod template finds it at the same path; its parameters are not read.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import Any

from ..resource import Resource
from .model import Finding, Scope, added_beside

ID = "gatekeeper"
GROUP = "constraints.gatekeeper.sh"


def reads(resource: Resource, scope: Scope) -> bool:
    return resource.group == GROUP


def find(constraint: Resource, scope: Scope) -> Iterator[Finding]:
    workload = scope.replacement.workload
    match = constraint.get_map("spec", "match")
    kinds = match.get("kinds")
    if not isinstance(kinds, list) or any(_has(entry, workload.group, workload.kind) for entry in kinds):
        return
    for index, entry in enumerate(kinds):
        if _has(entry, "apps", "Deployment"):
            covered = [gone for gone in sorted(scope.gone) if _covers(match, gone, scope)]
            if covered:
                added = {"apiGroups": [workload.group], "kinds": [workload.kind]}
                how = f"{{apiGroups: [{workload.group}], kinds: [{workload.kind}]}} to the kinds"
                yield added_beside(constraint, ("spec", "match", "kinds", index), "kinds: Deployment in apps", covered, added, how)
            return


def _has(entry: Any, group: str, kind: str) -> bool:
    if not isinstance(entry, dict):
        return False
    groups, kinds = entry.get("apiGroups"), entry.get("kinds")
    return isinstance(groups, list) and isinstance(kinds, list) and bool({group, "*"} & set(groups)) and bool({kind, "*"} & set(kinds))


def _covers(match: dict[str, Any], gone: tuple[str, str], scope: Scope) -> bool:
    namespace, name = gone
    namespaces, excluded = match.get("namespaces"), match.get("excludedNamespaces")
    if isinstance(namespaces, list) and namespaces and not any(fnmatch.fnmatchcase(namespace, str(p)) for p in namespaces):
        return False
    if isinstance(excluded, list) and any(fnmatch.fnmatchcase(namespace, str(p)) for p in excluded):
        return False
    if isinstance(match.get("name"), str) and not fnmatch.fnmatchcase(name, match["name"]):
        return False
    return scope.selects(match.get("labelSelector"), gone)
