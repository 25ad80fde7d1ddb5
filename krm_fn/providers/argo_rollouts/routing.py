"""What the controller requires of a canary's traffic routing (validation.go), over the plain `trafficRouting` block."""

from __future__ import annotations

from typing import Any

# Routers with which the controller needs both canaryService and stableService
# (validation.go requireCanaryStableServices): ALB and Istio unless pingPong (Istio also
# unless a DestinationRule), the others always.
_ALWAYS_BOTH_SERVICES = ("smi", "apisix", "ambassador", "nginx", "appMesh", "traefik")
HEADER_ROUTERS = ("istio", "alb", "apisix", "plugins")
"""Routers that can route a `setHeaderRoute` step."""
MIRROR_ROUTERS = ("istio", "plugins")
"""Routers that can mirror a `setMirrorRoute` step."""
PING_PONG_ROUTERS = ("alb", "istio", "plugins")
EXPERIMENT_WEIGHT_ROUTERS = ("alb", "smi", "istio", "plugins")


def routers(routing: dict[str, Any] | None) -> set[str]:
    """The routers configured (`plugins` counts when it names any)."""
    found = {key for key, value in (routing or {}).items() if key not in ("maxTrafficWeight", "managedRoutes") and value is not None}
    if not (routing or {}).get("plugins"):
        found.discard("plugins")
    return found


def needs_both_services(routing: dict[str, Any] | None, ping_pong: Any) -> bool:
    if not routing:
        return False
    istio = routing.get("istio")
    return (
        ("alb" in routing and ping_pong is None)
        or ("istio" in routing and ping_pong is None and not (isinstance(istio, dict) and istio.get("destinationRule")))
        or any(router in routing for router in _ALWAYS_BOTH_SERVICES)
    )


def managed_routes(routing: dict[str, Any] | None) -> list[str]:
    routes = (routing or {}).get("managedRoutes")
    return [str(r.get("name")) for r in routes if isinstance(r, dict)] if isinstance(routes, list) else []
