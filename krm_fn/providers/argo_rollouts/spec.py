"""The Argo Rollouts provider's config: its spec model, canary steps and canary options.

Validated like the controller validates a Rollout (pkg/apis/rollouts/validation), so that
a config it would refuse fails at render time, naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, WithJsonSchema, field_validator, model_validator

from ...config.models import Enabled, FieldError, FromString, Model, ProviderName, RequireCRD, Selector, SelectorField
from ..registry import DEFAULT_PROVIDER
from .canary import GENERATE, never_replaces
from .durations import duration_seconds

STEP_KINDS = ("setWeight", "pause", "setCanaryScale", "analysis", "experiment", "setHeaderRoute", "setMirrorRoute", "plugin")
# Traffic routers with which the controller needs both canaryService and stableService
# (validation.go requireCanaryStableServices; ALB unless pingPong, Istio unless destinationRule).
ROUTERS_NEEDING_SERVICES = ("alb", "istio", "smi", "apisix", "ambassador", "nginx", "appMesh", "traefik")
_ROUTED_STEPS = ("setCanaryScale", "setHeaderRoute", "setMirrorRoute")
_INT_OR_PERCENT = re.compile(r"^[0-9]+%?$")


def _int_or_percent(value: Any) -> int | str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    if isinstance(value, str) and _INT_OR_PERCENT.match(value):
        return str(value)
    raise ValueError(f'must be a non-negative integer or a percentage such as "25%" (got {value!r})')


IntOrPercent = Annotated[
    Any,
    AfterValidator(_int_or_percent),
    FromString(lambda text: int(text) if text.isdigit() else text),  # ConfigMap: "1" is one pod
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]+%$"}, {"type": "null"}]}),
]


def _duration(value: Any) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"must be seconds (an integer) or a duration such as 30s, 10m, 1h (got {value!r})")
    seconds = duration_seconds(value)
    if seconds is None:
        raise ValueError(f"{value!r} is not a duration: use seconds or a number with a unit (s, m, h), e.g. 30s")
    if seconds < 0:
        raise ValueError(f"must not be negative (got {value!r})")
    return value if isinstance(value, int) else str(value)


class Pause(Model):
    duration: Annotated[
        Any,
        AfterValidator(_duration),
        WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}),
        Field(description="seconds, or 30s, 10m, 1h; none: wait for `kubectl argo rollouts promote`"),
    ] = None


class CanaryStep(Model):
    """One Argo Rollouts canary step: exactly one kind per step."""

    setWeight: int | None = Field(None, description="percent of traffic (of pods, without trafficRouting) to the canary")
    pause: Pause | None = None
    setCanaryScale: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None
    experiment: dict[str, Any] | None = None
    setHeaderRoute: dict[str, Any] | None = None
    setMirrorRoute: dict[str, Any] | None = None
    plugin: dict[str, Any] | None = None

    @field_validator("setWeight")
    @classmethod
    def _weight(cls, value: int | None, info: ValidationInfo) -> int | None:
        highest = (info.context or {}).get("maxTrafficWeight", 100)
        if value is not None and not 0 <= value <= highest:
            raise ValueError(f"must be between 0 and {highest} (got {value})")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> CanaryStep:
        kinds = [k for k in STEP_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            got = "none" if not kinds else " and ".join(kinds)
            raise ValueError(f"a step takes exactly one of {', '.join(STEP_KINDS)} (got {got})")
        return self

    def to_argo(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude_none=False)


_AFFINITY_KINDS = ("preferredDuringSchedulingIgnoredDuringExecution", "requiredDuringSchedulingIgnoredDuringExecution")


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
        if routing is None:
            for name in ("dynamicStableScale", "scaleDownDelaySeconds"):
                if getattr(self, name) not in (None, False):
                    raise FieldError((name,), "only works with trafficRouting (the controller rejects it without)")
        else:
            if self.dynamicStableScale and self.scaleDownDelaySeconds is not None:
                raise FieldError(("dynamicStableScale",), "cannot be used together with scaleDownDelaySeconds")
            if "maxTrafficWeight" in routing and "nginx" not in routing and not routing.get("plugins"):
                raise FieldError(("trafficRouting", "maxTrafficWeight"), "is only supported with the nginx router or plugins")
        if self.canaryService and self.canaryService == self.stableService:
            raise FieldError(("stableService",), "must differ from canaryService: the controller needs two Services")
        if self.antiAffinity is not None:
            kinds = [k for k in _AFFINITY_KINDS if k in self.antiAffinity]
            if len(kinds) != 1 or len(self.antiAffinity) != 1:
                raise FieldError(("antiAffinity",), f"must have exactly one of {', '.join(_AFFINITY_KINDS)}")
            weight = (self.antiAffinity.get(_AFFINITY_KINDS[0]) or {}).get("weight", 1)
            if not isinstance(weight, int) or not 1 <= weight <= 100:
                raise FieldError(("antiAffinity", _AFFINITY_KINDS[0], "weight"), f"must be between 1 and 100 (got {weight!r})")
        return self

    def needs_both_services(self) -> bool:
        routing = self.trafficRouting or {}
        if "alb" in routing and self.pingPong is not None:
            return False
        if "istio" in routing and (routing.get("istio") or {}).get("destinationRule"):
            return False
        return any(router in routing for router in ROUTERS_NEEDING_SERVICES)

    def to_argo(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def _default_steps() -> list[CanaryStep]:
    return [CanaryStep(setWeight=25), CanaryStep(pause=Pause())]


class ArgoRolloutsSpec(Model):
    enabled: Enabled = False
    provider: ProviderName = DEFAULT_PROVIDER
    canarySteps: list[CanaryStep] = Field(
        default_factory=_default_steps,
        description="Argo canary steps, each exactly one of " + ", ".join(STEP_KINDS) + "; default: 25%, then wait for promotion",
    )
    maxSurge: IntOrPercent = Field(
        None, description='pods (1) or percent ("25%"); default: the Deployment\'s rollingUpdate.maxSurge, else 1'
    )
    maxUnavailable: IntOrPercent = Field(
        None, description="pods or percent, never both zero; default: the Deployment's rollingUpdate.maxUnavailable, else 0"
    )
    selector: SelectorField = Field(default_factory=Selector)
    requireCRD: RequireCRD = True
    migration: Literal["convert", "workloadRef"] = Field(
        "convert", description="convert: the Rollout replaces the Deployment; workloadRef: a Rollout drives the kept Deployment"
    )
    scaleDown: Literal["progressively", "onsuccess", "never"] = Field(
        "progressively", description="workloadRef only: how the Deployment is scaled down as the Rollout comes up"
    )
    canary: CanaryOptions = Field(default_factory=CanaryOptions, description="the rest of Argo's canary strategy, copied to every Rollout")

    @model_validator(mode="after")
    def _checks(self) -> ArgoRolloutsSpec:
        routed = self.canary.trafficRouting is not None
        for i, step in enumerate(self.canarySteps):
            for kind in _ROUTED_STEPS:
                if getattr(step, kind) is not None and not routed:
                    raise FieldError(("canarySteps", i, kind), "needs canary.trafficRouting (the controller rejects it without)")
        if never_replaces(self.maxSurge, self.maxUnavailable):
            raise FieldError(("maxUnavailable",), "maxSurge and maxUnavailable must not both be zero: no pod could ever be replaced")
        return self


def validation_context(raw_spec: Any) -> dict[str, Any]:
    """The highest canary weight, which `setWeight` is checked against (`maxTrafficWeight`, default 100)."""
    canary = raw_spec.get("canary") if isinstance(raw_spec, dict) else None
    routing = canary.get("trafficRouting") if isinstance(canary, dict) else None
    weight = routing.get("maxTrafficWeight") if isinstance(routing, dict) else None
    return {"maxTrafficWeight": weight} if isinstance(weight, int) and not isinstance(weight, bool) and weight > 0 else {}
