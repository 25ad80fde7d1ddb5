"""rbac: a Role or ClusterRole rule that grants verbs on a Deployment by name (`resourceNames`).

After the conversion the grant reaches nothing, and whatever used it (a restart CronJob, an
operator) is refused. Where the role's reach is known (a Role's namespace; a ClusterRole bound in
the list), a rule granting the same verbs on the workload by the same names is added after it,
and the old rule stays. A ClusterRole bound nowhere in the list gets a warning with that rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..inventory import Inventory
from ..resource import Resource, parse_all
from .model import Finding, Scope, covers, deployment_resources, insert_after

ID = "rbac"
RBAC = "rbac.authorization.k8s.io"
_GROUPS = frozenset({"apps", "extensions", "*"})
_SUBRESOURCES = frozenset({"", "scale", "status"})
"""The Deployment's subresources the workload has too (not `rollback`, which only extensions/v1beta1 served)."""
EVERYWHERE = None


def reads(resource: Resource, scope: Scope) -> bool:
    return resource.group == RBAC and resource.kind in ("Role", "ClusterRole") and scope.may_name(resource)


def find(resource: Resource, scope: Scope) -> Iterator[Finding]:
    reach = _reach(resource, scope.inventory)
    rules = resource.get_list("rules")
    for index, rule in enumerate(rules):
        resources = _granted_resources(rule)
        if not resources:
            continue
        names = [str(name) for name in rule.get("resourceNames") or [] if isinstance(name, str)]
        gone = [(namespace, name) for name in names for namespace in _namespaces(name, reach, scope) if scope.is_gone(namespace, name)]
        if not gone:
            continue
        named = list(dict.fromkeys(name for _, name in gone))
        workload = scope.replacement.workload
        new_rule = {
            "apiGroups": [workload.group],
            "resources": [scope.replacement.resource + (f"/{sub}" if sub else "") for sub in resources],
            "resourceNames": named,
            "verbs": list(rule.get("verbs") or []),
        }
        if any(covers(other, new_rule, ("apiGroups", "resources", "verbs")) for other in rules):
            continue  # an earlier run, or the author, granted it already
        said = f"add a rule {_flow(new_rule)}"
        reference = f"grants {', '.join(map(str, new_rule['verbs']))} by name"
        if reach is not None and not reach:
            advice = f"{said} if this ClusterRole is bound where the Deployment was (nothing in the list binds it)"
            yield Finding(resource, ("rules", index, "resourceNames"), reference, tuple(gone), advice)
            continue
        change = f"added {_flow(new_rule)} after this rule, which stays"
        loc = ("rules", index, "resourceNames")
        yield Finding(resource, loc, reference, tuple(gone), said, change, insert_after(("rules", index), new_rule))


def _granted_resources(rule: Any) -> list[str]:
    """The Deployment subresources ("" for the Deployment itself) a rule grants by name."""
    if not isinstance(rule, dict) or not rule.get("resourceNames"):
        return []
    return [sub for sub in deployment_resources(rule, _GROUPS) if sub in _SUBRESOURCES]


def _reach(role: Resource, inventory: Inventory) -> set[str] | None:
    """The namespaces a role grants in: a Role's own; a ClusterRole's, from the bindings in the list
    (None: every namespace, bound by a ClusterRoleBinding; empty: bound nowhere in the list)."""
    if role.kind == "Role":
        return {role.namespace}
    return inventory.derived("cluster-role-reach", _cluster_role_reach).get(role.name, set())


def _cluster_role_reach(inventory: Inventory) -> dict[str, set[str] | None]:
    reach: dict[str, set[str] | None] = {}
    bindings = [*inventory.of_kind(RBAC, "RoleBinding"), *inventory.of_kind(RBAC, "ClusterRoleBinding")]
    parse_all(bindings)
    for binding in bindings:
        ref = binding.get_map("roleRef")
        if ref.get("kind") != "ClusterRole":
            continue
        name = str(ref.get("name", ""))
        if binding.kind == "ClusterRoleBinding":
            reach[name] = EVERYWHERE
        elif (namespaces := reach.setdefault(name, set())) is not None:
            namespaces.add(binding.namespace)
    return reach


def _namespaces(name: str, reach: set[str] | None, scope: Scope) -> list[str]:
    """Where a grant on `name` may reach a gone Deployment."""
    if reach:
        return sorted(reach)
    return sorted(namespace for namespace, gone in scope.gone if gone == name)  # everywhere, or (bound nowhere) anywhere


def _flow(rule: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: [{', '.join(map(str, values))}]" for key, values in rule.items()) + "}"
