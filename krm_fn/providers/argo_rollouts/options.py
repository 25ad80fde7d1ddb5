"""The rest of Argo's canary strategy (`spec.canary`), checked as the controller checks it.

Each check names the rule in pkg/apis/rollouts/validation/validation.go it mirrors.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ...config.models import FieldError, Model
from .routing import PING_PONG_ROUTERS, needs_both_services, routers
from .services import GENERATE

_AFFINITY_KINDS = ("preferredDuringSchedulingIgnoredDuringExecution", "requiredDuringSchedulingIgnoredDuringExecution")
_NEEDS_ROUTING = "only works with trafficRouting (the controller rejects it without)"


def check_anti_affinity(affinity: dict[str, Any]) -> None:
    """`antiAffinity` of either strategy: exactly one kind; a preferred one with a weight of 1..100."""
    kinds = [k for k in _AFFINITY_KINDS if k in affinity]
    if len(kinds) != 1 or len(affinity) != 1:
        raise FieldError(("antiAffinity",), f"must have exactly one of {', '.join(_AFFINITY_KINDS)}")
    preferred = affinity.get(_AFFINITY_KINDS[0])
    if preferred is not None:
        weight = preferred.get("weight") if isinstance(preferred, dict) else None
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            raise FieldError(("antiAffinity", _AFFINITY_KINDS[0], "weight"), f"must be between 1 and 100 (got {weight!r})")


class CanaryOptions(Model):
    """The rest of Argo's canary strategy, passed through to every Rollout after validation."""

    canaryService: str | None = Field(
        None, description=f'a Service name, or "{GENERATE}": clone the one Service selecting the pods as SERVICE-canary'
    )
    stableService: str | None = Field(
        None, description=f"with trafficRouting and canaryService: {GENERATE}, defaults to the cloned Service"
    )
    trafficRouting: dict[str, Any] | None = Field(None, description="Argo's trafficRouting block (nginx, istio, alb, smi, plugins, ...)")
    analysis: dict[str, Any] | None = Field(None, description="background analysis during the canary")
    antiAffinity: dict[str, Any] | None = Field(
        None, description="keep canary and stable pods apart: exactly one of preferred (weight 1..100) or required"
    )
    canaryMetadata: dict[str, Any] | None = Field(None, description="labels and annotations for canary pods only")
    stableMetadata: dict[str, Any] | None = Field(None, description="labels and annotations for stable pods only")
    dynamicStableScale: bool | None = Field(None, description="scale the stable pods down as traffic moves; needs trafficRouting")
    scaleDownDelaySeconds: int | None = Field(
        default=None, ge=0, description="seconds the old stable pods stay after a promotion; needs trafficRouting"
    )
    scaleDownDelayRevisionLimit: int | None = Field(default=None, ge=0, description="old ReplicaSets kept scaled up during the delay")
    abortScaleDownDelaySeconds: int | None = Field(default=None, ge=0, description="seconds before an aborted canary is scaled down")
    minPodsPerReplicaSet: int | None = Field(default=None, ge=1, description="canary pods never fewer than this while traffic is split")
    pingPong: dict[str, Any] | None = Field(None, description="pingService and pongService instead of canary/stable (ALB, Istio, plugins)")

    @model_validator(mode="after")
    def _controller_rules(self) -> CanaryOptions:
        routing = self.trafficRouting
        if routing is None:  # scaleDownDelaySeconds, dynamicStableScale: traffic routing only
            if self.dynamicStableScale:
                raise FieldError(("dynamicStableScale",), _NEEDS_ROUTING)
            if self.scaleDownDelaySeconds is not None:
                raise FieldError(("scaleDownDelaySeconds",), _NEEDS_ROUTING)
        else:
            if self.dynamicStableScale and self.scaleDownDelaySeconds is not None:
                raise FieldError(("dynamicStableScale",), "cannot be used together with scaleDownDelaySeconds")
            if "maxTrafficWeight" in routing and "nginx" not in routing and not routing.get("plugins"):
                raise FieldError(("trafficRouting", "maxTrafficWeight"), "is only supported with the nginx router or plugins")
        if self.canaryService and self.canaryService == self.stableService:  # same service for stable and canary
            raise FieldError(("stableService",), "must differ from canaryService: the controller needs two Services")
        if self.pingPong is not None:
            self._ping_pong_rules(routing or {})
        if self.antiAffinity is not None:
            check_anti_affinity(self.antiAffinity)
        return self

    def _ping_pong_rules(self, routing: dict[str, Any]) -> None:
        ping_pong = self.pingPong or {}
        if not routers(routing) & set(PING_PONG_ROUTERS):
            raise FieldError(("pingPong",), "works with the alb, istio and plugins traffic routers only")
        for name in ("pingService", "pongService"):
            if not ping_pong.get(name):
                raise FieldError(("pingPong", name), "is required: ping-pong needs both Services")
        if ping_pong["pingService"] == ping_pong["pongService"]:
            raise FieldError(("pingPong", "pongService"), "must differ from pingService")
        alb = routing.get("alb")
        if alb is not None and not (isinstance(alb, dict) and alb.get("rootService")):
            raise FieldError(("trafficRouting", "alb", "rootService"), "is required with the alb router and pingPong")

    def needs_both_services(self) -> bool:
        return needs_both_services(self.trafficRouting, self.pingPong)

    def to_argo(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
