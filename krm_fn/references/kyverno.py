"""kyverno: a Kyverno ClusterPolicy or Policy rule whose `match` names kind Deployment.

After the conversion it no longer covers the workload: the policy is bypassed without a word. Each
match block (`match.resources`, `match.any[].resources`, `match.all[].resources`) that covers a
converted Deployment (its names, namespaces, annotations and label selector; a Policy's own
namespace) gets `argoproj.io/v1alpha1/Rollout` (with the same subresource) after the Deployment's
entry. Its rules read the pod template at the same path in both kinds. Preconditions are not read.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from ..fieldpath import Loc
from ..resource import Resource
from .model import Finding, Scope, added_beside

ID = "kyverno"
KINDS = frozenset({"ClusterPolicy", "Policy"})
_VERSION = re.compile(r"v\d+((alpha|beta)\d+)?|\*")


def reads(resource: Resource, scope: Scope) -> bool:
    return resource.group == "kyverno.io" and resource.kind in KINDS


def find(policy: Resource, scope: Scope) -> Iterator[Finding]:
    workload = scope.replacement.workload
    added = f"{workload.api_version}/{workload.kind}"
    for index, rule in enumerate(policy.get_list("spec", "rules")):
        match = rule.get("match") if isinstance(rule, dict) else None
        for loc, resources in _blocks(match if isinstance(match, dict) else {}, ("spec", "rules", index, "match")):
            kinds = resources.get("kinds")
            if not isinstance(kinds, list):
                continue
            read_kinds = [read_kind(entry) for entry in kinds]
            present = set(read_kinds)
            for place, (entry, read) in enumerate(zip(kinds, read_kinds, strict=True)):
                if read is None or read[:2] not in (("apps", "Deployment"), ("*", "Deployment")):
                    continue
                sub = read[2]
                if (workload.group, workload.kind, sub) in present or ("*", workload.kind, sub) in present:
                    continue
                covered = [gone for gone in sorted(scope.gone) if _covers(policy, resources, gone, scope)]
                if covered:
                    kind = added + (f"/{sub}" if sub else "")
                    yield added_beside(policy, (*loc, "kinds", place), f"kinds: {entry}", covered, kind, f"{kind} to the kinds")


def _blocks(match: dict[str, Any], loc: Loc) -> Iterator[tuple[Loc, dict[str, Any]]]:
    if isinstance(match.get("resources"), dict):
        yield (*loc, "resources"), match["resources"]
    for key in ("any", "all"):
        filters = match.get(key)
        for index, entry in enumerate(filters if isinstance(filters, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("resources"), dict):
                yield (*loc, key, index, "resources"), entry["resources"]


def read_kind(entry: Any) -> tuple[str, str, str] | None:
    """(group, kind, subresource) of a kinds entry (`*`: any group; "": the object itself), as Kyverno
    reads Kind, Kind/sub, Version/Kind, Group/Version/Kind and Group/Version/Kind/sub; None if malformed."""
    parts = str(entry).split("/")
    versioned = bool(_VERSION.fullmatch(parts[0]))
    if len(parts) == 1:
        return "*", parts[0], ""
    if len(parts) == 2:
        return ("*", parts[1], "") if versioned else ("*", parts[0], parts[1])
    if len(parts) == 3:
        return ("*", parts[1], parts[2]) if versioned else (parts[0], parts[2], "")
    if len(parts) == 4:
        return parts[0], parts[2], parts[3]
    return None


def _covers(policy: Resource, resources: dict[str, Any], gone: tuple[str, str], scope: Scope) -> bool:
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
    return scope.selects(resources.get("selector"), gone)
