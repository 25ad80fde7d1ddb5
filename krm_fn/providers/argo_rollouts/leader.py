"""Whether a Deployment's pods run leader-elected controllers, and on what evidence.

A leader-elected controller works only in the pod that holds the lease; the others wait. A
canary of such a Deployment runs the new version as a standby the stable leader keeps
beating to the lease, so a canary that weighs pods tests nothing of its controllers. The
evidence, read from the pod template and the RBAC in the list:
- flags: `--leader-elect[=true]`, `--enable-leader-election`, `--leader-election`, and the
  lease's name in `--leader-elect-resource-name`, `--leader-election-id`;
- env: a name holding LEADER_ELECT with a true value; the lease's name and namespace in a
  name holding LEASE_NAME / LEASE_NAMESPACE (or LEADER_ELECTION_ID);
- RBAC: a Role or ClusterRole that lets the pods' ServiceAccount update `leases`
  (coordination.k8s.io), bound to it.
The annotation `delivery.krm-fn.dev/leader-elected: "true"|"false"`, or the config's
`leaderElected`, overrides them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...inventory import Inventory
from ...resource import Resource, parse_all

ANNOTATION = "delivery.krm-fn.dev/leader-elected"
_ON_FLAGS = ("--leader-elect", "--enable-leader-election", "--leader-election")
_LEASE_FLAGS = ("--leader-elect-resource-name", "--leader-election-id")
_LEASE_NAMESPACE_FLAGS = ("--leader-elect-resource-namespace", "--leader-election-namespace")
_TRUE = ("true", "1", "yes", "on")
RBAC = "rbac.authorization.k8s.io"


@dataclass(frozen=True)
class Election:
    """A leader-elected Deployment: what says so, and the lease its pods contend for, where named."""

    evidence: tuple[str, ...]
    lease: tuple[str, str] | None = None
    """(namespace, name) of the Lease."""


def _containers(deployment: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    for kind in ("initContainers", "containers"):
        for i, container in enumerate(deployment.get_list("spec", "template", "spec", kind)):
            if isinstance(container, dict):
                yield f"{kind}[{i}]", container


def _flags(container: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Each `--flag[=value]` of the command and args, with its value (`--flag value` as well)."""
    words = [str(w) for part in ("command", "args") if isinstance(container.get(part), list) for w in container[part]]
    for i, word in enumerate(words):
        if not word.startswith("--"):
            continue
        name, equals, value = word.partition("=")
        following = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("-") else None
        yield name, value if equals else following


def lease(deployment: Resource) -> tuple[str, str] | None:
    """The (namespace, name) of the Lease the pods contend for, where the pod template names one."""
    _, name, namespace = _from_template(deployment)
    return (namespace or deployment.namespace, name) if name else None


def _from_template(deployment: Resource) -> tuple[list[str], str | None, str | None]:
    evidence: list[str] = []
    lease = lease_namespace = None
    for where, container in _containers(deployment):
        for name, value in _flags(container):
            if name in _ON_FLAGS and (value is None or value.lower() in _TRUE):
                evidence.append(f"{name} in {where}")
            elif name in _LEASE_FLAGS and value:
                evidence.append(f"{name}={value} in {where}")
                lease = value
            elif name in _LEASE_NAMESPACE_FLAGS and value:
                lease_namespace = value
        env = container.get("env")
        for entry in env if isinstance(env, list) else []:
            name, value = (str(entry.get("name", "")), entry.get("value")) if isinstance(entry, dict) else ("", None)
            if "LEADER_ELECT" in name.upper() and str(value).lower() in _TRUE:
                evidence.append(f"env {name}={value} in {where}")
            elif ("LEASE_NAME" in name.upper() and "NAMESPACE" not in name.upper()) or "LEADER_ELECTION_ID" in name.upper():
                lease = str(value) if value else lease
            elif "LEASE_NAMESPACE" in name.upper() and value:
                lease_namespace = str(value)
    return evidence, lease, lease_namespace


def _grants_leases(rule: Any) -> bool:
    if not isinstance(rule, dict):
        return False

    def listed(key: str, *wanted: str) -> bool:
        values = rule.get(key)
        return isinstance(values, list) and any(value in wanted for value in values)

    return listed("apiGroups", "coordination.k8s.io", "*") and listed("resources", "leases", "*") and listed("verbs", "update", "*")


def lease_grants(inventory: Inventory) -> dict[tuple[str, str], list[str]]:
    """(namespace, ServiceAccount) -> each role bound to it that lets it update Leases, said in words."""
    found: dict[tuple[str, str], list[str]] = {}
    bindings = [*inventory.of_kind(RBAC, "RoleBinding"), *inventory.of_kind(RBAC, "ClusterRoleBinding")]
    parse_all(bindings)
    for binding in bindings:
        ref = binding.get_map("roleRef")
        kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
        role = inventory.find(RBAC, kind, "" if kind == "ClusterRole" else binding.namespace, name)
        if role is None or not any(_grants_leases(rule) for rule in role.get_list("rules")):
            continue
        for subject in binding.get_list("subjects"):
            if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount":
                namespace, account = str(subject.get("namespace") or binding.namespace), str(subject.get("name"))
                if binding.kind == "RoleBinding" and namespace != binding.namespace:
                    continue  # a RoleBinding grants only in its own namespace
                found.setdefault((namespace, account), []).append(
                    f"{kind} {name} lets ServiceAccount {account} update leases ({binding.kind} {binding.name})"
                )
    return found


def _from_rbac(deployment: Resource, inventory: Inventory) -> list[str]:
    """The roles bound to the pods' ServiceAccount that let it update Leases."""
    template = deployment.get_map("spec", "template", "spec")
    account = str(template.get("serviceAccountName") or template.get("serviceAccount") or "default")
    return list(inventory.derived("lease-grants", lease_grants).get((deployment.namespace, account), []))


def detect(deployment: Resource, inventory: Inventory, overrides: dict[str, bool]) -> Election | None:
    """The Deployment's election, or None where nothing says it has one (or an override says it has none)."""
    said = deployment.annotations.get(ANNOTATION)
    override = overrides.get(deployment.name)
    evidence, name, lease_namespace = _from_template(deployment)
    evidence += _from_rbac(deployment, inventory)
    if said is not None and str(said).lower() in ("true", "false"):
        override, evidence = str(said).lower() == "true", [f"the annotation {ANNOTATION}: {said!s}", *evidence]
    elif override is not None:
        evidence = [f"leaderElected.{deployment.name}: {str(override).lower()} in the config", *evidence]
    if override is False or not (evidence or override):
        return None
    return Election(tuple(evidence), (lease_namespace or deployment.namespace, name) if name else None)
