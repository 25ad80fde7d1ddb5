"""The Services around a Rollout, and those the provider adds: `<service>-canary`, `<service>-preview`.

An added Service is a ClusterIP clone of the Service that selects the Deployment's pods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...inventory import Inventory
from ...new_resources import metadata_from
from ...resource import Resource
from ...results import Result, warning

GENERATE = "generate"
"""A Service name that says: clone the one Service that selects the pods."""

SERVICE_NAME_LIMIT = 63
"""A Service name is a DNS-1035 label."""


@dataclass(frozen=True)
class StrategyPlan:
    """A Rollout's `spec.strategy`, and the Services around it."""

    strategy: dict[str, Any]
    services: list[Resource] = field(default_factory=list)
    """The Services in the list that select the Deployment's pods, where the strategy looked them up."""
    generated: list[Resource] = field(default_factory=list)
    """New Services the conversion adds beside the Rollout."""


def generated_name(service: str, suffix: str) -> str:
    """`<service>-<suffix>`; past 63 characters, `<service, cut>-<5 hex of its sha256>-<suffix>`.

    Deterministic (every render names it the same) and distinct for distinct long names.
    """
    name = f"{service}-{suffix}"
    if len(name) <= SERVICE_NAME_LIMIT:
        return name
    import hashlib  # rarely needed: not at every start

    digest = hashlib.sha256(service.encode()).hexdigest()[:5]
    return f"{service[: SERVICE_NAME_LIMIT - len(suffix) - 7]}-{digest}-{suffix}"


def named(block: dict[str, Any], key: str) -> str | None:
    """The Service a strategy block names under `key`; a name that is not a string, as none (the config models report it)."""
    value = block.get(key)
    return value if isinstance(value, str) else None


def not_in_list(name: object, workload: Resource, field: str, rule: str) -> Result:
    """A Service the Rollout names that the list does not have: it may come from another application."""
    message = f"Service {name} is not in the list; the Rollout stays degraded until it exists (fine if another application creates it)"
    return warning(message, workload, field, rule)


def clone_if_missing(inventory: Inventory, source: Resource, name: str) -> list[Resource]:
    """The clone of `source` called `name`, unless the list has a Service of that name already (it is used)."""
    if inventory.has("", "Service", source.namespace, name):
        return []
    return [Resource(cloned_service(source.obj, name))]


# Fields of a Service that belong to one Service object only, or would cost money twice.
_SERVICE_ONLY_FIELDS = (
    "clusterIP",
    "clusterIPs",
    "externalIPs",
    "healthCheckNodePort",
    "loadBalancerIP",
    "loadBalancerClass",
    "loadBalancerSourceRanges",
    "allocateLoadBalancerNodePorts",
    "externalTrafficPolicy",
)


def cloned_service(service: dict[str, Any], name: str) -> dict[str, Any]:
    """A Service called `name` with `service`'s selector and ports, as a ClusterIP Service of its own."""
    source = service.get("spec") or {}
    spec = {k: v for k, v in source.items() if k not in _SERVICE_ONLY_FIELDS}
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        spec["type"] = "ClusterIP"
    if isinstance(spec.get("ports"), list):
        spec["ports"] = [{k: v for k, v in p.items() if k != "nodePort"} if isinstance(p, dict) else p for p in spec["ports"]]
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata_from(service, name, "Service"), "spec": spec}
