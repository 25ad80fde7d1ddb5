"""The Services the provider adds: `<service>-canary`, a ClusterIP clone of the stable Service."""

from __future__ import annotations

from typing import Any

from ...new_resources import metadata_from

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


def canary_service(service: dict[str, Any], name: str) -> dict[str, Any]:
    """A Service called `name` with `service`'s selector and ports, as a ClusterIP Service of its own."""
    source = service.get("spec") or {}
    spec = {k: v for k, v in source.items() if k not in _SERVICE_ONLY_FIELDS}
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        spec["type"] = "ClusterIP"
    if isinstance(spec.get("ports"), list):
        spec["ports"] = [{k: v for k, v in p.items() if k != "nodePort"} if isinstance(p, dict) else p for p in spec["ports"]]
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata_from(service, name, "Service"), "spec": spec}
